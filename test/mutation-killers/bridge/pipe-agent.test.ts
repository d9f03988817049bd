// The bridge's pipe and agent link in process (src-bridge/pipe.ts, agent-link.ts) against a
// stand-in agent on a real Unix socket that answers hello as each test says: ready, refused,
// the wrong protocol version, garbage, or nothing. The assistant's side is a real stream whose
// bytes are read back. Each test waits for a state (a line written, a connection made), never
// for a fixed time, except where the pipe's own timer is what is being tested (shortened).
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL_TOKEN_ENV, MAX_FRAME_BYTES, PROTOCOL_VERSION, encodeFrame } from '../../../src-shared/agent-protocol';
import { NO_CREDENTIALS } from '../../../src-shared/jsonrpc-errors';
import { asJsonRpc } from '../../../src-bridge/assistant-input';
import { AssistantOutput } from '../../../src-bridge/assistant-output';
import { createLogger } from '../../../src-bridge/log';
import { DEFAULT_TIMINGS, Pipe, type PipeTimings } from '../../../src-bridge/pipe';
import { until } from '../../support/until';

type Reply = 'ready' | 'ready-padded' | 'refuse' | 'old-version' | 'garbage' | 'unknown-type' | 'silent' | 'ready+data' | 'huge' | 'drop';

interface Conn {
  socket: Socket;
  lines: string[];
  hello: Record<string, unknown> | null;
}

let dir: string;
let socketPath: string;
let server: Server | null;
let conns: Conn[];
let replies: Reply[];
let pipes: Pipe[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-pipe-mk-'));
  socketPath = join(dir, 'agent.sock');
  server = null;
  conns = [];
  replies = [];
  pipes = [];
});
afterEach(async () => {
  for (const p of pipes) p.end(() => undefined);
  await stopAgent();
  await rm(dir, { recursive: true, force: true });
});

/** The stand-in agent: the n-th connection gets replies[n] (the last one repeats). */
async function startAgent(...r: Reply[]) {
  replies = r;
  // Half-open, as the agent: it answers what is outstanding after the bridge's half-close.
  server = createServer({ allowHalfOpen: true }, (socket) => {
    const conn: Conn = { socket, lines: [], hello: null };
    const reply = replies[Math.min(conns.length, replies.length - 1)]!;
    conns.push(conn);
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) !== -1) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        conn.lines.push(line);
        if (conn.hello) continue;
        conn.hello = JSON.parse(line) as Record<string, unknown>;
        if (reply === 'ready') socket.write(encodeFrame({ type: 'ready', v: PROTOCOL_VERSION, profile: 'p' }));
        if (reply === 'ready+data') socket.write(`${encodeFrame({ type: 'ready', v: PROTOCOL_VERSION, profile: 'p' })}{"jsonrpc":"2.0","method":"early"}\n`);
        if (reply === 'refuse') socket.write(encodeFrame({ type: 'error', code: 'denied', message: 'The user said no.' }));
        if (reply === 'old-version') socket.write(`${JSON.stringify({ type: 'ready', v: 1, profile: 'p' })}\n`);
        if (reply === 'garbage') socket.write('this is not a frame\n');
        if (reply === 'unknown-type') socket.write('{"type":"welcome"}\n');
        if (reply === 'drop') socket.destroy();
        if (reply === 'ready-padded') {
          const frame = JSON.stringify({ type: 'ready', v: PROTOCOL_VERSION, profile: 'p' });
          socket.write(frame.padEnd(MAX_FRAME_BYTES, ' '));
          socket.write('\n');
        }
        if (reply === 'huge') socket.write('x'.repeat(MAX_FRAME_BYTES + 10));
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(socketPath, resolve));
}

async function stopAgent() {
  for (const c of conns) c.socket.destroy();
  const s = server;
  server = null;
  if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
}

