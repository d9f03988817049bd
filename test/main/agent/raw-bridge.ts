// A bridge reduced to its agent-socket half: speaks protocol v1 over a real socket and
// collects what the agent sends, so tests can await the next frame.
import { connect, type Socket } from 'node:net';
import { decodeAgentFrame, type AgentToBridgeFrame } from '../../../src-shared/agent-protocol';

export interface RawBridge {
  socket: Socket;
  frames: AgentToBridgeFrame[];
  /** Resolves with the next frame not yet taken (waits up to timeoutMs). */
  next(timeoutMs?: number): Promise<AgentToBridgeFrame>;
  write(line: string): void;
  hello(profile: string, client?: { name: string; pid?: number }): void;
  closed: Promise<void>;
  close(): Promise<void>;
}

export function connectRawBridge(socketPath: string): Promise<RawBridge> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const frames: AgentToBridgeFrame[] = [];
    let taken = 0;
    let waiter: (() => void) | null = null;
    let buffer = '';
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const decoded = decodeAgentFrame(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (decoded.kind !== 'frame') throw new Error(`agent sent a bad frame: ${JSON.stringify(decoded)}`);
        frames.push(decoded.frame);
      }
      waiter?.();
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      const bridge: RawBridge = {
        socket,
        frames,
        closed,
        async next(timeoutMs = 3000) {
          const deadline = Date.now() + timeoutMs;
          while (taken >= frames.length) {
            if (socket.destroyed && taken >= frames.length) throw new Error('connection closed without a frame');
            const left = deadline - Date.now();
            if (left <= 0) throw new Error('no frame from the agent in time');
            await new Promise<void>((r) => {
              const t = setTimeout(r, Math.min(left, 50));
              waiter = () => {
                clearTimeout(t);
                r();
              };
            });
          }
          return frames[taken++]!;
        },
        write: (line) => void socket.write(line),
        hello(profile, client = { name: 'Claude', pid: 4242 }) {
          socket.write(`${JSON.stringify({ type: 'hello', v: 1, profile, client, bridge: { version: '0.1.0', pid: 4243 } })}\n`);
        },
        async close() {
          socket.destroy();
          await closed;
        },
      };
      resolve(bridge);
    });
    socket.once('error', reject);
  });
}
