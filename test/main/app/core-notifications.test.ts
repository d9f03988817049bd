// Desktop notifications the core raises from state changes, with a manual clock: the
// UptimeMonitoring grace window about to end after a rotation; a key the vendor refuses.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Clock } from '../../../src-main/vault';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { startBridgeClient } from '../../support/bridge-process';
import { until } from '../../support/until';
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

it('a refused key is notified once, however many bridges of the profile fail', async () => {
  const KEY = 'umk_live_test_notify_refused_3';
  vendor.addKey(KEY);
  await harness.core.profiles.add({ name: 'um-refused', vendor: 'uptimemonitoring', endpoint: vendor.url, auth: 'bearer', keyPrefix: null, note: '', key: { source: 'typed', key: KEY } });
  const bridges = [
    await startBridgeClient({ profile: 'um-refused', agentSocket: harness.core.socketPath }),
    await startBridgeClient({ profile: 'um-refused', agentSocket: harness.core.socketPath }),
  ];
  const rejected = () => harness.notifications.filter((n) => n.title === 'Key rejected' && n.body.includes("'um-refused'"));
  const callAll = () => Promise.all(bridges.map((b) => b.client.callTool({ name: 'echo', arguments: { text: 'x' } }).then(() => 'ok', (e: unknown) => String(e))));
  try {
    expect(await callAll()).toEqual(['ok', 'ok']);
    vendor.revokeKey(KEY);
    for (let i = 0; i < 3; i++) expect((await callAll()).every((r) => r.includes('401'))).toBe(true);
    await until(() => rejected().length > 0, 'the rejection notice');
    expect(rejected()[0]?.body).toContain("rejected the key for 'um-refused' (401 invalid credentials)");
    // Both sessions keep failing: still one notice.
    await callAll();
    expect(rejected()).toHaveLength(1);
  } finally {
    for (const b of bridges) await b.close();
  }
});
