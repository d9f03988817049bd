// A client of the agent socket reduced to lines: says hello, then sends and awaits JSON-RPC
// lines, keeping every byte it received (to check that no key is among them).
import { connect, type Socket } from 'node:net';

export interface LineClient {
  socket: Socket;
  /** Everything received so far, as text. */
  readonly received: string;
  /** The next line not yet taken, parsed (waits up to timeoutMs). */
  next(timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The first line from now on that `match`es (others are taken and dropped). */
  nextMatching(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  send(value: unknown): void;
  hello(profile: string, v?: number): void;
  closed: Promise<void>;
  close(): Promise<void>;
}

export function connectLineClient(socketPath: string): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const lines: string[] = [];
    let received = '';
    let partial = '';
    let wake: (() => void) | null = null;
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    void closed.then(() => wake?.());
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) !== -1) {
        lines.push(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
      wake?.();
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      const next = async (timeoutMs = 5000) => {
        const deadline = Date.now() + timeoutMs;
        while (lines.length === 0) {
          if (socket.destroyed) throw new Error('connection closed without a line');
          const left = deadline - Date.now();
          if (left <= 0) throw new Error('no line from the agent in time');
          await new Promise<void>((r) => {
            const timer = setTimeout(r, left);
            wake = () => {
              clearTimeout(timer);
              r();
            };
          });
        }
        return JSON.parse(lines.shift()!) as Record<string, unknown>;
      };
      resolve({
        socket,
        get received() {
          return received;
        },
        next,
        async nextMatching(match, timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const line = await next(Math.max(1, deadline - Date.now()));
            if (match(line)) return line;
          }
        },
        send: (value) => void socket.write(`${JSON.stringify(value)}\n`),
        hello(profile, v = 2) {
          socket.write(`${JSON.stringify({ type: 'hello', v, profile, bridge: { version: '0.0.0-test' }, client: { name: 'headless-test' } })}\n`);
        },
        closed,
        async close() {
          socket.destroy();
          await closed;
        },
      });
    });
    socket.once('error', reject);
  });
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'headless-test', version: '1' } },
} as const;

/** Says hello, expects ready, and initializes the MCP session. */
export async function openSession(client: LineClient, profile: string): Promise<void> {
  client.hello(profile);
  const ready = await client.next();
  if (ready.type !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(ready)}`);
  client.send(INITIALIZE);
  const answer = await client.nextMatching((line) => line.id === 1);
  if (!answer.result) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
  client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}
