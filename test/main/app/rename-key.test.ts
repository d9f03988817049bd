// Renaming a key: the vault record and its remembered decisions follow, the assistants' entries
// are rewritten to the new name, and a session under the old name is told what happened.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridgeClient } from '../../support/bridge-process';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { startCoreHarness, type CoreHarness } from './core-harness';

const KEY = 'uo_test_rename_1a2b3c4d5e6f';
let vendor: FakeVendor;
let harness: CoreHarness;

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  harness = await startCoreHarness();
  await harness.core.start();
});
afterAll(async () => {
  await harness?.close();
  await vendor?.close();
});

describe('rename a key', () => {
  it('moves the entry in the assistants, the decisions, and ends the old sessions with the reason', async () => {
    await harness.core.profiles.add({ name: 'old-name', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', keyPrefix: null, note: '', key: { source: 'typed', key: KEY } });
    const claude = (await harness.core.clients.list()).find((c) => c.id === 'claude-desktop')!;
    await mkdir(dirname(claude.configPath), { recursive: true });
    await harness.core.clients.connect({ client: 'claude-desktop', profile: 'old-name' });
    const bridge = await startBridgeClient({ profile: 'old-name', agentSocket: harness.core.socketPath });
    try {
      await bridge.client.callTool({ name: 'echo', arguments: { text: 'before' } });
      const decisionsBefore = await harness.core.decisions.list();
      expect(decisionsBefore.some((d) => d.profile === 'old-name')).toBe(true);

      const renamed = await harness.core.profiles.rename({ name: 'old-name', newName: 'new-name' });
      expect(renamed.name).toBe('new-name');
      expect((await harness.core.profiles.list()).map((p) => p.name)).toEqual(['new-name']);
      const config = await readFile(claude.configPath, 'utf8');
      expect(config).toContain('keybridge-new-name');
      expect(config).not.toContain('keybridge-old-name');
      const decisions = await harness.core.decisions.list();
      expect(decisions.some((d) => d.profile === 'old-name')).toBe(false);
      expect(decisions.filter((d) => d.profile === 'new-name')).toHaveLength(decisionsBefore.filter((d) => d.profile === 'old-name').length);

      await expect(bridge.client.callTool({ name: 'echo', arguments: { text: 'after' } })).rejects.toThrow(/now called 'new-name'.*Restart the assistant/);
    } finally {
      await bridge.close();
    }
  });

  it('refuses a name that is taken or not a name, and changes nothing', async () => {
    await harness.core.profiles.add({ name: 'second', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', keyPrefix: null, note: '', key: { source: 'typed', key: KEY } });
    await expect(harness.core.profiles.rename({ name: 'second', newName: 'new-name' })).rejects.toThrow("A profile named 'new-name' already exists.");
    await expect(harness.core.profiles.rename({ name: 'second', newName: 'no spaces' })).rejects.toThrow(/letters, digits/);
    expect((await harness.core.profiles.list()).map((p) => p.name).sort()).toEqual(['new-name', 'second']);
  });
});
