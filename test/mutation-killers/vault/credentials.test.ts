// A session's credentials (src-main/vault/credentials.ts) from the real vault (conf in a temp
// dir, the AES test cipher, the fake vendor over real HTTP): each refusal in the words the
// assistant's user reads, the profile as it is after a change made while its key was being
// decrypted, the use recorded (or not, or a warning when it cannot be), and only the network
// settings the user set.
import { mkdirSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVault, type Vault } from '../../../src-main/vault';
import type { AddProfileInput } from '../../../src-shared/profile';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { confBackend, createManualClock, createTestCipher, makeTempDir, type TestCipher } from '../../main/vault/helpers';

const UO_KEY = 'uo_test_cred_aaaaaaaa1a2b';
const UO_KEY2 = 'uo_test_cred_bbbbbbbb3c4d';
const ENDPOINT = 'https://mcp.uptimeobserver.com/mcp';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const vaults: Vault[] = [];
const vendors: FakeVendor[] = [];
beforeEach(async () => (temp = await makeTempDir('kb-cred-')));
afterEach(async () => {
  for (const v of vaults.splice(0)) v.close();
  await Promise.all(vendors.splice(0).map((v) => v.close()));
  await temp.remove();
});

const uo = (endpoint = ENDPOINT, key = UO_KEY): AddProfileInput => ({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint, auth: 'x-api-key', key });

async function open(cipher: TestCipher = createTestCipher()) {
  const clock = createManualClock();
  const vault = await createVault({ backend: confBackend(temp.dir), cipher, clock, probeTimeoutMs: 5000 });
  vaults.push(vault);
  return { vault, cipher, clock };
}

/** The cipher's next decrypt waits until `release()`; `started` resolves when it is waiting. */
function holdNextDecrypt(cipher: TestCipher): { started: Promise<void>; release: () => void } {
  const decrypt = cipher.decrypt.bind(cipher);
  let release = () => undefined as void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started = () => undefined as void;
  const waiting = new Promise<void>((resolve) => (started = resolve));
  cipher.decrypt = async (encrypted) => {
    cipher.decrypt = decrypt;
    started();
    await gate;
    return decrypt(encrypted);
  };
  return { started: waiting, release };
}

describe('refusals say why, in words', () => {
  it('no such profile', async () => {
    const { vault } = await open();
    expect(await vault.credentialsFor('nope')).toEqual({ ok: false, code: 'unknown-profile', message: "No profile named 'nope'. Open KeyBridge to add it." });
  });

  it('paused', async () => {
    const { vault } = await open();
    await vault.add(uo());
    await vault.setPaused('mcp-claude', true);
    expect(await vault.credentialsFor('mcp-claude')).toEqual({
      ok: false,
      code: 'denied',
      message: "The profile 'mcp-claude' is paused in KeyBridge; resume it there to use it again.",
    });
  });

  it('the keychain is not available: locked, and the profile shows it', async () => {
    const { vault, cipher } = await open();
    await vault.add(uo());
    cipher.available = false;
    expect(await vault.credentialsFor('mcp-claude')).toEqual({
      ok: false,
      code: 'locked',
      message: 'KeyBridge cannot decrypt keys right now: the system keychain is not available. Unlock it and try again.',
    });
    expect(vault.get('mcp-claude').state).toBe('locked');
  });

  it('the key no longer decrypts', async () => {
    const { vault, cipher } = await open();
    await vault.add(uo());
    cipher.resetKeychain();
    expect(await vault.credentialsFor('mcp-claude')).toEqual({
      ok: false,
      code: 'locked',
      message: "The key for 'mcp-claude' can no longer be decrypted (the system keychain changed). Re-enter it in KeyBridge.",
    });
  });

  it('a failure that is neither busy nor unreadable is not turned into an answer', async () => {
    const { vault, cipher } = await open();
    await vault.add(uo());
    // The keychain asks for the key to be sealed anew, and sealing fails.
    cipher.askReEncrypt = true;
    cipher.encrypt = async () => {
      throw new Error('the keychain refused to encrypt');
    };
    await expect(vault.credentialsFor('mcp-claude')).rejects.toThrow('the keychain refused to encrypt');
  });
});

