// One connection to the agent at a time (docs/agent-protocol.md): connect, say hello, wait for
// `ready` or an error frame, then carry MCP lines both ways. What to do when it fails or drops
// is the pipe's decision (pipe.ts); this only reports it.
import { connect, type Socket } from 'node:net';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, decodeAgentFrame, encodeFrame, type ErrorFrame, type HelloFrame } from '../src-shared/agent-protocol';
import type { Logger } from './log';

const READ_SIZE = 64 * 1024;

/** Why the agent will not serve: its error frame, or the bridge's own finding. */
export type Refusal = Pick<ErrorFrame, 'code' | 'message'>;

export interface AgentLinkEvents {
  /** Connected; the pipe answers with hello() when it knows what to say. */
  connected(): void;
  /** The connection could not be made (nothing listens, or refused). */
  unreachable(): void;
  ready(): void;
  refused(refusal: Refusal): void;
  /** MCP bytes from the agent, after ready; true when they were written at once (the buffer
   * may be reused), false when they wait in a queue. */
  data(chunk: Buffer): boolean;
  /** The connection ended after it was made (the agent quit, crashed, or closed after refusing). */
  closed(wasReady: boolean): void;
}

export class AgentLink {
  private socket: Socket | null = null;
  private isReady = false;
  /** Bytes of the handshake reply not yet ending in a newline. */
  private pending = Buffer.alloc(0);
  /** The buffer reads go into; null when the last chunk read is still queued for stdout (it must
   * not be read into again): the next read gets a new one. */
  private readBuffer: Buffer | null = null;

  constructor(
    private readonly socketPath: string,
    private readonly log: Logger,
    private readonly on: AgentLinkEvents,
  ) {}

  get ready(): boolean {
    return this.isReady;
  }

  get busy(): boolean {
    return this.socket !== null;
  }

  /** Only while there is no connection (not busy). */
  connect(): void {
    // One read buffer, reused while stdout takes each chunk at once: a fresh 64 KiB per read
    // would wait for the GC and grow the bridge's memory with every large result passed
    // through. A chunk stdout could not take at once stays queued there, so the next read gets
    // a new buffer (asked for after each read).
    const socket = connect({
      path: this.socketPath,
      onread: {
        buffer: () => (this.readBuffer ??= Buffer.allocUnsafe(READ_SIZE)),
        callback: (size) => {
          const chunk = this.readBuffer!.subarray(0, size);
          if (!this.isReady) this.handshake(socket, chunk);
          else if (!this.on.data(chunk)) this.readBuffer = null;
          return true;
        },
      },
    });
    this.socket = socket;
    this.isReady = false;
    this.pending = Buffer.alloc(0);
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      this.log.debug(`agent: connected to ${this.socketPath}`);
      this.on.connected();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) this.log.debug(`agent: cannot connect to ${this.socketPath} (${error.code ?? error.message})`);
      else this.log.warn(`agent: connection error (${error.code ?? error.message})`);
    });
    socket.on('close', () => {
      const wasReady = this.isReady;
      this.socket = null;
      this.isReady = false;
      if (connected) this.on.closed(wasReady);
      else this.on.unreachable();
    });
  }

  /** Only while busy. */
  hello(profile: string, extra: Omit<HelloFrame, 'type' | 'v' | 'profile'>): void {
    this.socket!.write(encodeFrame({ type: 'hello', v: PROTOCOL_VERSION, profile, ...extra }));
  }

  /** One MCP message line (without its newline); only while ready. */
  send(line: string): void {
    this.socket!.write(`${line}\n`);
  }

  /** Half-close: the assistant is done sending; the agent answers what is outstanding, then
   * closes. Only while ready. */
  end(): void {
    this.socket!.end();
  }

  close(): void {
    this.socket?.destroy();
  }

  /** `chunk` is copied before the read buffer is used again. */
  private handshake(socket: Socket, chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    const nl = this.pending.indexOf(0x0a);
    if (nl === -1) {
      if (this.pending.length > MAX_FRAME_BYTES) {
        this.log.warn('agent: over-long handshake frame; disconnecting');
        socket.destroy();
      }
      return;
    }
    const line = this.pending.toString('utf8', 0, nl);
    const rest = this.pending.subarray(nl + 1);
    this.pending = Buffer.alloc(0);
    const decoded = decodeAgentFrame(line);
    if (decoded.kind !== 'frame') {
      this.log.warn(`agent: unexpected reply to hello (${decoded.kind === 'malformed' ? decoded.reason : 'unknown type'}); disconnecting`);
      socket.destroy();
      return;
    }
    const frame = decoded.frame;
    if (frame.type === 'error') return this.on.refused(frame);
    if (frame.v !== PROTOCOL_VERSION) {
      this.on.refused({
        code: 'unsupported-version',
        message: `KeyBridge speaks agent protocol v${frame.v}; this bridge speaks v${PROTOCOL_VERSION}. Restart the assistant (and KeyBridge, if it was just updated).`,
      });
      socket.destroy();
      return;
    }
    this.isReady = true;
    this.on.ready();
    // What came right behind ready (possibly nothing).
    this.on.data(rest);
  }
}
