// Property-based fuzzing of the agent → bridge direction (the agent side of the socket is
// fuzzed against the real agent in test/main/agent/fuzz.test.ts): a hostile or broken agent
// sends random bytes, near-valid frames with wrong types (some carrying the key in odd
// places), unknown types, over-long and deeply nested lines to ONE long-lived built bridge.
// The bridge never crashes, keeps the credentials it has and keeps serving, and never writes
// the key to stdout or stderr.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MAX_FRAME_BYTES, decodeAgentFrame, encodeFrame } from '../../src-shared/agent-protocol';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { INITIALIZE } from '../support/bridge-process';
import { BridgeDriver } from './bridge-driver';

const NUM_RUNS = process.env.CI === 'true' ? 10_000 : 500;
const KEY = `uo_test_fuzzagent_${randomBytes(12).toString('hex')}`;
const PROFILE = 'fuzz-agent';

let dir: string;
let vendor: FakeVendor;
let server: Server;
const sockets: Socket[] = [];
let bridge: BridgeDriver;
let seq = 0;

const credentials = () => encodeFrame({ type: 'credentials', profile: PROFILE, endpoint: vendor.url, auth: 'x-api-key', key: KEY, keyId: 'sha256:0badc0de' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-fuzz-agent-'));
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  // A hostile agent: answers every hello with good credentials, then whatever the test sends.
  server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (chunk.includes('"type":"hello"')) socket.write(credentials());
    });
  });
  await new Promise<void>((resolve) => server.listen(join(dir, 'agent.sock'), resolve));
  bridge = new BridgeDriver(PROFILE, join(dir, 'agent.sock'));
  const answer = bridge.waitForId(1);
  await bridge.write(`${JSON.stringify(INITIALIZE)}\n${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  expect((await answer).message).toHaveProperty('result');
});

afterAll(async () => {
  await bridge?.stop();
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await vendor?.close();
  await rm(dir, { recursive: true, force: true });
});

const liveSocket = () => sockets.filter((s) => !s.destroyed).at(-1);

/** Sends a local-only request through stdin and awaits its answer: the process is alive and reading. */
async function ping(): Promise<void> {
  const id = `sentinel-${++seq}`;
  const answered = bridge.waitForId(id);
  await bridge.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 7 })}\n`);
  await answered;
}

async function echo(text: string): Promise<string> {
  const id = `echo-${++seq}`;
  const answered = bridge.waitForId(id);
  await bridge.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text } } })}\n`);
  return JSON.stringify((await answered).message);
}

const anything = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 20 }), fc.constant(KEY), fc.jsonValue({ maxDepth: 2 }));
const nearFrame = fc
  .record(
    {
      type: fc.oneof(fc.constantFrom('credentials', 'revoked', 'error', 'hello', 'status', '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 10 })),
      profile: fc.oneof(fc.constantFrom(PROFILE, 'other', '', '../x'), anything),
      endpoint: fc.oneof(fc.constantFrom('not a url', 'ftp://x', ''), anything),
      auth: fc.oneof(fc.constantFrom('x-api-key', 'bearer', 'basic'), anything),
      key: fc.oneof(fc.constant(KEY), fc.constant(''), anything),
      keyId: anything,
      code: fc.oneof(fc.constantFrom('unknown-profile', 'locked', 'nope'), anything),
      message: fc.oneof(fc.constant(`key is ${KEY}`), anything),
      network: fc.oneof(fc.record({ proxy: anything, noProxy: anything, extraCaCerts: anything }, { requiredKeys: [] }), anything),
    },
    { requiredKeys: [] },
  )
  .map((o) => JSON.stringify(o));

/** Frames that legitimately change the bridge's credentials are not hostile input: leave them out. */
function changesCredentials(line: string): boolean {
  const decoded = decodeAgentFrame(line);
  if (decoded.kind !== 'frame') return false;
  const frame = decoded.frame;
  return frame.type === 'error' || frame.profile === PROFILE;
}

const lineArb = fc
  .oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a).toString('latin1').replace(/\n/g, ' ')) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => s.replace(/\n/g, ' ')) },
    { weight: 6, arbitrary: nearFrame },
    { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
    { weight: 2, arbitrary: nearFrame.chain((f) => fc.nat({ max: f.length }).map((n) => f.slice(0, n))) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`) },
    { weight: 1, arbitrary: fc.integer({ min: MAX_FRAME_BYTES + 1, max: MAX_FRAME_BYTES * 4 }).map((n) => `{"type":"credentials","key":"${KEY}","pad":"${'p'.repeat(n)}"}`) },
  )
  .filter((line) => !changesCredentials(line));

describe('fuzz: agent frames as the bridge receives them', () => {
  it(`a hostile agent cannot crash the bridge, take its key away or make it leak (${NUM_RUNS} cases, one process)`, async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { minLength: 1, maxLength: 3 }), async (lines) => {
        const socket = liveSocket();
        expect(socket).toBeDefined();
        socket!.write(`${lines.join('\n')}\n`);
        await ping();
        expect(bridge.alive).toBe(true);
        if (++cases % 250 === 0) expect(await echo(`case ${cases}`)).toContain(`case ${cases}`);
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    );
    expect(await echo('after fuzzing')).toContain('after fuzzing');
    expect(bridge.out.some((l) => l.raw.includes(KEY))).toBe(false);
    expect(bridge.stderr.includes(KEY)).toBe(false);
    // Every request upstream still carried exactly the one header with the key.
    expect(vendor.requests.every((r) => r.xApiKey === KEY && r.authorization === undefined)).toBe(true);
  }, 300_000);

  it("an agent's bad-request answer (e.g. to a status frame it did not like) does not take the bridge's key away", async () => {
    liveSocket()!.write(encodeFrame({ type: 'error', code: 'bad-request', message: 'Malformed frame: status: requests invalid' }));
    await ping();
    expect(await echo('after bad-request')).toContain('after bad-request');
  });
});
