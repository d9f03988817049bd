// Removing a key with its assistants' entries is one action in main (the window and the tray
// call the same): entries first, so a config that cannot be written keeps the key.
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { startCoreHarness, type CoreHarness } from './core-harness';

const KEY = 'uo_test_remove_1a2b3c4d5e6f';
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

async function addAndConnect(name: string): Promise<string> {
  await harness.core.profiles.add({ name, vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', keyPrefix: null, note: '', key: { source: 'typed', key: KEY } });
  const claude = (await harness.core.clients.list()).find((c) => c.id === 'claude-desktop')!;
  await mkdir(dirname(claude.configPath), { recursive: true });
  await harness.core.clients.connect({ client: 'claude-desktop', profile: name });
  return claude.configPath;
}

describe('remove a key', () => {
  it('with its assistants: the entry leaves the config, then the key leaves the vault', async () => {
    const config = await addAndConnect('gone');
    expect(await readFile(config, 'utf8')).toContain('keybridge-gone');
    await harness.core.profiles.remove('gone', { disconnectAssistants: true });
    expect(await readFile(config, 'utf8')).not.toContain('keybridge-gone');
    expect((await harness.core.profiles.list()).map((p) => p.name)).not.toContain('gone');
  });

  it('a config that cannot be written: the key stays, and the reason is told', async () => {
    const config = await addAndConnect('kept');
    await chmod(dirname(config), 0o500);
    await chmod(config, 0o400);
    try {
      await expect(harness.core.profiles.remove('kept', { disconnectAssistants: true })).rejects.toThrow();
    } finally {
      await chmod(dirname(config), 0o700);
      await chmod(config, 0o600);
    }
    expect((await harness.core.profiles.list()).map((p) => p.name)).toContain('kept');
  });

  it('without: the entry stays for adding the key again under the same name', async () => {
    const config = await addAndConnect('again');
    await harness.core.profiles.remove('again');
    expect(await readFile(config, 'utf8')).toContain('keybridge-again');
  });
});