/** `slow`: the assistant's stdout takes each chunk only on the next turn of the event loop. */
function bridge(options: { timings?: Partial<PipeTimings>; env?: NodeJS.ProcessEnv; slow?: boolean } = {}) {
  const writes: string[] = [];
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      const take = () => {
        writes.push(chunk.toString('utf8'));
        done();
      };
      if (options.slow) setImmediate(take);
      else take();
    },
  });
  let pipe: Pipe | null = null;
  const output = new AssistantOutput(stream, (id) => pipe?.answered(id));
  pipe = new Pipe({
    profile: 'p',
    socketPath,
    version: '9.9.9',
    env: options.env ?? {},
    log: createLogger('debug', (line) => void logs.push(line)),
    output,
    timings: { nameWaitMs: 5000, waitMs: 5000, retryFirstMs: 20, retryMaxMs: 40, ...options.timings },
  });
  pipes.push(pipe);
  const p = pipe;
  const send = (message: Record<string, unknown>) => p.fromAssistant(asJsonRpc(message)!, JSON.stringify(message));
  // Whole lines only: a large one may still be on its way to the slow stream.
  const lines = () => {
    const text = writes.join('');
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  const answer = (id: unknown) => lines().find((l) => l.id === id && !('method' in l));
  return { pipe: p, send, lines, answer, logs, writes };
}

const INIT = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'Cursor', version: '1' } } };
const req = (id: number | string, method = 'tools/list') => ({ jsonrpc: '2.0', id, method });
const errorText = (line: Record<string, unknown> | undefined) => (line?.error as { message?: string } | undefined)?.message;

describe('hello', () => {
  it("names the assistant from its initialize, the bridge's version and the one-time token; then the messages in order", async () => {
    await startAgent('ready');
    const b = bridge({ env: { [APPROVAL_TOKEN_ENV]: 'tok-1' } });
    b.pipe.start();
    await until(() => conns.length === 1, 'a connection');
    b.send(INIT);
    b.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    b.send(req(1));
    await until(() => conns[0]!.lines.length === 4, 'hello and three messages');
    expect(conns[0]!.hello).toEqual({ type: 'hello', v: PROTOCOL_VERSION, profile: 'p', bridge: { version: '9.9.9' }, client: { name: 'Cursor' }, token: 'tok-1' });
    expect(conns[0]!.lines.slice(1).map((l) => JSON.parse(l) as unknown)).toEqual([INIT, { jsonrpc: '2.0', method: 'notifications/initialized' }, req(1)]);
    // The agent answers; the assistant gets the bytes as they are.
    conns[0]!.socket.write('{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}\n');
    await until(() => b.answer(1) !== undefined, 'the answer');
    expect(b.lines()).toEqual([{ jsonrpc: '2.0', id: 1, result: { tools: [] } }]);
  });

  it('an initialize that comes while the connection waits for it says hello at once, with the name', async () => {
    await startAgent('ready');
    const b = bridge({ timings: { nameWaitMs: 60_000 } });
    b.pipe.start();
    await until(() => b.logs.some((l) => l.includes(`agent: connected to ${socketPath}`)), 'connected');
    expect(conns[0]?.hello ?? null).toBeNull();
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'hello and initialize', 3000);
    expect(conns[0]!.hello).toMatchObject({ client: { name: 'Cursor' } });
    await until(() => b.logs.some((l) => l.includes("agent: ready for 'p'")), 'ready');
  });

  it('a reply to hello of exactly the longest frame allowed is read', async () => {
    await startAgent('ready-padded');
    const b = bridge();
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    expect(b.logs.some((l) => l.includes('over-long'))).toBe(false);
  });

  it('without an initialize within the name wait, hello goes without a client name (and no token)', async () => {
    await startAgent('ready');
    const b = bridge({ timings: { nameWaitMs: 30 } });
    b.pipe.start();
    await until(() => conns[0]?.hello !== null && conns[0]?.hello !== undefined, 'hello');
    expect(conns[0]!.hello).toEqual({ type: 'hello', v: PROTOCOL_VERSION, profile: 'p', bridge: { version: '9.9.9' } });
    expect(DEFAULT_TIMINGS).toEqual({ waitMs: 10_000, nameWaitMs: 1000, retryFirstMs: 100, retryMaxMs: 2000 });
  });

  it('a request sent before the agent is ready is held, then forwarded once ready', async () => {
    await startAgent('ready');
    const b = bridge({ timings: { nameWaitMs: 10_000 } });
    b.send(INIT);
    b.send(req(2, 'ping'));
    await until(() => conns[0]?.lines.length === 3, 'hello, initialize, ping');
    expect(conns).toHaveLength(1);
    expect(JSON.parse(conns[0]!.lines[2]!)).toEqual(req(2, 'ping'));
  });

  it('data right behind ready in the same chunk reaches the assistant', async () => {
    await startAgent('ready+data');
    const b = bridge();
    b.send(INIT);
    await until(() => b.lines().length === 1, 'the early line');
    expect(b.lines()).toEqual([{ jsonrpc: '2.0', method: 'early' }]);
  });
});

