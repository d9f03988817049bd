// Property-based fuzzing of agent protocol v2 (docs/agent-protocol.md), both ways:
//
// 1. The codec: decodeAgentFrame / decodeBridgeFrame / helloVersion never throw, accept exactly
//    the frames of their side, and round-trip every valid frame; responseIdOf reads the id of
//    every responseLine, past any padding, and nothing else.
// 2. Agent → bridge, the handshake: a hostile or broken agent answers ONE long-lived built bridge's
//    hello with near-valid ready/error frames, wrong versions, unknown types, garbage, half and
//    over-long lines, then hangs up or resets. The bridge never crashes, never lets a control
//    frame reach stdout, answers each request exactly once, and serves again on the next agent.
// 3. Agent → bridge, JSON-RPC lines after ready: the agent's lines pass through as they are,
//    padded, split, cut off mid-line when it goes away; the bridge answers each request exactly
//    once (the agent's line, or its own error when the agent's line was cut) and never writes
//    inside a line of the agent's.
// 4. Bridge → agent, JSON-RPC lines after ready: fuzzed messages and batches to the REAL agent
//    with a fake vendor upstream. Every valid request gets exactly one answer, invalid ones get
//    an error, nothing but JSON-RPC comes back, and never a key.
// (The agent's side of the hello is fuzzed against the real agent in test/main/agent/fuzz.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  decodeAgentFrame,
  decodeBridgeFrame,
  encodeFrame,
  helloVersion,
  responseIdOf,
  responseLine,
  type AgentToBridgeFrame,
  type HelloFrame,
} from '../../src-shared/agent-protocol';
import { NO_CREDENTIALS } from '../../src-shared/jsonrpc-errors';
import { createLineSplitter } from '../../src-shared/line-splitter';
import { INITIALIZE } from '../support/bridge-process';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent, type TestAgent } from '../support/test-agent';
import { connectRawBridge, initializeSession, type RawBridge } from '../main/agent/raw-bridge';
import { BridgeDriver } from './bridge-driver';

const CI = process.env.CI === 'true';
const runs = (onCi: number, locally: number) => Number(process.env.FUZZ_RUNS ?? (CI ? onCi : locally));
/** Pure codec properties: cheap. */
const CODEC_RUNS = runs(10_000, 1000);
/** Each case is two connections and two requests through the bridge process (~10-20 ms). */
const HANDSHAKE_RUNS = runs(2000, 300);
/** Each case is a request through the bridge process, results up to 200 KB (~6 ms). */
const LINE_RUNS = runs(2000, 200);
/** Each case is several requests through the real agent to the fake vendor over HTTP (~50 ms). */
const AGENT_RUNS = runs(1000, 100);
const PROFILE = 'fuzz-agent';
const KEY = 'uo_test_fuzzagent_aaaaaaaaaaaa0001';

// ---------------------------------------------------------------------------------------------
// Arbitraries

const anything = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }));
const mostly = <T, U>(good: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) => fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: odd });
const profileName = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const requestId = fc.oneof(fc.string({ maxLength: 40 }), fc.integer({ min: -1e15, max: 1e15 }));
const rpcRequest = fc.record({ jsonrpc: fc.constant('2.0' as const), id: requestId, method: fc.string({ maxLength: 30 }), params: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), { nil: undefined }) }).map(
  ({ params, ...rest }) => (params === undefined ? rest : { ...rest, params }),
);

