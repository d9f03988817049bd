// Property-based fuzzing of the built bridge's stdin (fast-check), many cases through ONE
// long-lived process: random bytes, random text, JSON of every shape, truncated JSON, deep
// nesting, huge strings, JSON-RPC with wrong types, batches, and valid requests that go
// upstream. For each case the bridge must stay alive and answer exactly as JSON-RPC 2.0 says:
// -32700 with id null for a line that is not JSON, -32600 for an invalid message (with its id
// when it has a usable one, else null), nothing for a valid notification or response, and one
// answer per valid request (the server's through the real agent, or an error naming why).
// Invalid lines are answered by the bridge itself, before the next line: the agent never sees
// them. stdout carries only JSON-RPC; the key appears nowhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent, type TestAgent } from '../support/test-agent';
import { INITIALIZE } from '../support/bridge-process';
import { BridgeDriver } from './bridge-driver';

const NUM_RUNS = process.env.CI === 'true' ? 10_000 : 500;
const KEY = `uo_test_fuzz_${randomBytes(12).toString('hex')}`;

let vendor: FakeVendor;
let agent: TestAgent;
let bridge: BridgeDriver;

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  agent = await startTestAgent({ profiles: { fuzz: { endpoint: vendor.url, auth: 'x-api-key', key: KEY } } });
  bridge = new BridgeDriver('fuzz', agent.socketPath);
  const answer = bridge.waitForId(1);
  await bridge.write(`${JSON.stringify(INITIALIZE)}\n${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  expect((await answer).message).toHaveProperty('result');
});

afterAll(async () => {
  await bridge?.stop();
  await agent?.close();
  await vendor?.close();
});

type Expected = { id: string | number | null; code: -32700 | -32600 };

const usableId = (value: unknown): string | number | null => {
  const id = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
};

/** What JSON-RPC says the bridge answers for one line, and which requests it forwards. */
function model(bytes: Buffer): { local: Expected[]; forwarded: (string | number)[] } {
  let line = bytes.toString('utf8');
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (line.trim() === '') return { local: [], forwarded: [] };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { local: [{ id: null, code: -32700 }], forwarded: [] };
  }
  const local: Expected[] = [];
  const forwarded: (string | number)[] = [];
  const items = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) local.push({ id: null, code: -32600 });
  for (const item of items) {
    if (!JSONRPCMessageSchema.safeParse(item).success) {
      local.push({ id: usableId(item), code: -32600 });
      continue;
    }
    // Independent of the schema: what JSON-RPC 2.0 itself requires of a valid message.
    const message = item as Record<string, unknown>;
    expect(message.jsonrpc).toBe('2.0');
    if ('method' in message) expect(typeof message.method).toBe('string');
    if ('method' in message && 'id' in message) forwarded.push(message.id as string | number);
  }
  return { local, forwarded };
}

let fwdSeq = 0;
/** A valid request (it goes upstream) with a fresh id nobody else uses. */
const validRequest = fc
  .record(
    {
      method: fc.oneof(fc.constantFrom('ping', 'tools/list', 'tools/call', 'resources/read', 'prompts/get', 'completion/complete', 'nope/unknown'), fc.string({ maxLength: 30 })),
      params: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
    },
    { requiredKeys: ['method'] },
  )
  .map((r) => ({ jsonrpc: '2.0', id: `fwd-${++fwdSeq}`, ...r }));

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);
/** JSON-RPC-shaped objects with wrong (or right) types in every field. */
const jsonRpcish = fc
  .record(
    {
      jsonrpc: fc.oneof(fc.constant('2.0'), anyValue),
      id: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 12 }), anyValue),
      method: fc.oneof(fc.constantFrom('ping', 'notifications/cancelled', 'notifications/progress', 'tools/call'), anyValue),
      params: anyValue,
      result: anyValue,
      error: fc.oneof(fc.record({ code: fc.integer(), message: fc.string({ maxLength: 20 }) }), anyValue),
    },
    { requiredKeys: [] },
  )
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)))
  // Valid requests would go upstream under ids other cases might reuse: give them fresh ids.
  .map((r) => ('method' in r && 'id' in r && JSONRPCMessageSchema.safeParse(r).success ? { ...r, id: `fwd-${++fwdSeq}` } : r));

const deep = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":', '{"jsonrpc":"2.0","method":"x","params":{"p":')).map(([depth, open]) => {
  const close = open === '[' ? ']' : '}';
  const inner = open === '[' ? '' : '1';
  return `${open.repeat(depth)}${inner}${close.repeat(open.startsWith('{"jsonrpc"') ? depth * 2 : depth)}`;
});

const huge = fc.tuple(fc.integer({ min: 100_000, max: 600_000 }), fc.constantFrom('notification', 'invalid', 'unterminated')).map(([size, kind]) => {
  const s = 'x'.repeat(size);
  if (kind === 'notification') return JSON.stringify({ jsonrpc: '2.0', method: 'notifications/huge', params: { s } });
  if (kind === 'invalid') return JSON.stringify({ jsonrpc: '2.0', id: 'huge', method: 42, params: { s } });
  return `{"jsonrpc":"2.0","id":"huge2","method":"${s}`;
});