describe('when the agent cannot serve', () => {
  it('not running (not packaged): a request is answered at once with what to do; a notification is not', async () => {
    const b = bridge({ timings: { waitMs: 60_000 } });
    b.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    b.send(req(3));
    await until(() => b.answer(3) !== undefined, 'the answer');
    expect(b.lines()).toEqual([
      {
        jsonrpc: '2.0',
        id: 3,
        error: {
          code: NO_CREDENTIALS,
          message: "KeyBridge is not running, so 'p' cannot be used. Start the KeyBridge app (from a source checkout: npm start), then restart this MCP server in your assistant.",
          data: { profile: 'p' },
        },
      },
    ]);
    expect(b.logs.some((l) => l.includes('not forwarded (notifications/initialized)'))).toBe(true);
  });

  it("the assistant's response to a server request is not answered: it is a response; the bridge logs that it was lost", async () => {
    const b = bridge();
    b.send({ jsonrpc: '2.0', id: 'srv-1', result: {} });
    b.send(req(31));
    await until(() => b.answer(31) !== undefined, 'the request answered');
    expect(b.lines().map((l) => l.id)).toEqual([31]);
    expect(b.logs.some((l) => l.includes('not forwarded (a response): KeyBridge is not running'))).toBe(true);
  });

  it('refused: held requests get the refusal; the next message tries again and is served', async () => {
    await startAgent('refuse', 'ready');
    const b = bridge();
    b.send(INIT);
    await until(() => b.answer(0) !== undefined, 'the refusal');
    expect(b.answer(0)).toMatchObject({ error: { code: NO_CREDENTIALS, message: 'The user said no.', data: { profile: 'p' } } });
    await until(() => conns[0]!.socket.destroyed || conns.length === 1, 'first connection seen');
    conns[0]!.socket.end();
    // What is tested is a retry that is NOT scheduled, and no event marks that (the pipe logs
    // nothing on this close): a short bounded wait past the shortened retry timer (20-40 ms).
    await new Promise((r) => setTimeout(r, 50));
    expect(conns).toHaveLength(1);
    b.send(req(4));
    await until(() => conns.length === 2 && conns[1]!.lines.length === 2, 'a second connection with the request');
    expect(JSON.parse(conns[1]!.lines[1]!)).toEqual(req(4));
    expect(b.answer(4)).toBeUndefined();
  });

  it('a refusal followed by more messages before the agent closes: those try again at once', async () => {
    await startAgent('refuse', 'ready');
    // A retry timer would not reconnect within the test: the new connection is made at once.
    const b = bridge({ timings: { nameWaitMs: 10, retryFirstMs: 60_000, retryMaxMs: 60_000 } });
    b.pipe.start();
    await until(() => conns[0]?.hello != null, 'first hello');
    await until(() => b.logs.some((l) => l.includes('agent: denied: The user said no.')), 'the refusal logged');
    b.send(req(5));
    conns[0]!.socket.end();
    await until(() => conns.length === 2 && conns[1]!.lines.length === 2, 'the request on a new connection');
    expect(JSON.parse(conns[1]!.lines[1]!)).toEqual(req(5));
    // A refused connection closing is no lost session.
    expect(b.logs.some((l) => l.includes('connection lost'))).toBe(false);
  });

  it('an agent of another protocol version is refused by the bridge, with what to do', async () => {
    await startAgent('old-version');
    const b = bridge();
    b.send(INIT);
    await until(() => b.answer(0) !== undefined, 'the answer');
    expect(errorText(b.answer(0))).toBe(
      'KeyBridge speaks agent protocol v1; this bridge speaks v2. Restart the assistant (and KeyBridge, if it was just updated).',
    );
    expect(b.logs.some((l) => l.endsWith(' warn: agent: unsupported-version: KeyBridge speaks agent protocol v1; this bridge speaks v2. Restart the assistant (and KeyBridge, if it was just updated).\n'))).toBe(true);
  });

  it('a reply to hello that is no frame, or a frame too long, ends the connection', async () => {
    await startAgent('garbage');
    const b = bridge({ timings: { waitMs: 60_000 } });
    b.send(INIT);
    await until(() => b.logs.some((l) => l.includes('unexpected reply to hello')), 'the warning');
    expect(b.logs.filter((l) => l.includes('unexpected reply to hello'))[0]).toMatch(/ warn: agent: unexpected reply to hello \(not JSON\); disconnecting\n$/);
    await stopAgent();
    await startAgent('unknown-type');
    const u = bridge({ timings: { waitMs: 60_000 } });
    u.send(INIT);
    await until(() => u.logs.some((l) => l.includes('unexpected reply to hello')), 'the warning');
    expect(u.logs.filter((l) => l.includes('unexpected reply to hello'))[0]).toMatch(/ warn: agent: unexpected reply to hello \(unknown type\); disconnecting\n$/);
    await stopAgent();
    await startAgent('huge');
    const c = bridge({ timings: { waitMs: 60_000 } });
    c.send(INIT);
    await until(() => c.logs.some((l) => l.includes('over-long handshake frame')), 'the warning');
    expect(c.logs.filter((l) => l.includes('over-long'))[0]).toMatch(/ warn: agent: over-long handshake frame; disconnecting\n$/);
  });

  it('an agent that never answers hello: held requests are answered after the wait', async () => {
    await startAgent('silent');
    const b = bridge({ timings: { waitMs: 100 } });
    b.send(INIT);
    await until(() => b.answer(0) !== undefined, 'the answer');
    expect(errorText(b.answer(0))).toBe("KeyBridge did not answer for 'p' within 0 s. Open KeyBridge and check it, then retry.");
  });
});

