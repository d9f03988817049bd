// Property-based fuzzing of IPC arguments (fast-check) against the real handler table and
// invoker over a real app core (vault with a test cipher in a temp dir, temp HOME, the fake
// vendor on 127.0.0.1): every channel, and made-up ones, with arbitrary arguments. The
// invoker never throws; it answers {ok:false, error:string} or {ok:true, value} that fits the
// channel's result schema; and no answer ever carries the raw key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { INVOKE_CHANNELS, invokeContract, type InvokeChannel } from '../../src-shared/ipc-contract';
import { createInvoker, createIpcHandlers, type Invoker } from '../../src-main/app/ipc-handlers';
import { isAssistantInstallLink } from '../../src-main/app/external-links';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startCoreHarness, type CoreHarness } from '../main/app/core-harness';

const NUM_RUNS = process.env.CI === 'true' ? 10_000 : 500;
const KEY = `uo_test_fuzzipc_${randomBytes(12).toString('hex')}`;

let vendor: FakeVendor;
let harness: CoreHarness;
let invoke: Invoker;

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  harness = await startCoreHarness();
  await harness.core.start();
  invoke = createInvoker(createIpcHandlers(harness.core));
  const added = await invoke('profiles:add', [{ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key: { source: 'typed', key: KEY } }]);
  expect(added.ok).toBe(true);
});

afterAll(async () => {
  await harness?.close();
  await vendor?.close();
});

const name = fc.oneof({ weight: 1, arbitrary: fc.constantFrom('mcp-claude', 'nobody', '') }, { weight: 3, arbitrary: fc.string({ maxLength: 80 }) });
const value = fc.oneof(fc.anything({ maxDepth: 2 }), name, fc.constant(KEY));
/** Arguments shaped like the contract's, with any field wrong. */
const nearArgs = fc.oneof(
  fc.tuple(name),
  fc.tuple(
    fc.record(
      {
        name,
        vendor: fc.oneof(fc.constantFrom('uptimeobserver', 'uptimemonitoring', 'custom'), value),
        endpoint: fc.oneof(fc.constant(null).map(() => vendor.url), fc.constantFrom('http://127.0.0.1:9/mcp', 'javascript:alert(1)', 'file:///etc/passwd'), value),
        auth: fc.oneof(fc.constantFrom('x-api-key', 'bearer'), value),
        key: fc.oneof(fc.record({ source: fc.constantFrom('typed', 'clipboard', 'nope'), key: value, fingerprint: value }, { requiredKeys: [] }), value),
        paused: fc.oneof(fc.boolean(), value),
        client: fc.oneof(fc.constantFrom('claude-desktop', 'cursor', 'vscode', 'windsurf', 'claude-code'), value),
        profile: name,
        findingId: value,
        note: value,
      },
      { requiredKeys: [] },
    ),
  ),
  fc.tuple(fc.dictionary(fc.string({ maxLength: 12 }), value, { maxKeys: 5 })),
);
const args = fc.oneof(fc.anything({ maxDepth: 3 }), fc.array(value, { maxLength: 3 }), nearArgs);
const channel = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...INVOKE_CHANNELS) }, { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'profiles:list ')) });

describe('fuzz: IPC arguments', () => {
  it(`every channel with arbitrary arguments answers on the contract and never throws (${NUM_RUNS} cases)`, async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(channel, args, async (ch, raw) => {
        const result = await invoke(ch, raw);
        seen.set(result.ok ? 'ok' : 'error', (seen.get(result.ok ? 'ok' : 'error') ?? 0) + 1);
        if (result.ok) {
          expect(Object.hasOwn(invokeContract, ch)).toBe(true);
          expect(invokeContract[ch as InvokeChannel].result.safeParse(result.value).success).toBe(true);
        } else {
          expect(typeof result.error).toBe('string');
          expect(result.error.length).toBeGreaterThan(0);
        }
        expect(JSON.stringify(result)).not.toContain(KEY);
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    );
    // Both kinds of answers were exercised, not only refusals.
    expect(seen.get('ok') ?? 0).toBeGreaterThan(0);
    expect(seen.get('error') ?? 0).toBeGreaterThan(0);
    // Only https pages, or an assistant's install link that main built itself (clients:open-install-link).
    expect(harness.opened.filter((url) => !/^https:\/\//.test(url) && !isAssistantInstallLink(url))).toEqual([]);
  }, 300_000);
});
