// The bridge's side of agent protocol v1: connect, say hello, apply credentials/revoked/error
// frames, send status frames, and reconnect with backoff if the socket drops, keeping
// whatever credentials it already has.
import { connect, type Socket } from 'node:net';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, decodeAgentFrame, encodeFrame, type HelloFrame, type StatusFrame } from '../src-shared/agent-protocol';
import { createLineSplitter } from '../src-shared/line-splitter';
import type { CredentialsState } from './credentials';
import type { Logger } from './log';

const BACKOFF_FIRST_MS = 200;
const BACKOFF_MAX_MS = 5000;
/** How long hello waits for the assistant's name (from its initialize) before going without it. */
const NAME_WAIT_MS = 1000;

export interface AgentClientOptions {
  socketPath: string;
  profile: string;
  version: string;
  state: CredentialsState;
  log: Logger;
  /** Called after each hello (to resend status). */
  onConnected?: () => void;
}

export class AgentClient {
  private socket: Socket | null = null;
  private connected = false;
  private closed = false;
  private delayMs = BACKOFF_FIRST_MS;
  private timer: NodeJS.Timeout | null = null;
  /** Attempts that failed to connect since the last success (0 once connected). */
  failedAttempts = 0;
  private readonly attemptListeners = new Set<() => void>();
  /** The assistant's name from its initialize (clientInfo.name); null until known. */
  private clientName: string | null = null;
  private helloSent = false;
  private nameTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AgentClientOptions) {}

  get isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    this.attempt();
  }

  /** Resolves after the next connection attempt settles (connected or failed). */
  nextAttempt(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.attemptListeners.delete(done);
        resolve();
      };
      this.attemptListeners.add(done);
    });
  }

  /** Skips the remaining backoff and tries again now (e.g. right after starting the app). */
  retryNow(): void {
    if (this.connected || this.closed || this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.delayMs = BACKOFF_FIRST_MS;
    this.attempt();
  }

  /** The assistant's name, for hello (the tray shows it and may refuse a client). */
  identify(name: string): void {
    if (this.clientName !== null) return;
    this.clientName = name.slice(0, 200) || 'unknown';
    this.sayHello();
  }

  /** Sends a status frame if connected; returns whether it was sent. */
  sendStatus(frame: StatusFrame): boolean {
    if (!this.connected || !this.socket || !this.helloSent) return false;
    this.socket.write(encodeFrame(frame));
    return true;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.nameTimer) clearTimeout(this.nameTimer);
    this.socket?.destroy();
  }

  private sayHello(): void {
    if (!this.connected || !this.socket || this.helloSent || this.clientName === null) return;
    if (this.nameTimer) clearTimeout(this.nameTimer);
    this.nameTimer = null;
    const { profile, version } = this.options;
    const hello: HelloFrame = {
      type: 'hello',
      v: PROTOCOL_VERSION,
      profile,
      client: { name: this.clientName, pid: process.ppid },
      bridge: { version, pid: process.pid },
    };
    this.socket.write(encodeFrame(hello));
    this.helloSent = true;
    this.options.onConnected?.();
  }

  private settleAttempt(): void {
    for (const listener of [...this.attemptListeners]) listener();
  }

  private attempt(): void {
    const { socketPath, profile, state, log } = this.options;
    const socket = connect(socketPath);
    this.socket = socket;
    socket.setEncoding('utf8');
    const splitter = createLineSplitter({
      maxLength: MAX_FRAME_BYTES,
      onOverflow: () => log.warn('agent sent an over-long frame; ignored'),
      onLine: (line) => {
        if (line.trim() === '') return;
        const decoded = decodeAgentFrame(line);
        if (decoded.kind === 'malformed') log.warn(`agent sent a malformed frame (${decoded.reason}); ignored`);
        if (decoded.kind !== 'frame') return;
        const frame = decoded.frame;
        if (frame.type !== 'error' && frame.profile !== profile) return;
        if (frame.type === 'error') log.warn(`agent: ${frame.code}: ${frame.message}`);
        else log.info(frame.type === 'credentials' ? `agent: credentials for '${profile}' (${frame.keyId})` : `agent: ${frame.message}`);
        state.apply(frame);
      },
    });
    socket.on('connect', () => {
      this.connected = true;
      this.helloSent = false;
      this.failedAttempts = 0;
      this.delayMs = BACKOFF_FIRST_MS;
      log.debug(`agent: connected to ${socketPath}`);
      if (this.clientName !== null) this.sayHello();
      else {
        this.nameTimer = setTimeout(() => {
          this.clientName ??= 'unknown';
          this.sayHello();
        }, NAME_WAIT_MS);
        this.nameTimer.unref();
      }
      this.settleAttempt();
    });
    socket.on('data', (chunk: string) => splitter.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!this.connected) log.debug(`agent: cannot connect to ${socketPath} (${error.code ?? error.message})`);
      else log.warn(`agent: connection error (${error.code ?? error.message})`);
    });
    socket.on('close', () => {
      const wasConnected = this.connected;
      this.connected = false;
      this.socket = null;
      if (wasConnected) log.warn('agent: connection lost; keeping current credentials and reconnecting');
      else {
        this.failedAttempts++;
        this.settleAttempt();
      }
      if (this.closed) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.attempt();
      }, this.delayMs);
      this.timer.unref();
      this.delayMs = Math.min(this.delayMs * 2, BACKOFF_MAX_MS);
    });
  }
}