describe('packaged, with the app not running', () => {
  it('starts the app once (hidden, without ELECTRON_RUN_AS_NODE), then says it did not start', async () => {
    const marker = join(dir, 'launched');
    const app = join(dir, 'fake-app.sh');
    await writeFile(app, `#!/bin/sh\necho "$@ run-as-node=$ELECTRON_RUN_AS_NODE" >> '${marker}'\n`, { mode: 0o755 });
    const b = bridge({ env: { ELECTRON_RUN_AS_NODE: '1', APPIMAGE: app, PATH: process.env.PATH }, timings: { waitMs: 300 } });
    b.send(INIT);
    await until(() => b.answer(0) !== undefined, 'the answer', 5000);
    expect(errorText(b.answer(0))).toBe('KeyBridge did not start within 0 s. Start the KeyBridge app, then restart this MCP server in your assistant.');
    expect(b.logs.some((l) => l.includes('agent unreachable: started the KeyBridge app; waiting for it'))).toBe(true);
    await until(() => existsSync(marker), 'the app started');
    // Retries went on meanwhile; the app was started once.
    expect(readFileSync(marker, 'utf8')).toBe('--hidden run-as-node=\n');
    // It starts now: the next message is served.
    await startAgent('ready');
    b.send(req(30));
    await until(() => conns[0]?.lines.some((l) => l.includes('"id":30')) ?? false, 'the request at the agent');
    expect(b.answer(30)).toBeUndefined();
  });
});

