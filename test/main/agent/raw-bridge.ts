// A bridge reduced to its agent-socket half, speaking protocol v2 over a real socket: hello →
// ready or an error frame, then JSON-RPC lines. Keeps every byte the agent sent, so that a test
// can check no key is among them.
import { connect, type Socket } from 'node:net';
import { decodeAgentFrame, type AgentToBridgeFrame, type ResumeState } from '../../../src-shared/agent-protocol';

export interface HelloOptions {
  /** Default 2. */
  v?: number;
  client?: Record<string, unknown>;
  bridge?: Record<string, unknown>;
  token?: string;
  resume?: ResumeState;
  /** More fields, sent as they are (to check they are ignored). */
  extra?: Record<string, unknown>;
}

export interface RawBridge {
  socket: Socket;
  /** Every byte received so far, as text. */
  readonly received: string;
  /** Lines received and not yet taken. */
  readonly pending: readonly string[];
  /** Writes text as it is. */
  write(text: string): void;
  hello(profile: string, options?: HelloOptions): void;
  /** The next line as a control frame (fails on anything that is not a well-formed one). */
  frame(timeoutMs?: number): Promise<AgentToBridgeFrame>;
  /** hello, then the answer. */
  handshake(profile: string, options?: HelloOptions): Promise<AgentToBridgeFrame>;
  /** One JSON-RPC message (or any value) as a line. */
  send(message: unknown): void;
  /** The next line, parsed. */
  next(timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The first line from now on that `match`es; the others are taken and dropped. */
  nextMatching(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends a request and resolves with the response of the same id (other lines are dropped). */
  request(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
  closed: Promise<void>;
  readonly isClosed: boolean;
  close(): Promise<void>;
}

let ids = 0;

export const INITIALIZE_PARAMS = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-bridge', version: '1' } };

export function connectRawBridge(socketPath: string): Promise<RawBridge> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const lines: string[] = [];
    let received = '';
    let partial = '';
    let isClosed = false;
    let wake: (() => void) | null = null;
    const closed = new Promise<void>((r) =>
      socket.once('close', () => {
        isClosed = true;
        r();
        wake?.();
      }),
    );
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

    const nextLine = async (timeoutMs: number): Promise<string> => {
      const deadline = Date.now() + timeoutMs;
      while (lines.length === 0) {
        if (isClosed) throw new Error(`connection closed without a line (received: ${received.slice(0, 500)})`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no line from the agent within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          const timer = setTimeout(r, left);
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
      return lines.shift()!;
    };

    socket.once('connect', () => {
      const bridge: RawBridge = {
        socket,
        get received() {
          return received;
        },
        get pending() {
          return lines;
        },
        get isClosed() {
          return isClosed;
        },
        closed,
        write: (text) => void socket.write(text),
        hello(profile, options = {}) {
          const frame = {
            type: 'hello',
            v: options.v ?? 2,
            profile,
            bridge: options.bridge ?? { version: '0.0.0-test' },
            ...(options.client ? { client: options.client } : {}),
            ...(options.token ? { token: options.token } : {}),
            ...(options.resume ? { resume: options.resume } : {}),
            ...options.extra,
          };
          socket.write(`${JSON.stringify(frame)}\n`);
        },
        async frame(timeoutMs = 5000) {
          const line = await nextLine(timeoutMs);
          const decoded = decodeAgentFrame(line);
          if (decoded.kind !== 'frame') throw new Error(`the agent sent a line that is not a control frame: ${line.slice(0, 300)}`);
          return decoded.frame;
        },
        async handshake(profile, options) {
          bridge.hello(profile, options);
          return bridge.frame();
        },
        send: (message) => void socket.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`),
        async next(timeoutMs = 5000) {
          return JSON.parse(await nextLine(timeoutMs)) as Record<string, unknown>;
        },
        async nextMatching(match, timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const line = await bridge.next(Math.max(1, deadline - Date.now()));
            if (match(line)) return line;
          }
        },
        request(method, params, timeoutMs = 5000) {
          const id = `raw-${++ids}`;
          bridge.send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
          return bridge.nextMatching((line) => line.id === id && !('method' in line), timeoutMs);
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

/** initialize + notifications/initialized, as an assistant starts its session; returns the result. */
export async function initializeSession(bridge: RawBridge): Promise<Record<string, unknown>> {
  const answer = await bridge.request('initialize', INITIALIZE_PARAMS);
  if (!('result' in answer)) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
  bridge.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return answer.result as Record<string, unknown>;
}

/** The text of a tools/call result's first content item. */
export function toolText(answer: Record<string, unknown>): string | undefined {
  return (answer.result as { content?: { text?: string }[] } | undefined)?.content?.[0]?.text;
}
