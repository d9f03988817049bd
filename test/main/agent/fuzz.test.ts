// Fuzzed connections against the real agent: whatever a peer sends — random text, random JSON,
// near-valid v2 hellos (wrong versions, odd clients, tokens, resume states), v1 frames, half
// lines, abrupt disconnects — the agent answers with well-formed control frames only (JSON-RPC
// lines only after a `ready`), never sends a key, never crashes, and a bridge connected all
// along keeps being served. (The JSON-RPC lines after ready are fuzzed in test/fuzz/agent-frames.)
// Runs: FUZZ_RUNS, else 10,000 when CI=true, else 300.
import { connect } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../../src-main/agent';
import { createVault, type Vault } from '../../../src-main/vault';
import { decodeAgentFrame, MAX_FRAME_BYTES } from '../../../src-shared/agent-protocol';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { confBackend, createTestCipher, makeTempDir } from '../vault/helpers';
import { connectRawBridge, initializeSession, INITIALIZE_PARAMS, toolText, type RawBridge } from './raw-bridge';

const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.CI === 'true' ? 10_000 : 300));
const KEY = 'uo_test_aaaaaaaaaaaa1a2b';
const ROTATED = 'uo_test_bbbbbbbbbbbb3c4d';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let vendor: FakeVendor;
let vault: Vault;
let agent: Agent;
let control: RawBridge;
let socketPath: string;

beforeAll(async () => {
  temp = await makeTempDir('kb-fuzz-');
  socketPath = join(temp.dir, 'agent.sock');
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY, ROTATED] });
  const probe = async () => ({ ok: true as const, serverName: 't', serverVersion: '1', toolCount: 0, latencyMs: 0, at: new Date().toISOString() });
  vault = await createVault({ backend: confBackend(join(temp.dir, 'store')), cipher: createTestCipher(), probe });
  await vault.add({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key: KEY });
  // Who connects does not matter here (every client is allowed): skip asking the OS.
  agent = await startAgent({ socketPath, credentials: vault, limits: { helloTimeoutMs: 2000 }, identify: async () => ({ verified: false, reason: 'fuzz' }) });
  control = await connectRawBridge(socketPath);
  expect(await control.handshake('mcp-claude')).toMatchObject({ type: 'ready' });
  await initializeSession(control);
});
afterAll(async () => {
  await control?.close();
  await agent?.close();
  vault?.close();
  await vendor?.close();
  await temp?.remove();
});

const anything = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }));
/** `good` most of the time, else `odd`. */
const mostly = <T, U>(good: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) => fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: odd });
/** Absent most of the time. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const rpcRequest = fc.record({
  jsonrpc: mostly(fc.constant('2.0'), anything),
  id: mostly(fc.oneof(fc.integer(), fc.string({ maxLength: 10 })), anything),
  method: mostly(fc.constantFrom('initialize', 'ping', 'tools/list', 'logging/setLevel', 'resources/subscribe'), anything),
  params: mostly(fc.oneof(fc.constant(INITIALIZE_PARAMS), fc.dictionary(fc.string({ maxLength: 5 }), anything, { maxKeys: 3 })), anything),
});
const resume = fc.record({
  initialize: mostly(rpcRequest, anything),
  initialized: mostly(fc.boolean(), anything),
  logLevel: mostly(fc.oneof(fc.constant(null), rpcRequest), anything),
  subscriptions: mostly(fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }), anything),
});
/** Mostly a valid v2 hello, with now and then a field that is not. */
const nearHello = fc
  .record({
    type: fc.oneof({ weight: 8, arbitrary: fc.constant('hello') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('ready', 'error', 'credentials', 'status', '__proto__', 'constructor'), fc.string({ maxLength: 10 })) }),
    v: fc.oneof({ weight: 6, arbitrary: fc.constant(2) }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom(1, 3, 0, -2), fc.integer(), fc.double(), fc.string({ maxLength: 3 }), fc.constant(null)) }),
    profile: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('mcp-claude', 'nobody') },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom('', '../x', 'toString', '__proto__', 'p'.repeat(65)), fc.string({ maxLength: 70 }), anything) },
    ),
    bridge: fc.oneof({ weight: 4, arbitrary: fc.record({ version: fc.string({ maxLength: 50 }) }) }, { weight: 1, arbitrary: fc.oneof(fc.record({ version: fc.string({ maxLength: 60 }), pid: fc.nat() }), anything) }),
    client: rarely(mostly(fc.record({ name: fc.oneof(fc.constantFrom('claude-ai', 'Claude Desktop'), fc.string({ maxLength: 220 })), pid: fc.integer() }, { requiredKeys: [] }), anything)),
    token: rarely(mostly(fc.string({ minLength: 16, maxLength: 200 }), fc.oneof(fc.string({ maxLength: 15 }), anything))),
    resume: rarely(mostly(resume, anything)),
    // v1's fields and anything else: ignored.
    extra: fc.dictionary(fc.constantFrom('key', 'keyId', 'endpoint', 'upstream', 'requests', 'x'), fc.oneof(fc.constant(KEY), anything), { maxKeys: 2 }),
  })
  .map(({ extra, ...frame }) => JSON.stringify({ ...extra, ...frame }));