describe('when the agent goes away', () => {
  it('requests in flight are answered; answered and cancelled ones are not; the bridge reconnects and resumes', async () => {
    await startAgent('ready');
    const b = bridge({ env: { [APPROVAL_TOKEN_ENV]: 'tok-once' } });
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    conns[0]!.socket.write('{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18"}}\n');
    b.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    b.send({ jsonrpc: '2.0', id: 9, method: 'resources/subscribe', params: { uri: 'r://x' } });
    b.send(req(10));
    b.send(req('eleven'));
    b.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'eleven' } });
    await until(() => conns[0]!.lines.length === 7, 'all at the agent');
    conns[0]!.socket.write('{"jsonrpc":"2.0","id":9,"result":{}}\n');
    await until(() => b.answer(9) !== undefined, 'the subscribe answered');
    // The agent restarts.
    conns[0]!.socket.destroy();
    await until(() => b.answer(10) !== undefined, 'the request in flight answered');
    expect(errorText(b.answer(10))).toBe('KeyBridge restarted while this request was in flight; retry it.');
    expect(b.answer('eleven')).toBeUndefined();
    expect(b.lines().filter((l) => l.id === 9)).toHaveLength(1);
    expect(b.lines().filter((l) => l.id === 0)).toHaveLength(1);
    await until(() => conns.length === 2 && conns[1]!.hello !== null, 'hello again');
    expect(conns[1]!.hello).toEqual({
      type: 'hello',
      v: PROTOCOL_VERSION,
      profile: 'p',
      bridge: { version: '9.9.9' },
      client: { name: 'Cursor' },
      resume: { initialize: INIT, initialized: true, logLevel: null, subscriptions: ['r://x'] },
    });
    expect(b.logs.some((l) => l.includes('connection lost; reconnecting'))).toBe(true);
    await until(() => b.logs.some((l) => l.includes("agent: session for 'p' resumed")), 'resumed');
  });

  it('gone for good after serving: a new request waits, then says so', async () => {
    await startAgent('ready');
    const b = bridge({ timings: { waitMs: 150 } });
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    conns[0]!.socket.write('{"jsonrpc":"2.0","id":0,"result":{}}\n');
    await until(() => b.answer(0) !== undefined, 'initialize answered');
    await stopAgent();
    await until(() => b.logs.some((l) => l.includes('connection lost; reconnecting')), 'the loss noticed');
    b.send(req(12));
    await until(() => b.answer(12) !== undefined, 'the answer', 3000);
    expect(errorText(b.answer(12))).toBe('KeyBridge went away and did not come back within 0 s. Start KeyBridge, then retry.');
  });
});

describe('the assistant ends', () => {
  it('held messages are answered; the agent gets a half-close, answers what is outstanding, and closes', async () => {
    await startAgent('ready');
    const b = bridge();
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    b.send(req(20));
    await until(() => conns[0]!.lines.length === 3, 'the request at the agent');
    let done = 0;
    const ended = new Promise<void>((resolve) => conns[0]!.socket.once('end', resolve));
    b.pipe.end(() => done++);
    await ended;
    expect(done).toBe(0);
    conns[0]!.socket.end('{"jsonrpc":"2.0","id":20,"result":{}}\n');
    await until(() => done === 1, 'done');
    // The agent's answer for 20 went out; 0 was never answered: the bridge says so.
    expect(b.answer(20)).toEqual({ jsonrpc: '2.0', id: 20, result: {} });
    expect(errorText(b.answer(0))).toBe('No answer before the assistant closed the connection.');
  });

  it('with no agent: held requests are answered and it ends at once', async () => {
    const b = bridge({ timings: { waitMs: 60_000 } });
    await startAgent('silent');
    b.send(INIT);
    await until(() => conns.length === 1, 'a connection');
    let done = 0;
    b.pipe.end(() => done++);
    expect(done).toBe(1);
    expect(errorText(b.answer(0))).toBe('The assistant closed the connection before KeyBridge answered.');
  });
});

