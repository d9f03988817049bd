// Fuzzed frames against the real agent: whatever a peer sends — random text, random JSON,
// near-valid frames, half lines, abrupt disconnects — the agent answers only well-formed
// frames, never crashes, and a bridge connected all along keeps being served.
// Runs: FUZZ_RUNS, else 10,000 when CI=true, else 300.
import { connect } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../../src-main/agent';
import { createVault, type Vault } from '../../../src-main/vault';
import { decodeAgentFrame, MAX_FRAME_BYTES } from '../../../src-shared/agent-protocol';
import { confBackend, createTestCipher, makeTempDir } from '../vault/helpers';
import { connectRawBridge, type RawBridge } from './raw-bridge';

const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.CI === 'true' ? 10_000 : 300));

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let vault: Vault;
let agent: Agent;
let control: RawBridge;
let socketPath: string;

beforeAll(async () => {
  temp = await makeTempDir('kb-fuzz-');
  socketPath = join(temp.dir, 'agent.sock');
  const probe = async () => ({ ok: true as const, serverName: 't', serverVersion: '1', toolCount: 0, latencyMs: 0, at: new Date().toISOString() });
  vault = await createVault({ backend: confBackend(temp.dir), cipher: createTestCipher(), probe });
  await vault.add({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: 'https://mcp.uptimeobserver.com/mcp', auth: 'x-api-key', key: 'uo_test_aaaaaaaaaaaa1a2b' });
  agent = await startAgent({ socketPath, credentials: vault, limits: { helloTimeoutMs: 2000 } });
  control = await connectRawBridge(socketPath);
  control.hello('mcp-claude');
  expect(await control.next()).toMatchObject({ type: 'credentials' });
});
afterAll(async () => {
  await control?.close();
  await agent?.close();
  vault?.close();
  await temp?.remove();
});

const anyText = fc.string({ unit: 'binary', maxLength: 200 });
const nearFrame = fc
  .record(
    {
      type: fc.oneof(fc.constantFrom('hello', 'status', 'credentials', 'revoked', 'error', '__proto__', 'constructor'), fc.string({ maxLength: 10 })),
      v: fc.oneof(fc.constant(1), fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null)),
      profile: fc.oneof(fc.constantFrom('mcp-claude', 'nobody', '', '../x'), fc.string({ maxLength: 70 })),
      client: fc.oneof(fc.record({ name: fc.string({ maxLength: 20 }), pid: fc.oneof(fc.integer(), fc.constant(-1)) }), fc.anything()),
      bridge: fc.oneof(fc.record({ version: fc.string({ maxLength: 5 }), pid: fc.nat() }), fc.anything()),
      upstream: fc.oneof(fc.constantFrom('ok', 'failing', 'connecting'), fc.string({ maxLength: 5 })),
      requests: fc.oneof(fc.nat(), fc.integer(), fc.double()),
      errors: fc.oneof(fc.nat(), fc.constant(-3)),
      lastError: fc.oneof(fc.constant(null), fc.record({ status: fc.oneof(fc.integer(), fc.constant(null)), message: fc.string({ maxLength: 30 }), at: fc.string({ maxLength: 30 }) }), fc.anything()),
    },
    { requiredKeys: [] },
  )
  .map((o) => JSON.stringify(o));
const line = fc.oneof(
  { weight: 3, arbitrary: nearFrame },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '}', '[]', 'null', '{"type":1}', '{"type":"hello"', '\r', 'x'.repeat(MAX_FRAME_BYTES + 1)) },
);
const session = fc.record({
  lines: fc.array(line, { minLength: 1, maxLength: 6 }),
  /** The last line without its newline: a frame cut short. */
  cutLast: fc.boolean(),
  /** Reset the connection instead of ending it politely. */
  abrupt: fc.boolean(),
  /** Deliver the bytes in pieces of this size (0 = all at once). */
  chunk: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 })),
});

/** Sends one fuzzed session and returns every line the agent sent back. */
type Session = typeof session extends fc.Arbitrary<infer T> ? T : never;

function play({ lines, cutLast, abrupt, chunk }: Session): Promise<string[]> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (received += d));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received.split('\n').slice(0, -1)));
    socket.on('connect', () => {
      const text = lines.join('\n') + (cutLast ? '' : '\n');
      const bytes = Buffer.from(text, 'utf8');
      // At most 64 pieces, so a 64 KiB line is not written 7 bytes at a time.
      const step = chunk === 0 ? bytes.length : Math.max(chunk, Math.ceil(bytes.length / 64));
      for (let i = 0; i < bytes.length; i += step) socket.write(bytes.subarray(i, i + step));
      if (abrupt) setImmediate(() => socket.destroy());
      else socket.end();
    });
  });
}

it(`survives ${RUNS} fuzzed sessions and keeps serving other bridges`, async () => {
  let served = 0;
  await fc.assert(
    fc.asyncProperty(session, async (s) => {
      const answers = await play(s);
      for (const answer of answers) expect(decodeAgentFrame(answer).kind).toBe('frame');
      // Never more answers than lines (plus one for an oversized line split in two).
      expect(answers.length).toBeLessThanOrEqual(s.lines.length + 1);
      if (++served % 500 === 0) {
        const probe = await connectRawBridge(socketPath);
        probe.hello('mcp-claude');
        expect(await probe.next()).toMatchObject({ type: 'credentials' });
        await probe.close();
      }
    }),
    { numRuns: RUNS },
  );
  await vault.rotate('mcp-claude', 'uo_test_bbbbbbbbbbbb3c4d');
  expect(await control.next()).toMatchObject({ type: 'credentials', key: 'uo_test_bbbbbbbbbbbb3c4d' });
  await expect.poll(() => agent.connectionCount()).toBe(1);
  await expect.poll(() => agent.sessions().length).toBe(1);
}, 300_000);