/** Valid hellos, as the schema has them. */
const validHello: fc.Arbitrary<HelloFrame> = fc
  .record({
    profile: profileName,
    version: fc.string({ maxLength: 50 }),
    client: fc.option(fc.record({ name: fc.string({ maxLength: 200 }) }), { nil: undefined }),
    token: fc.option(fc.string({ minLength: 16, maxLength: 200 }), { nil: undefined }),
    resume: fc.option(
      fc.record({
        initialize: rpcRequest,
        initialized: fc.boolean(),
        logLevel: fc.option(rpcRequest, { nil: null }),
        subscriptions: fc.array(fc.string({ maxLength: 100 }), { maxLength: 5 }),
      }),
      { nil: undefined },
    ),
  })
  .map(({ profile, version, client, token, resume }) => ({
    type: 'hello' as const,
    v: PROTOCOL_VERSION,
    profile,
    bridge: { version },
    ...(client ? { client } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(resume ? { resume } : {}),
  }));

const errorCode = fc.constantFrom('unknown-profile', 'locked', 'denied', 'bad-request', 'unsupported-version' as const);
const validAgentFrame: fc.Arbitrary<AgentToBridgeFrame> = fc.oneof(
  profileName.map((profile) => ({ type: 'ready' as const, v: PROTOCOL_VERSION, profile })),
  fc.record({ type: fc.constant('error' as const), code: errorCode, message: fc.string({ maxLength: 2000 }) }),
);

/** Near-valid frames of either side, some carrying the key in odd places. */
const nearFrame = fc
  .record(
    {
      type: fc.oneof(fc.constantFrom('ready', 'error', 'hello', 'credentials', 'revoked', 'status', '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 10 })),
      v: mostly(fc.constantFrom(2, 1, 3), anything),
      profile: mostly(fc.constantFrom(PROFILE, 'other', '', '../x'), anything),
      code: mostly(errorCode, fc.oneof(fc.constantFrom('nope', ''), anything)),
      message: mostly(fc.string({ maxLength: 100 }), fc.oneof(fc.constant('m'.repeat(2001)), anything)),
      bridge: mostly(fc.record({ version: fc.string({ maxLength: 10 }) }), anything),
      client: anything,
      key: fc.constantFrom(KEY, ''),
    },
    { requiredKeys: [] },
  )
  .map((o) => JSON.stringify(o));

const garbageLine = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => s.replace(/\n/g, ' ')),
  fc.json({ maxDepth: 3 }),
  nearFrame.chain((f) => fc.nat({ max: f.length }).map((n) => f.slice(0, n))),
  fc.integer({ min: 1, max: 20_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
);

// ---------------------------------------------------------------------------------------------
// 1. The codec

describe('fuzz: the v2 codec', () => {
  it(`round-trips every valid frame, both ways (${CODEC_RUNS} cases)`, () => {
    fc.assert(
      fc.property(validHello, validAgentFrame, (hello, frame) => {
        const helloLine = encodeFrame(hello);
        expect(helloLine.indexOf('\n')).toBe(helloLine.length - 1);
        // (Compared as JSON: a -0 in params is 0 on the wire.)
        expect(decodeBridgeFrame(helloLine.slice(0, -1))).toEqual({ kind: 'frame', frame: JSON.parse(JSON.stringify(hello)) });
        expect(helloVersion(helloLine.slice(0, -1))).toBe(PROTOCOL_VERSION);
        // Each side knows only the frames it receives.
        expect(decodeAgentFrame(helloLine.slice(0, -1))).toEqual({ kind: 'ignored' });
        const agentLine = encodeFrame(frame);
        expect(decodeAgentFrame(agentLine.slice(0, -1))).toEqual({ kind: 'frame', frame: JSON.parse(JSON.stringify(frame)) });
        expect(decodeBridgeFrame(agentLine.slice(0, -1))).toEqual({ kind: 'ignored' });
        expect(helloVersion(agentLine.slice(0, -1))).toBeNull();
      }),
      { numRuns: CODEC_RUNS },
    );
  });

  it(`never throws on any line, and a frame is always of the receiving side's types (${CODEC_RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(nearFrame, garbageLine, validHello.map((h) => JSON.stringify({ ...h, extra: 1 }))), (line) => {
        const forAgent = decodeBridgeFrame(line);
        const forBridge = decodeAgentFrame(line);
        if (forAgent.kind === 'frame') {
          expect(forAgent.frame.type).toBe('hello');
          // What helloVersion says is what the frame says (the version is checked first).
          expect(helloVersion(line)).toBe(forAgent.frame.v);
        }
        if (forBridge.kind === 'frame') expect(['ready', 'error']).toContain(forBridge.frame.type);
        for (const decoded of [forAgent, forBridge]) {
          if (decoded.kind === 'malformed') expect(typeof decoded.reason).toBe('string');
          // Unknown fields are dropped: a frame never carries v1's key (or anything else unasked).
          if (decoded.kind === 'frame') for (const field of Object.keys(decoded.frame)) expect(['type', 'v', 'profile', 'bridge', 'client', 'token', 'resume', 'code', 'message']).toContain(field);
        }
        const v = helloVersion(line);
        if (v !== null) expect((JSON.parse(line) as { type: string }).type).toBe('hello');
      }),
      { numRuns: CODEC_RUNS },
    );
  });

  it(`responseIdOf reads the id of every responseLine, past padding, and only of responses (${CODEC_RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        requestId.filter((id) => typeof id === 'string' || Number.isSafeInteger(id)),
        fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((result) => ({ result })), fc.record({ code: fc.integer(), message: fc.string() }).map((error) => ({ error }))),
        fc.stringMatching(/^[ \t\r\n]{0,80}$/),
        rpcRequest,
        (id, body, pad, request) => {
          const line = responseLine(id, body);
          // (Compared as JSON: a -0 is 0 on the wire.)
          expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify({ jsonrpc: '2.0', id, ...('result' in body ? { result: body.result ?? null } : body) })));
          expect(responseIdOf(line)).toBe(JSON.stringify(id));
          expect(responseIdOf(`{${pad}${line.slice(1)}`)).toBe(JSON.stringify(id));
          // The head alone is enough.
          const head = `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"${'result' in body ? 'result' : 'error'}":`;
          expect(line.startsWith(head)).toBe(true);
          expect(responseIdOf(head)).toBe(JSON.stringify(id));
          // Requests and notifications are not responses.
          expect(responseIdOf(JSON.stringify(request))).toBeNull();
          const { id: _id, ...notification } = request;
          expect(responseIdOf(JSON.stringify(notification))).toBeNull();
        },
      ),
      { numRuns: CODEC_RUNS },
    );
    fc.assert(
      fc.property(garbageLine, (line) => {
        const id = responseIdOf(line);
        if (id !== null) expect(line.trimStart().startsWith('{')).toBe(true);
      }),
      { numRuns: CODEC_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A scriptable agent for one long-lived built bridge

interface AgentConnection {
  socket: Socket;
  hello: HelloFrame | null;
  /** Whether this connection got a scripted handshake reply. */
  scripted: boolean;
  ready: boolean;
  closed: boolean;
  /** JSON-RPC lines received after ready. */
  lines: string[];
  /** Writes after whatever this connection is still writing (an agent writes one message at a time). */
  write(text: string): void;
  /** Writes `text` in `pieces`, a turn of the event loop apart, then maybe goes away. */
  writeInPieces(text: string, pieces: number, then?: () => void): void;
}

interface HandshakeScript {
  reply: string;
  end: 'end' | 'reset';
}

/** What a hostile agent writes on a ready connection when a request arrives. */
type RequestReply = (connection: AgentConnection, message: { id: unknown; method: string }) => void;

class ScriptedAgent {
  readonly connections: AgentConnection[] = [];
  readonly scripts: HandshakeScript[] = [];
  /** The connection that took the last script. */
  lastScripted: AgentConnection | null = null;
  private readonly events = new EventEmitter();
  onRequest: RequestReply = answerPlainly;

  private constructor(private readonly server: Server) {}

  static async start(path: string): Promise<ScriptedAgent> {
    const server = createServer();
    const agent = new ScriptedAgent(server);
    server.on('connection', (socket) => agent.serve(socket));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return agent;
  }

  /** The connection that is ready and open, if any. */
  live(): AgentConnection | undefined {
    return this.connections.findLast((c) => c.ready && !c.closed);
  }

  /** Resolves once `check` holds (checked on every change). */
  waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('change', onChange);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const onChange = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.events.off('change', onChange);
        resolve();
      };
      this.events.on('change', onChange);
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    let queue = Promise.resolve();
    const connection: AgentConnection = {
      socket,
      hello: null,
      scripted: false,
      ready: false,
      closed: false,
      lines: [],
      write: (text) => connection.writeInPieces(text, 1),
      writeInPieces(text, pieces, then) {
        queue = queue.then(async () => {
          const step = Math.ceil(text.length / pieces) || 1;
          for (let at = 0; at < text.length && !socket.destroyed; at += step) {
            socket.write(text.slice(at, at + step));
            if (pieces > 1) await new Promise((r) => setImmediate(r));
          }
          then?.();
        });
      },
    };
    this.connections.push(connection);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      connection.closed = true;
      this.events.emit('change');
    });
    const splitter = createLineSplitter({
      maxLength: 64 * 1024 * 1024,
      onOverflow: () => undefined,
      onLine: (line) => {
        if (connection.hello === null) return this.handshake(connection, line);
        if (!connection.ready) return;
        connection.lines.push(line);
        const message = JSON.parse(line) as { id?: unknown; method?: unknown };
        if (typeof message.method === 'string' && message.id !== undefined) this.onRequest(connection, message as { id: unknown; method: string });
        this.events.emit('change');
      },
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => splitter.push(chunk));
    this.events.emit('change');
  }

  private handshake(connection: AgentConnection, line: string): void {
    const decoded = decodeBridgeFrame(line);
    if (decoded.kind !== 'frame') throw new Error(`the bridge sent a bad hello: ${line}`);
    connection.hello = decoded.frame;
    const script = this.scripts.shift();
    if (!script) {
      connection.socket.write(encodeFrame({ type: 'ready', v: PROTOCOL_VERSION, profile: PROFILE }));
      connection.ready = true;
    } else {
      connection.scripted = true;
      this.lastScripted = connection;
      connection.socket.write(script.reply);
      if (isProperReady(script.reply)) connection.ready = true;
      // (A Unix socket has no reset: destroy is as abrupt as it gets.)
      else if (script.end === 'reset') connection.socket.destroy();
      else connection.socket.end();
    }
    this.events.emit('change');
  }
}

function isReadyLine(line: string): boolean {
  const decoded = decodeAgentFrame(line);
  return decoded.kind === 'frame' && decoded.frame.type === 'ready';
}

/** What the bridge logs (warn) when its ready connection to the agent drops: it has handled the close. */
const CONNECTION_LOST = 'agent: connection lost';

/** What a well-behaved agent answers: a result naming the method. */
function answerPlainly(connection: AgentConnection, message: { id: unknown; method: string }): void {
  connection.write(`${responseLine(message.id as string, { result: { method: message.method } })}\n`);
}

/** One line (newline included) that is a ready frame of this protocol version. */
function isProperReady(reply: string): boolean {
  if (reply.indexOf('\n') !== reply.length - 1) return false;
  const decoded = decodeAgentFrame(reply.slice(0, -1));
  return decoded.kind === 'frame' && decoded.frame.type === 'ready' && decoded.frame.v === PROTOCOL_VERSION;
}

/** A stdout line, parsed; null when it is not a JSON object. */
function parsed(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

describe('fuzz: a hostile agent, one long-lived built bridge', () => {
  let dir: string;
  let agent: ScriptedAgent;
  let bridge: BridgeDriver;
  let seq = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-fuzz-agent-'));
    agent = await ScriptedAgent.start(join(dir, 'agent.sock'));
    bridge = new BridgeDriver(PROFILE, join(dir, 'agent.sock'));
    const answer = bridge.waitForId(1);
    await bridge.write(`${JSON.stringify(INITIALIZE)}\n`);
    expect((await answer).message).toMatchObject({ result: { method: 'initialize' } });
    expect(agent.connections[0]!.hello).toMatchObject({ type: 'hello', v: 2, profile: PROFILE, client: { name: 'raw-test' } });
  });

  afterAll(async () => {
    await bridge?.stop();
    await agent?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends a request on stdin and resolves with its answer (the first line with its id). */
  async function call(id: string): Promise<Record<string, unknown>> {
    const answered = bridge.waitForId(id);
    await bridge.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text: id } } })}\n`);
    return (await answered).message!;
  }

  /** How many stdout lines answer `id` (parseable lines only: a cut line answers nothing). */
  /** How many stdout lines (from line `from` on) answer `id`; a cut line answers nothing. The
   * id is looked for in the head first: parsing every 200 KB line of the run would dominate. */
  const answersTo = (id: string, from = 0) =>
    bridge.out.slice(from).filter((line) => {
      if (!line.raw.slice(0, 100_000).includes(JSON.stringify(id))) return false;
      const message = parsed(line.raw);
      return message?.id === id && !('method' in message);
    }).length;

  const handshakeReply = fc.record({
    line: fc.oneof(
      { weight: 2, arbitrary: validAgentFrame.map((f) => JSON.stringify(f)) },
      { weight: 4, arbitrary: nearFrame },
      { weight: 2, arbitrary: garbageLine },
      { weight: 1, arbitrary: fc.integer({ min: MAX_FRAME_BYTES + 1, max: MAX_FRAME_BYTES * 2 }).map((n) => `{"type":"ready","v":2,"profile":"${PROFILE}","pad":"${'p'.repeat(n)}"}`) },
    ),
    /** Cut the reply short (no newline), or follow it with more lines. */
    shape: fc.constantFrom('line', 'line', 'cut', 'two-lines', 'nothing'),
    end: fc.constantFrom('end' as const, 'reset' as const),
  });

  it(`the handshake: whatever the agent answers, the bridge answers each request once, leaks no frame to stdout and serves again (${HANDSHAKE_RUNS} cases)`, async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(handshakeReply, async ({ line, shape, end }) => {
        const n = ++seq;
        // Two lines only when the first is not a ready: after a ready, lines are MCP and go to
        // the assistant as they are (the agent is KeyBridge; the bridge does not parse them).
        const twoLines = shape === 'two-lines' && !isReadyLine(line);
        const reply = shape === 'line' || shape === 'two-lines' ? (twoLines ? `${line}\n${line}\n` : `${line}\n`) : shape === 'cut' ? line.slice(0, Math.max(0, line.length - 1)) : '';
        const live = agent.live();
        expect(live).toBeDefined();
        // The agent goes away; the next one to answer the bridge's hello says `reply`.
        agent.scripts.push({ reply, end });
        const mark = bridge.stderr.length;
        live!.socket.destroy();
        await agent.waitFor(() => live!.closed, 'the old connection to close');
        // Not needed for correctness, only for speed: a message that reaches the bridge after it
        // handled the close makes it reconnect at once, instead of on its retry timer (100 ms+).
        await bridge.waitForStderr(CONNECTION_LOST, mark);
        const request = call(`c${n}`);
        const scripted = agent.lastScripted;
        await agent.waitFor(() => agent.lastScripted !== scripted && (agent.lastScripted!.closed || agent.lastScripted!.ready), 'the scripted hello');
        // For speed only (every assertion holds without it): a message that reaches the bridge
        // after it handled this close makes it reconnect at once, not on its retry timer (100 ms+).
        // The bridge logs nothing when a connection that never became ready closes, so there is
        // no event to wait for here: a short bounded pause instead.
        if (agent.lastScripted!.closed) await new Promise((r) => setTimeout(r, 3));
        // The next message brings the bridge back at once if it was refused.
        const ping = call(`p${n}`);
        const [answer, pong] = await Promise.all([request, ping]);
        expect(pong).toMatchObject({ id: `p${n}`, result: { method: 'tools/call' } });
        if ('error' in answer) {
          expect(answer).toMatchObject({ error: { code: NO_CREDENTIALS, message: expect.any(String), data: { profile: PROFILE } } });
        } else {
          expect(answer).toMatchObject({ result: { method: 'tools/call' } });
        }
        expect(bridge.alive).toBe(true);
        if (++cases % 100 === 0) {
          for (const out of bridge.out) expect(parsed(out.raw), out.raw.slice(0, 200)).toMatchObject({ jsonrpc: '2.0' });
        }
      }),
      { numRuns: HANDSHAKE_RUNS, endOnFailure: true },
    );
    // Nothing the agent said during a handshake reached the assistant, and every request was
    // answered exactly once.
    for (const out of bridge.out) expect(parsed(out.raw), out.raw.slice(0, 200)).toMatchObject({ jsonrpc: '2.0' });
    for (let n = 1; n <= seq; n++) {
      expect(answersTo(`c${n}`), `c${n}`).toBe(1);
      expect(answersTo(`p${n}`), `p${n}`).toBe(1);
    }
    expect(bridge.stderr).not.toContain(KEY);
  }, 600_000);

  it('an answer the agent was cut off in the middle of is no answer: the bridge answers the request itself', async () => {
    await agent.waitFor(() => agent.live() !== undefined, 'a live connection');
    const served = agent.live()!;
    const from = bridge.out.length;
    agent.onRequest = (connection, message) => {
      // 1,000 bytes of a 5,000-byte answer (its head, id included, got through), then gone.
      connection.writeInPieces(responseLine(message.id as string, { result: { text: 'x'.repeat(5000) } }).slice(0, 1000), 2, () => connection.socket.destroy());
    };
    const answered = bridge.waitForId('cut-1');
    await bridge.write(`${JSON.stringify({ jsonrpc: '2.0', id: 'cut-1', method: 'tools/call', params: { name: 'big' } })}\n`);
    expect((await answered).message).toMatchObject({ error: { code: NO_CREDENTIALS, message: 'KeyBridge restarted while this request was in flight; retry it.' } });
    agent.onRequest = answerPlainly;
    await agent.waitFor(() => served.closed, 'the connection to close');
    // The broken line was ended, so the bridge's answer is a line of its own.
    expect(bridge.out.slice(from).map((line) => line.raw.length > 900 && line.raw.length <= 1000)).toContain(true);
    expect(answersTo('cut-1', from)).toBe(1);
    // That answer was the bridge's own, given as it handled the close: it knows the agent is gone.
    expect(await call('after-cut')).toMatchObject({ result: { method: 'tools/call' } });
  });

  const notification = fc.record({ jsonrpc: fc.constant('2.0'), method: fc.constantFrom('notifications/progress', 'notifications/message', 'notifications/tools/list_changed'), params: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }) }).map((m) => JSON.stringify(m));
  const strayResponse = fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([k, result]) => responseLine(`u${k}`, { result }));
  const agentLine = fc.oneof(notification, strayResponse, garbageLine);
  const afterReady = fc.record({
    before: fc.array(agentLine, { maxLength: 3 }),
    after: fc.array(agentLine, { maxLength: 3 }),
    /** The answer padded as the relay pads a result that follows progress. */
    padding: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 70_000 })),
    resultBytes: fc.oneof(fc.constant(10), fc.integer({ min: 0, max: 200_000 })),
    /** How many pieces the agent writes the whole in. */
    pieces: fc.integer({ min: 1, max: 6 }),
    /** The agent goes away after this fraction of its bytes (null: it stays). */
    cutAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null, freq: 2 }),
  });

  it(`JSON-RPC lines after ready: each request answered exactly once, never inside the agent's line (${LINE_RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(afterReady, async ({ before, after, padding, resultBytes, pieces, cutAt }) => {
        const n = ++seq;
        const id = `r${n}`;
        await agent.waitFor(() => agent.live() !== undefined, 'a live connection');
        const served = agent.live();
        const from = bridge.out.length;
        const mark = bridge.stderr.length;
        agent.onRequest = (connection, message) => {
          if (message.id !== id) return answerPlainly(connection, message);
          const answer = responseLine(id, { result: { text: 'x'.repeat(resultBytes) } });
          const blob = [...before, padding > 0 ? `{${' '.repeat(padding)}${answer.slice(1)}` : answer, ...after].map((l) => `${l}\n`).join('');
          let until = cutAt === null ? blob.length : Math.floor(blob.length * cutAt);
          // A line cut just before its newline is whole: the agent writes the newline with the
          // line, so it cannot go away between the two; such a cut is not a case.
          while (cutAt !== null && until > 0 && blob[until] === '\n') until--;
          connection.writeInPieces(blob.slice(0, until), pieces, () => {
            if (cutAt !== null) connection.socket.destroy();
          });
        };
        const answered = bridge.waitForId(id, 20_000).then((line) => line.message);
        await bridge.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'big' } })}\n`);
        const answer = await answered;
        agent.onRequest = answerPlainly;
        // When the agent went away, the bridge comes back by itself (it resumes the session).
        if (cutAt !== null) {
          await agent.waitFor(() => served!.closed, 'the cut connection to close');
          await bridge.waitForStderr(CONNECTION_LOST, mark);
        }
        // The agent's answer if it got through whole, else the bridge's own error.
        if (answer && 'error' in answer) expect(answer).toMatchObject({ error: { code: NO_CREDENTIALS, message: expect.stringContaining('KeyBridge restarted') } });
        else expect(answer).toMatchObject({ result: { text: 'x'.repeat(resultBytes) } });
        // Brings the bridge back at once if it is not yet (else it would on its retry timer); the
        // bridge has handled any close, so it is served.
        const pong = await call(`q${n}`);
        expect(pong).toMatchObject({ result: { method: 'tools/call' } });
        expect(answersTo(id, from)).toBe(1);
        expect(answersTo(`q${n}`, from)).toBe(1);
        expect(bridge.alive).toBe(true);
      }),
      { numRuns: LINE_RUNS, endOnFailure: true },
    );
  }, 600_000);
});

// ---------------------------------------------------------------------------------------------
// 4. Bridge → the real agent, after ready

describe('fuzz: JSON-RPC lines to the real agent after ready', () => {
  let vendor: FakeVendor;
  let agent: TestAgent;
  let client: RawBridge;
  let seq = 0;
  /** The ids the test gave its requests (others come from the fuzzer and may repeat). */
  const ours = new Set<string>();

  beforeAll(async () => {
    vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
    agent = await startTestAgent({ profiles: { [PROFILE]: { endpoint: vendor.url, auth: 'x-api-key', key: KEY } }, identify: async () => ({ verified: false, reason: 'fuzz' }) });
    client = await connectRawBridge(agent.socketPath);
    expect(await client.handshake(PROFILE)).toMatchObject({ type: 'ready' });
    await initializeSession(client);
  });

  afterAll(async () => {
    await client?.close();
    await agent?.close();
    await vendor?.close();
  });

  type Item = { kind: 'request'; method: string; params?: unknown; numericId: boolean } | { kind: 'cancel'; of: number } | { kind: 'raw'; value: unknown };
  const method = fc.constantFrom('ping', 'tools/list', 'tools/call', 'no/such-method', 'prompts/get', 'completion/complete');
  const item: fc.Arbitrary<Item> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('request' as const), method, params: fc.option(fc.oneof(fc.constant({ name: 'echo', arguments: { text: 'fuzz' } }), fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 })), { nil: undefined }), numericId: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), of: fc.nat({ max: 5 }) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        value: fc.oneof(
          anything,
          fc.record({ jsonrpc: mostly(fc.constant('2.0'), anything), id: fc.oneof(fc.constant(null), fc.double(), fc.object({ maxDepth: 1 }), fc.constant(2 ** 60)), method: mostly(fc.string({ maxLength: 10 }), anything) }, { requiredKeys: [] }),
          fc.record({ jsonrpc: fc.constant('2.0'), method: fc.string({ maxLength: 20 }), params: mostly(fc.dictionary(fc.string({ maxLength: 5 }), anything, { maxKeys: 2 }), fc.array(anything, { maxLength: 2 })) }),
          fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), result: mostly(fc.dictionary(fc.string({ maxLength: 5 }), anything, { maxKeys: 2 }), anything) }),
          fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), error: fc.record({ code: mostly(fc.integer(), anything), message: mostly(fc.string(), anything) }) }),
        ),
      }),
    },
  );
  const lineOf = fc.record({ items: fc.array(item, { minLength: 1, maxLength: 4 }), batch: fc.boolean(), text: fc.option(fc.string({ unit: 'binary', maxLength: 50 }).map((s) => s.replace(/\n/g, ' ')), { nil: null, freq: 6 }) });

  it(`every valid request gets exactly one answer, the rest an error; only JSON-RPC comes back, never a key (${AGENT_RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(lineOf, { minLength: 1, maxLength: 3 }), async (lines) => {
        const n = ++seq;
        const expected = new Set<string>();
        const cancelled = new Set<string>();
        const sentIds: string[] = [];
        ours.add(JSON.stringify(`s${n}`));
        let k = 0;
        const received = client.received.length;
        for (const { items, batch, text } of lines) {
          const messages = items.map((it) => {
            if (it.kind === 'request') {
              const id = it.numericId ? 1e12 + n * 100 + k++ : `f${n}-${k++}`;
              sentIds.push(JSON.stringify(id));
              expected.add(JSON.stringify(id));
              ours.add(JSON.stringify(id));
              return { jsonrpc: '2.0', id, method: it.method, ...(it.params !== undefined ? { params: it.params } : {}) };
            }
            if (it.kind === 'cancel') {
              const target = sentIds[it.of % Math.max(1, sentIds.length)];
              if (target !== undefined) cancelled.add(target);
              return { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: target === undefined ? 'none' : JSON.parse(target) } };
            }
            return it.value;
          });
          if (text !== null) client.write(`${text}\n`);
          if (batch) client.send(messages);
          else for (const m of messages) client.send(m);
        }
        // A sentinel after everything: answered once all before it went upstream or were answered.
        const sentinel = `s${n}`;
        client.send({ jsonrpc: '2.0', id: sentinel, method: 'ping' });
        const waiting = [...expected].filter((id) => !cancelled.has(id));
        await until(() => {
          const answered = answeredIds(client.received.slice(received));
          return answered.has(JSON.stringify(sentinel)) && waiting.every((id) => answered.has(id));
        }, `answers to ${waiting.join(', ')}`);
      }),
      { numRuns: AGENT_RUNS, endOnFailure: true },
    );
    // Everything received: JSON-RPC lines only, each of our ids answered once, no key.
    expect(client.received).not.toContain(KEY);
    const counts = new Map<string, number>();
    // (The first line is the ready frame.)
    for (const raw of client.received.split('\n').slice(1, -1)) {
      const message = parsed(raw);
      expect(message, raw.slice(0, 200)).toMatchObject({ jsonrpc: '2.0' });
      if (message && !('method' in message) && message.id !== null) counts.set(JSON.stringify(message.id), (counts.get(JSON.stringify(message.id)) ?? 0) + 1);
    }
    expect([...ours].filter((id) => (counts.get(id) ?? 0) > 1)).toEqual([]);
    expect(vendor.requests.every((r) => r.xApiKey === KEY && r.authorization === undefined)).toBe(true);
  }, 600_000);

  function answeredIds(text: string): Set<string> {
    const ids = new Set<string>();
    for (const raw of text.split('\n')) {
      const message = parsed(raw);
      if (message && !('method' in message) && message.id !== undefined) ids.add(JSON.stringify(message.id));
    }
    return ids;
  }

  async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; received: ${client.received.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
});