/** Lets the close of a connection the bridge destroyed (and what it triggers) run. */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};
const cannotConnect = (logs: string[]) => logs.filter((l) => l.endsWith(` debug: agent: cannot connect to ${socketPath} (ENOENT)\n`)).length;

describe('hello, once per connection', () => {
  it('a message before the initialize does not cut the name wait short; the initialize does', async () => {
    await startAgent('ready');
    const b = bridge({ timings: { nameWaitMs: 60_000 } });
    b.pipe.start();
    await until(() => b.logs.some((l) => l.includes(`agent: connected to ${socketPath}`)), 'connected');
    b.send(req(1, 'ping'));
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 3, 'hello, ping, initialize');
    expect(conns[0]!.hello).toMatchObject({ client: { name: 'Cursor' } });
    expect(conns[0]!.lines.slice(1).map((l) => JSON.parse(l) as unknown)).toEqual([req(1, 'ping'), INIT]);
  });

  it('an initialize after hello, while the agent has not answered it yet, says no second hello', async () => {
    await startAgent('silent');
    const b = bridge({ timings: { nameWaitMs: 10 } });
    b.pipe.start();
    await until(() => conns[0]?.hello != null, 'hello without a name');
    b.send(INIT);
    conns[0]!.socket.write(encodeFrame({ type: 'ready', v: PROTOCOL_VERSION, profile: 'p' }));
    await until(() => conns[0]!.lines.some((l) => l.includes('"initialize"')), 'the initialize at the agent');
    expect(conns[0]!.lines).toHaveLength(2);
    expect(JSON.parse(conns[0]!.lines[1]!)).toEqual(INIT);
  });

  it('a hello written while the connection failed is said again on the next one', async () => {
    const b = bridge({ timings: { waitMs: 60_000 } });
    b.pipe.start();
    // Said while connecting (the initialize names the assistant); nothing listens.
    b.send(INIT);
    await until(() => b.answer(0) !== undefined, 'the initialize answered');
    expect(errorText(b.answer(0))).toMatch(/^KeyBridge is not running/);
    await startAgent('ready');
    b.send(req(1));
    await until(() => conns[0]?.lines.length === 2, 'hello and the request');
    expect(conns[0]!.hello).toMatchObject({ type: 'hello', client: { name: 'Cursor' } });
  });

  it('never served: a connection the agent drops before ready is retried for the held messages', async () => {
    await startAgent('drop', 'ready');
    const b = bridge({ timings: { waitMs: 60_000 } });
    b.send(INIT);
    await until(() => conns.length === 2 && conns[1]!.lines.length === 2, 'initialize on the second connection');
    expect(JSON.parse(conns[1]!.lines[1]!)).toEqual(INIT);
    expect(b.answer(0)).toBeUndefined();
  });

  it('a connection the agent drops before ready is retried; the session resumes on the next', async () => {
    await startAgent('ready', 'drop', 'ready');
    const b = bridge({ timings: { waitMs: 60_000 } });
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    conns[0]!.socket.destroy();
    await until(() => conns.length === 3 && conns[2]!.hello !== null, 'a hello on the third connection');
    expect(conns[1]!.hello).toMatchObject({ resume: { initialize: INIT } });
    await until(() => b.logs.some((l) => l.includes("agent: session for 'p' resumed")), 'resumed');
  });
});

describe('what is owed an answer', () => {
  it("only notifications/cancelled cancels (numeric ids too; without params, nothing); the assistant's own responses are owed nothing", async () => {
    await startAgent('ready');
    const b = bridge();
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    conns[0]!.socket.write('{"jsonrpc":"2.0","id":0,"result":{}}\n');
    b.send(req(10));
    b.send(req(12));
    b.send({ jsonrpc: '2.0', method: 'notifications/cancelled' });
    b.send({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { requestId: 10 } });
    b.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 12 } });
    b.send({ jsonrpc: '2.0', id: 'srv-1', result: {} });
    await until(() => conns[0]!.lines.length === 8, 'all at the agent');
    conns[0]!.socket.destroy();
    await until(() => b.answer(10) !== undefined && b.answer(11) !== undefined, 'the requests in flight answered');
    expect(errorText(b.answer(10))).toBe('KeyBridge restarted while this request was in flight; retry it.');
    expect(b.answer(12)).toBeUndefined();
    expect(b.answer('srv-1')).toBeUndefined();
  });
});