const truncated = fc
  .tuple(fc.oneof(validRequest, jsonRpcish), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([value, at]) => {
    const text = JSON.stringify(value);
    return text.slice(0, Math.floor(text.length * at));
  });

const noNewline = (b: Buffer) => Buffer.from(b.map((byte) => (byte === 0x0a ? 0x20 : byte)));

const lineArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => noNewline(Buffer.from(a))) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => noNewline(Buffer.from(s, 'utf8'))) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 6, arbitrary: jsonRpcish.map((v) => Buffer.from(JSON.stringify(v))) },
  { weight: 2, arbitrary: validRequest.map((v) => Buffer.from(JSON.stringify(v))) },
  { weight: 2, arbitrary: fc.array(fc.oneof(jsonRpcish, validRequest), { maxLength: 4 }).map((v) => Buffer.from(JSON.stringify(v))) },
  { weight: 3, arbitrary: truncated.map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: deep.map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: huge.map((s) => Buffer.from(s)) },
  // An empty batch has its own test below, so one known deviation does not stop the search.
).filter((b) => b.toString('utf8').replace(/\s/g, '') !== '[]');

const isJsonRpcError = (m: Record<string, unknown> | undefined) =>
  !!m && m.jsonrpc === '2.0' && typeof m.error === 'object' && m.error !== null && typeof (m.error as { message?: unknown }).message === 'string';

describe('fuzz: the bridge stdin', () => {
  it(`never crashes and answers as JSON-RPC says (${NUM_RUNS} cases, one process)`, async () => {
    const forwarded = new Set<string>();
    let mark = bridge.out.length;
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(lineArb, async (bytes) => {
        const expected = model(bytes);
        for (const id of expected.forwarded) forwarded.add(JSON.stringify(id));
        const sentinel = `sentinel-${++seq}`;
        const answered = bridge.waitForId(sentinel);
        await bridge.write(Buffer.concat([bytes, Buffer.from(`\n${JSON.stringify({ jsonrpc: '2.0', id: sentinel, method: 7 })}\n`)]));
        await answered;
        expect(bridge.alive).toBe(true);
        const produced = bridge.out.slice(mark);
        mark = bridge.out.length;
        const local: Expected[] = [];
        for (const line of produced) {
          expect(line.message, `stdout line is not a JSON object: ${line.raw.slice(0, 200)}`).toBeDefined();
          const m = line.message!;
          if ('method' in m || forwarded.has(JSON.stringify(m.id)) || m.id === sentinel) continue;
          expect(isJsonRpcError(m)).toBe(true);
          local.push({ id: m.id as string | number | null, code: (m.error as { code: -32700 | -32600 }).code });
        }
        expect(local).toEqual(expected.local);
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    );

    // Every forwarded request got exactly one answer (from upstream, or an error naming why).
    const deadline = Date.now() + 15_000;
    const answers = () => {
      const seen = new Map<string, number>();
      for (const line of bridge.out) {
        const m = line.message;
        if (m && !('method' in m) && forwarded.has(JSON.stringify(m.id))) seen.set(JSON.stringify(m.id), (seen.get(JSON.stringify(m.id)) ?? 0) + 1);
      }
      return seen;
    };
    while (answers().size < forwarded.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const seen = answers();
    expect([...forwarded].filter((id) => seen.get(id) !== 1)).toEqual([]);

    // Still serving real traffic; the key never left the process.
    const echo = bridge.waitForId('alive');
    await bridge.write(`${JSON.stringify({ jsonrpc: '2.0', id: 'alive', method: 'tools/call', params: { name: 'echo', arguments: { text: 'still here' } } })}\n`);
    expect(JSON.stringify((await echo).message)).toContain('still here');
    expect(bridge.out.some((l) => l.raw.includes(KEY))).toBe(false);
    expect(bridge.stderr.includes(KEY)).toBe(false);
  }, 300_000);

  it('an empty batch `[]` is answered -32600 with id null (JSON-RPC 2.0 §6)', async () => {
    const answered = bridge.waitForId('after-empty');
    const mark = bridge.out.length;
    await bridge.write(`[]\n${JSON.stringify({ jsonrpc: '2.0', id: 'after-empty', method: 7 })}\n`);
    await answered;
    const before = bridge.out.slice(mark, -1).map((l) => l.message);
    expect(before).toEqual([expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32600 }) })]);
  });

  it('an over-long line (past the bound) is answered -32700 with id null, and the bridge carries on', async () => {
    const answered = bridge.waitForId('after-long');
    const mark = bridge.out.length;
    await bridge.write(`{"s":"${'y'.repeat(33 * 1024 * 1024)}"}\n${JSON.stringify({ jsonrpc: '2.0', id: 'after-long', method: 7 })}\n`);
    await answered;
    const before = bridge.out.slice(mark, -1).map((l) => l.message);
    expect(before).toEqual([expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32700 }) })]);
    expect(bridge.alive).toBe(true);
  }, 60_000);
});
