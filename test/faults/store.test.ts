// The vault's store on a full disk and on a read-only disk: a small tmpfs mounted for the test
// (root only; `chmod` cannot stop root, a read-only mount can). Each write must fail with a
// clear error and lose nothing: what was stored stays on disk, decryptable, and in memory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVault, VaultError, type Vault } from '../../src-main/vault';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { confBackend, createTestCipher, type TestCipher } from '../main/vault/helpers';

const KEY = 'uo_test_store_faults_key_01';
const NEW_KEY = 'uo_test_store_faults_key_02';

let dir: string;
let mnt: string;
let cipher: TestCipher;
let vendor: FakeVendor;
const vaults: Vault[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-store-faults-'));
  mnt = join(dir, 'disk');
  await mkdir(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mnt]);
  cipher = createTestCipher();
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY, NEW_KEY] });
});

afterEach(async () => {
  for (const vault of vaults.splice(0)) vault.close();
  await vendor.close();
  execFileSync('umount', [mnt]);
  await rm(dir, { recursive: true, force: true });
});

async function openVault(): Promise<Vault> {
  const vault = await createVault({ backend: confBackend(join(mnt, 'store')), cipher, probeTimeoutMs: 5000 });
  vaults.push(vault);
  return vault;
}

const profile = (name: string, key = KEY) => ({ name, vendor: 'uptimeobserver' as const, endpoint: vendor.url, auth: 'x-api-key' as const, key });

/** Writes zeros until the disk refuses: ENOSPC. */
async function fillDisk(): Promise<string> {
  const filler = join(mnt, 'filler');
  const handle = await open(filler, 'w');
  try {
    for (;;) await handle.write(Buffer.alloc(4096));
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    await handle.close();
  }
  return filler;
}

/** The stored profile still decrypts to the same key after reopening from disk. */
async function expectIntact(names: string[]): Promise<void> {
  for (const vault of vaults.splice(0)) vault.close();
  const reopened = await openVault();
  expect(reopened.problems()).toEqual([]);
  expect(reopened.list().map((p) => p.name)).toEqual(names);
  const lookup = await reopened.credentialsFor('alpha');
  expect(lookup.ok && lookup.credentials.key).toBe(KEY);
}

const failure = (promise: Promise<unknown>) => promise.then(() => null, (e: Error) => e);

describe('vault store on a full disk', () => {
  it('adding a profile fails with a clear error (a VaultError saying the disk is full)', async () => {
    const vault = await openVault();
    await vault.add(profile('alpha'));
    await fillDisk();
    const added = await failure(vault.add(profile('beta')));
    expect(added).toBeInstanceOf(VaultError);
    expect(added!.message).toMatch(/disk is full|no space/i);
  });

  it('rotating fails with a clear error and the active key stays', async () => {
    const vault = await openVault();
    await vault.add(profile('alpha'));
    await fillDisk();
    const rotated = await failure(vault.rotate('alpha', NEW_KEY));
    expect(rotated).toBeInstanceOf(VaultError);
    expect(rotated!.message).toMatch(/disk is full|no space/i);
    expect(vault.get('alpha').previous).toBeNull();
  });

  it('sessions still start: credentialsFor answers even though lastUsedAt cannot be saved', async () => {
    const vault = await openVault();
    await vault.add(profile('alpha'));
    await fillDisk();
    const lookup = await vault.credentialsFor('alpha');
    expect(lookup.ok && lookup.credentials.key).toBe(KEY);
  });

  it('nothing is lost: after failed writes the file reopens with every profile and key, no temp files left', async () => {
    const vault = await openVault();
    await vault.add(profile('alpha'));
    const filler = await fillDisk();
    await failure(vault.add(profile('beta')));
    await failure(vault.rotate('alpha', NEW_KEY));
    expect(vault.list().map((p) => p.name)).toEqual(['alpha']);
    await rm(filler);
    expect((await readdir(join(mnt, 'store'))).filter((f) => !f.endsWith('.json'))).toEqual([]);
    await expectIntact(['alpha']);
  });
});

describe('vault store on a read-only disk', () => {
  it('adding fails with a clear error (a VaultError saying the disk is read-only); nothing is lost', async () => {
    const vault = await openVault();
    await vault.add(profile('alpha'));
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    let added: Error | null;
    try {
      added = await failure(vault.add(profile('beta')));
      expect(vault.list().map((p) => p.name)).toEqual(['alpha']);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
    await expectIntact(['alpha']);
    expect(added).toBeInstanceOf(VaultError);
    expect(added!.message).toMatch(/read-only/i);
  });
});