describe('waiting for the agent', () => {
  it('after serving, a request waits for the agent to come back, then is served', async () => {
    await startAgent('ready');
    const b = bridge({ timings: { waitMs: 60_000 } });
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    await stopAgent();
    await until(() => b.logs.some((l) => l.includes('connection lost; reconnecting')), 'the loss noticed');
    const before = cannotConnect(b.logs);
    b.send(req(12));
    await until(() => cannotConnect(b.logs) > before, 'a failed attempt');
    await startAgent('ready');
    await until(() => conns[1]?.lines.some((l) => l.includes('"id":12')) ?? false, 'the request at the agent');
    expect(b.answer(12)).toBeUndefined();
  });

  it('retries every retryMaxMs at most while the agent is away, never faster than that', async () => {
    await startAgent('ready');
    const b = bridge({ timings: { waitMs: 400, retryFirstMs: 40, retryMaxMs: 40 } });
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    await stopAgent();
    await until(() => b.logs.some((l) => l.includes('connection lost; reconnecting')), 'the loss noticed');
    const before = cannotConnect(b.logs);
    b.send(req(12));
    await until(() => b.answer(12) !== undefined, 'the request answered after the wait');
    // One attempt at once, then one each 40 ms within the 400 ms wait: at most 11; a backoff
    // that grew past the maximum would make 3, one that shrank hundreds.
    const attempts = cannotConnect(b.logs) - before;
    expect(attempts).toBeGreaterThanOrEqual(4);
    expect(attempts).toBeLessThanOrEqual(12);
  });

  it('not packaged and never served, with nothing waiting: no retry; the next message connects', async () => {
    const b = bridge();
    b.pipe.start();
    await until(() => cannotConnect(b.logs) === 1, 'the first attempt');
    await startAgent('ready');
    // What is tested is a retry that is NOT scheduled: a bounded wait past the retry timer (20 ms).
    await new Promise((r) => setTimeout(r, 80));
    expect(conns).toHaveLength(0);
    expect(cannotConnect(b.logs)).toBe(1);
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
  });

  it('after a refusal, a request while the agent is gone is told the refusal', async () => {
    await startAgent('refuse');
    const b = bridge({ timings: { waitMs: 60_000 } });
    b.send(INIT);
    await until(() => b.answer(0) !== undefined, 'the refusal');
    await stopAgent();
    b.send(req(13));
    await until(() => b.answer(13) !== undefined, 'the answer');
    expect(errorText(b.answer(13))).toBe('The user said no.');
  });
});

describe('packaged, starting the app', () => {
  it('while the app starts, held messages wait for it', async () => {
    const app = join(dir, 'fake-app.sh');
    await writeFile(app, '#!/bin/sh\n', { mode: 0o755 });
    const b = bridge({ env: { ELECTRON_RUN_AS_NODE: '1', APPIMAGE: app, PATH: process.env.PATH }, timings: { waitMs: 60_000 } });
    b.send(INIT);
    await until(() => b.logs.some((l) => l.includes('started the KeyBridge app')), 'the app started');
    await startAgent('ready');
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    expect(b.answer(0)).toBeUndefined();
  });

  it('an app that cannot be started is not waited for', async () => {
    const b = bridge({ env: { ELECTRON_RUN_AS_NODE: '1', APPIMAGE: '/no\0such', PATH: process.env.PATH }, timings: { waitMs: 60_000 } });
    b.send(INIT);
    await until(() => b.answer(0) !== undefined, 'the answer');
    expect(errorText(b.answer(0))).toMatch(/^KeyBridge is not running/);
    expect(b.logs.some((l) => l.includes('started the KeyBridge app'))).toBe(false);
  });
});

