// Desktop notifications the core raises from state changes, with a manual clock: the
// UptimeMonitoring grace window about to end after a rotation.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Clock } from '../../../src-main/vault';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { connectLineClient } from '../../shell/agent-line-client';
import { startCoreHarness, type CoreHarness } from './core-harness';

const OLD = 'umk_live_test_notify_old_0001';
const NEW = 'umk_live_test_notify_new_0002';
let now = Date.parse('2026-11-23T10:00:00.000Z');
const timers = new Map<number, { at: number; run: () => void }>();
let nextId = 0;
const clock: Clock = {
  now: () => now,
  setTimeout: (run, ms) => {
    timers.set(++nextId, { at: now + ms, run });
    return nextId;
  },
  clearTimeout: (handle) => void timers.delete(handle as number),
};
function advance(ms: number): void {
  now += ms;
  for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
    if (timer.at > now) continue;
    timers.delete(id);
    timer.run();
  }
}

let vendor: FakeVendor;
let harness: CoreHarness;

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimemonitoring', keys: [OLD], clock: () => now });
  harness = await startCoreHarness({ clock });
  await harness.core.start();
});

afterAll(async () => {
  await harness?.close();
  await vendor?.close();
});

it('warns a minute before the old key stops working, naming it (masked) and offering the way back', async () => {
  await harness.core.profiles.add({ name: 'um-prod', vendor: 'uptimemonitoring', endpoint: vendor.url, auth: 'bearer', keyPrefix: null, note: '', key: { source: 'typed', key: OLD } });
  vendor.rotate(OLD, NEW);
  const rotated = await harness.core.profiles.rotate({ name: 'um-prod', key: { source: 'typed', key: NEW } });
  expect(rotated.previous).toMatchObject({ fate: 'grace', graceEndsAt: new Date(now + 5 * 60_000).toISOString() });

  advance(4 * 60_000 - 1);
  expect(harness.notifications.map((n) => n.title)).not.toContain('Grace window ending');
  advance(1);
  const warning = harness.notifications.find((n) => n.title === 'Grace window ending');
  expect(warning?.body).toMatch(/^The old key umk_live_…0001 for 'um-prod' stops working at .+\. Roll back now if the new key is not working\.$/);
  expect(JSON.stringify(harness.notifications)).not.toContain(OLD);
  expect((await harness.core.activity.events()).some((e) => e.level === 'warning' && e.profile === 'um-prod' && e.message.includes('stops working'))).toBe(true);
});

it('a refused key is notified once, even while another bridge of the profile still works', async () => {
  const hello = (name: string, pid: number) => ({ type: 'hello' as const, v: 1, profile: 'um-prod', client: { name, pid }, bridge: { version: 'test', pid } });
  const working = await connectLineClient(harness.core.socketPath);
  const refused = await connectLineClient(harness.core.socketPath);
  try {
    working.send(hello('Cursor', 501));
    refused.send(hello('Claude', 502));
    expect(await working.next()).toMatchObject({ type: 'credentials' });
    expect(await refused.next()).toMatchObject({ type: 'credentials' });
    const at = new Date(now).toISOString();
    const status = (requests: number, upstream: 'ok' | 'failing') => ({
      type: 'status' as const,
      profile: 'um-prod',
      upstream,
      requests,
      errors: upstream === 'ok' ? 0 : 1,
      lastError: upstream === 'ok' ? null : { status: 401, message: 'invalid credentials', at },
    });
    refused.send(status(1, 'failing'));
    for (let i = 1; i <= 5; i++) {
      working.send(status(i, 'ok'));
      await new Promise((r) => setTimeout(r, 20));
    }
    const rejected = () => harness.notifications.filter((n) => n.title === 'Key rejected');
    await new Promise((r) => setTimeout(r, 100));
    expect(rejected()).toHaveLength(1);
    expect(rejected()[0]?.body).toBe("The vendor rejected the key for 'um-prod' (401 invalid credentials). Rotate or re-enter it in KeyBridge.");
  } finally {
    working.close();
    refused.close();
  }
});