const line = fc.oneof(
  { weight: 4, arbitrary: nearHello },
  { weight: 1, arbitrary: rpcRequest.map((r) => JSON.stringify(r)) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: nearHello.chain((f) => fc.nat({ max: f.length }).map((n) => f.slice(0, n))) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '}', '[]', 'null', '{"type":1}', '{"type":"hello"', '\r', 'x'.repeat(MAX_FRAME_BYTES + 1)) },
);
const session = fc.record({
  // Mostly a (near-)hello first, then whatever: JSON-RPC lines after a ready, more hellos before.
  lines: fc.tuple(fc.oneof({ weight: 2, arbitrary: nearHello }, { weight: 1, arbitrary: line }), fc.array(line, { maxLength: 5 })).map(([first, rest]) => [first, ...rest]),
  /** The last line without its newline: a frame cut short. */
  cutLast: fc.boolean(),
  /** Reset the connection instead of ending it politely. */
  abrupt: fc.boolean(),
  /** Send the first line alone and wait for its answer, as a bridge does (else all at once). */
  waitForAnswer: fc.boolean(),
  /** Deliver the bytes in pieces of this size (0 = all at once). */
  chunk: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 })),
});

type Session = typeof session extends fc.Arbitrary<infer T> ? T : never;

/** Sends one fuzzed session; resolves with everything the agent sent back, once it closed. */
function play({ lines, cutLast, abrupt, waitForAnswer, chunk }: Session): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    let received = '';
    let rest: (() => void) | null = null;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      received += d;
      if (received.includes('\n')) rest?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
    const send = (text: string) => {
      const bytes = Buffer.from(text, 'utf8');
      // At most 64 pieces, so a 64 KiB line is not written 7 bytes at a time.
      const step = chunk === 0 ? bytes.length : Math.max(chunk, Math.ceil(bytes.length / 64));
      for (let i = 0; i < bytes.length; i += step) socket.write(bytes.subarray(i, i + step));
    };
    const finish = (text: string) => {
      rest = null;
      if (!socket.destroyed) send(text);
      if (abrupt) setImmediate(() => socket.destroy());
      else socket.end();
    };
    socket.on('connect', () => {
      const text = lines.join('\n') + (cutLast ? '' : '\n');
      // A blank first line gets no answer (the agent skips it): nothing to wait for.
      if (!waitForAnswer || lines.length < 2 || lines[0]!.trim() === '') return finish(text);
      const first = `${lines[0]}\n`;
      send(first);
      rest = () => finish(text.slice(first.length));
    });
  });
}

/** At most one answer per message sent after the hello (a batch counts its members). A fuzzed
 * line may hold newlines of its own: each piece is a message of its own to the agent. */
function mostAnswers(lines: string[]): number {
  return lines.join('\n').split('\n').slice(1).reduce((sum, line) => {
    try {
      const value: unknown = JSON.parse(line);
      return sum + (Array.isArray(value) ? Math.max(1, value.length) : 1);
    } catch {
      return sum + 1;
    }
  }, 0);
}

/** What the agent may send: control frames until a `ready`, JSON-RPC messages after it. */
function checkAnswers(received: string, lines: string[]): void {
  for (const key of [KEY, ROTATED]) expect(received).not.toContain(key);
  const answers = received.split('\n');
  // A line the agent was cut off in the middle of (the peer reset) is not judged.
  answers.pop();
  let ready = false;
  let controls = 0;
  for (const answer of answers) {
    if (!ready) {
      const decoded = decodeAgentFrame(answer);
      expect(decoded.kind, answer).toBe('frame');
      controls++;
      if (decoded.kind === 'frame' && decoded.frame.type === 'ready') ready = true;
      continue;
    }
    const message = JSON.parse(answer) as Record<string, unknown>;
    expect(message.jsonrpc).toBe('2.0');
    expect('result' in message || 'error' in message || 'method' in message).toBe(true);
  }
  // One answer to the hello (ready or an error, after which the agent closes).
  expect(controls).toBeLessThanOrEqual(1);
  if (!ready) expect(answers.length).toBeLessThanOrEqual(1);
  else expect(answers.length).toBeLessThanOrEqual(1 + mostAnswers(lines));
}

it(`survives ${RUNS} fuzzed connections and keeps serving other bridges`, async () => {
  let served = 0;
  await fc.assert(
    fc.asyncProperty(session, async (s) => {
      checkAnswers(await play(s), s.lines);
      if (++served % 500 === 0) {
        const probe = await connectRawBridge(socketPath);
        expect(await probe.handshake('mcp-claude')).toMatchObject({ type: 'ready' });
        await probe.close();
      }
    }),
    { numRuns: RUNS },
  );
  expect(toolText(await control.request('tools/call', { name: 'echo', arguments: { text: 'after fuzzing' } }))).toBe('after fuzzing');
  await vault.rotate('mcp-claude', ROTATED);
  expect(toolText(await control.request('tools/call', { name: 'echo', arguments: { text: 'rotated' } }))).toBe('rotated');
  expect(vendor.requests.at(-1)?.xApiKey).toBe(ROTATED);
  expect(control.received).not.toContain(KEY);
  await expect.poll(() => agent.connectionCount()).toBe(1);
  await expect.poll(() => agent.sessions().length).toBe(1);
}, 300_000);