describe('the assistant ends, more', () => {
  it('an agent that does not close: the bridge finishes within 0.8 of the wait, closes, and does not reconnect', async () => {
    await startAgent('ready');
    const b = bridge({ timings: { waitMs: 250 } });
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    await until(() => b.logs.some((l) => l.includes("agent: ready for 'p'")), 'ready');
    let waited = false;
    const wait = setTimeout(() => (waited = true), 250);
    let done = 0;
    let doneBeforeTheWait = false;
    b.pipe.end(() => {
      done++;
      doneBeforeTheWait = !waited;
    });
    await until(() => done > 0, 'done');
    await settle();
    clearTimeout(wait);
    expect(done).toBe(1);
    expect(doneBeforeTheWait).toBe(true);
    expect(errorText(b.answer(0))).toBe('No answer before the assistant closed the connection.');
    expect(b.logs.some((l) => l.includes('connection lost'))).toBe(false);
    // The bridge closed its end: what the agent still writes goes nowhere.
    conns[0]!.socket.write('{"jsonrpc":"2.0","id":99,"result":{}}\n');
    await until(() => conns[0]!.socket.destroyed, "the agent's side closed");
    expect(b.answer(99)).toBeUndefined();
  });

  it('with no connection at all, it ends at once', () => {
    const b = bridge();
    let done = 0;
    b.pipe.end(() => done++);
    expect(done).toBe(1);
  });

  it('packaged, ending while connecting: the app is not started, and it ends once', async () => {
    const app = join(dir, 'fake-app.sh');
    await writeFile(app, '#!/bin/sh\n', { mode: 0o755 });
    const b = bridge({ env: { ELECTRON_RUN_AS_NODE: '1', APPIMAGE: app, PATH: process.env.PATH }, timings: { waitMs: 60_000 } });
    b.send(INIT);
    let done = 0;
    b.pipe.end(() => done++);
    expect(done).toBe(1);
    await settle();
    expect(b.logs.some((l) => l.includes('started the KeyBridge app'))).toBe(false);
    expect(done).toBe(1);
  });
});

describe('the connection, at the byte level', () => {
  it('an agent that resets the connection after ready: the bridge warns with the error code and reconnects', async () => {
    // Never read from (pauseOnConnect): closing it with the bridge's bytes unread resets the connection.
    const sockets: Socket[] = [];
    server = createServer({ pauseOnConnect: true }, (socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.write(encodeFrame({ type: 'ready', v: PROTOCOL_VERSION, profile: 'p' }));
    });
    await new Promise<void>((resolve) => server!.listen(socketPath, resolve));
    const b = bridge({ timings: { retryFirstMs: 60_000, retryMaxMs: 60_000 } });
    b.send(INIT);
    await until(() => b.logs.some((l) => l.includes("agent: ready for 'p'")), 'ready');
    sockets[0]!.destroy();
    await until(() => b.logs.some((l) => l.includes('connection lost; reconnecting')), 'the loss noticed');
    expect(b.logs.filter((l) => l.includes('agent: connection error'))).toEqual([expect.stringMatching(/ warn: agent: connection error \(ECONNRESET\)\n$/)]);
    expect(b.logs.some((l) => l.includes('cannot connect'))).toBe(false);
  });

  it('a result larger than the read buffer reaches a slow assistant whole, while reads go on', async () => {
    await startAgent('ready');
    const b = bridge({ slow: true });
    b.send(INIT);
    await until(() => conns[0]?.lines.length === 2, 'initialize at the agent');
    // Distinct bytes in every 64 KiB: a read buffer reused while stdout still queues it would show.
    let text = '';
    for (let i = 0; text.length < 1024 * 1024; i++) text += `${i.toString(36)}-`;
    const line = `{"jsonrpc":"2.0","id":0,"result":{"text":"${text}"}}\n`;
    conns[0]!.socket.write(line);
    await until(() => b.answer(0) !== undefined, 'the result', 10_000);
    expect(b.writes.join('')).toBe(line);
  });
});