describe('a change made while the key was being decrypted', () => {
  it('removed meanwhile: no such profile', async () => {
    const { vault, cipher } = await open();
    await vault.add(uo());
    const held = holdNextDecrypt(cipher);
    const lookup = vault.credentialsFor('mcp-claude');
    await held.started;
    await vault.remove('mcp-claude');
    held.release();
    expect(await lookup).toMatchObject({ ok: false, code: 'unknown-profile' });
  });

  it('paused meanwhile: refused as paused', async () => {
    const { vault, cipher } = await open();
    await vault.add(uo());
    const held = holdNextDecrypt(cipher);
    const lookup = vault.credentialsFor('mcp-claude');
    await held.started;
    await vault.setPaused('mcp-claude', true);
    held.release();
    expect(await lookup).toMatchObject({ ok: false, code: 'denied' });
    expect(vault.get('mcp-claude').lastUsedAt).toBeNull();
  });

  it('rotated meanwhile: the new key, never the old one', async () => {
    const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] });
    vendors.push(vendor);
    const { vault, cipher } = await open();
    await vault.add(uo(vendor.url));
    const held = holdNextDecrypt(cipher);
    const lookup = vault.credentialsFor('mcp-claude');
    await held.started;
    vendor.rotate(UO_KEY, UO_KEY2);
    const rotated = await vault.rotate('mcp-claude', UO_KEY2);
    held.release();
    const answer = await lookup;
    expect(answer.ok && answer.credentials).toMatchObject({ key: UO_KEY2, keyId: rotated.key?.fingerprint });
  });
});

describe('the use is recorded', () => {
  it('by default, and the views hear of it; not when asked not to', async () => {
    const { vault, clock } = await open();
    await vault.add(uo());
    const seen: (string | null)[] = [];
    vault.subscribe((profiles) => seen.push(profiles[0]?.lastUsedAt ?? null));
    expect(await vault.credentialsFor('mcp-claude', { record: false })).toMatchObject({ ok: true });
    expect(vault.get('mcp-claude').lastUsedAt).toBeNull();
    expect(seen).toEqual([]);
    clock.advance(1000);
    expect(await vault.credentialsFor('mcp-claude')).toMatchObject({ ok: true });
    expect(vault.get('mcp-claude').lastUsedAt).toBe('2026-11-23T10:00:01.000Z');
    expect(seen).toEqual(['2026-11-23T10:00:01.000Z']);
  });

  it('a use that cannot be recorded is a warning; the session still gets its key', async () => {
    const { vault } = await open();
    await vault.add(uo());
    // The store can no longer be replaced: a folder stands where the file was.
    const path = confBackend(temp.dir).path;
    rmSync(path);
    mkdirSync(path);
    const answer = await vault.credentialsFor('mcp-claude');
    expect(answer).toMatchObject({ ok: true, credentials: { key: UO_KEY } });
    expect(vault.problems()).toEqual([
      expect.objectContaining({ level: 'warning', message: expect.stringMatching(/^KeyBridge could not save its profiles to .*keybridge-vault\.json: /) }),
    ]);
  });
});

describe('network settings travel only when set', () => {
  it('none: no network field at all', async () => {
    const { vault } = await open();
    await vault.add(uo());
    const answer = await vault.credentialsFor('mcp-claude');
    expect(answer.ok && 'network' in answer.credentials).toBe(false);
  });

  it('each setting on its own', async () => {
    const { vault } = await open();
    await vault.add(uo());
    const networkWith = async (network: Record<string, string>) => {
      vault.settings.update({ network });
      const answer = await vault.credentialsFor('mcp-claude');
      return answer.ok ? answer.credentials.network : 'refused';
    };
    expect(await networkWith({ proxy: 'http://proxy.test:3128' })).toEqual({ proxy: 'http://proxy.test:3128' });
    expect(await networkWith({ noProxy: 'localhost,.internal' })).toEqual({ noProxy: 'localhost,.internal' });
    expect(await networkWith({ extraCaCerts: '/etc/ssl/extra.pem' })).toEqual({ extraCaCerts: '/etc/ssl/extra.pem' });
  });
});
