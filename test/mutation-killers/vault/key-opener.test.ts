// Opening stored keys (src-main/vault/key-opener.ts, sealed-key.ts) in the real vault: conf in a
// temp dir and the AES test cipher, whose keychain can be wiped, locked, made to ask for a
// reseal, or made to decrypt to the wrong text. What is asserted: the file (ciphertext sealed
// anew only when asked), the profile's state, the warnings raised (once) and what the views hear.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVault, type Vault } from '../../../src-main/vault';
import { KeychainBusyError } from '../../../src-main/vault/ports';
import type { AddProfileInput } from '../../../src-shared/profile';
import { confBackend, createTestCipher, makeTempDir, type TestCipher } from '../../main/vault/helpers';

const UO_KEY = 'uo_test_open_aaaaaaaa1a2b';
const ENDPOINT = 'https://mcp.uptimeobserver.com/mcp';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const vaults: Vault[] = [];
beforeEach(async () => (temp = await makeTempDir('kb-open-')));
afterEach(async () => {
  for (const v of vaults.splice(0)) v.close();
  await temp.remove();
});

const uo = (name = 'uo', key = UO_KEY): AddProfileInput => ({ name, vendor: 'uptimeobserver', endpoint: ENDPOINT, auth: 'x-api-key', key });

async function open(cipher: TestCipher) {
  const vault = await createVault({ backend: confBackend(temp.dir), cipher });
  vaults.push(vault);
  return vault;
}

async function reopen(cipher: TestCipher) {
  for (const v of vaults.splice(0)) v.close();
  return open(cipher);
}

const storedKey = (name = 'uo') =>
  (JSON.parse(readFileSync(confBackend(temp.dir).path, 'utf8')) as { profiles: { name: string; key: { ciphertext: string } }[] }).profiles.find((p) => p.name === name)!.key;

describe('sealing anew', () => {
  it('only when the keychain asks: a plain open leaves the stored ciphertext as it is', async () => {
    const cipher = createTestCipher();
    const vault = await open(cipher);
    await vault.add(uo());
    const before = storedKey().ciphertext;
    const encrypts = cipher.encryptCalls;
    expect(await vault.credentialsFor('uo', { record: false })).toMatchObject({ ok: true, credentials: { key: UO_KEY } });
    await reopen(cipher);
    expect(storedKey().ciphertext).toBe(before);
    expect(cipher.encryptCalls).toBe(encrypts);
  });

  it('a reseal of a profile removed meanwhile is skipped; the key still opens for the one asking', async () => {
    const cipher = createTestCipher();
    const vault = await open(cipher);
    await vault.add(uo());
    cipher.askReEncrypt = true;
    // The profile goes while the key is being sealed anew.
    const encrypt = cipher.encrypt.bind(cipher);
    cipher.encrypt = async (plain) => {
      cipher.encrypt = encrypt;
      await vault.remove('uo');
      return encrypt(plain);
    };
    // Answered for the profile as it is now: gone.
    expect(await vault.credentialsFor('uo')).toMatchObject({ ok: false, code: 'unknown-profile' });
    expect(vault.problems()).toEqual([]);
  });

  it('at open, a keychain that asks for a reseal and then cannot encrypt stops the vault from opening with why', async () => {
    const cipher = createTestCipher();
    const vault = await open(cipher);
    await vault.add(uo());
    vault.close();
    cipher.askReEncrypt = true;
    cipher.encrypt = async () => {
      throw new Error('the keychain refused to encrypt');
    };
    await expect(reopen(cipher)).rejects.toThrow('the keychain refused to encrypt');
  });
});

describe('a key that no longer decrypts', () => {
  it('is found when it is needed: the views hear of it, and the warning is raised once', async () => {
    const cipher = createTestCipher();
    const vault = await open(cipher);
    await vault.add(uo());
    cipher.resetKeychain();
    const states: string[] = [];
    vault.subscribe((profiles) => states.push(profiles[0]!.state));
    expect(await vault.credentialsFor('uo')).toMatchObject({ ok: false, code: 'locked' });
    expect(states).toEqual(['needs-reentry']);
    expect(await vault.credentialsFor('uo')).toMatchObject({ ok: false, code: 'locked' });
    expect(states).toEqual(['needs-reentry']);
    expect(vault.problems()).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: "The key for 'uo' can no longer be decrypted (the system keychain changed). Re-enter it from its card on the Keys screen.",
      }),
    ]);
  });

  it('a keychain that decrypts to another text is as broken as one that throws', async () => {
    const cipher = createTestCipher();
    const vault = await open(cipher);
    await vault.add(uo());
    const decrypt = cipher.decrypt.bind(cipher);
    cipher.decrypt = async (encrypted) => ({ ...(await decrypt(encrypted)), result: 'uo_test_open_zzzzzzzz9y8x' });
    expect(await vault.credentialsFor('uo')).toMatchObject({ ok: false, code: 'locked', message: expect.stringContaining('Re-enter') });
    expect(vault.get('uo').state).toBe('needs-reentry');
  });
});

describe('opening the vault', () => {
  it('with the keychain unavailable, tries no key: locked, not needs-reentry, no warning', async () => {
    const cipher = createTestCipher();
    await (await open(cipher)).add(uo());
    cipher.available = false;
    const vault = await reopen(cipher);
    expect(vault.get('uo').state).toBe('locked');
    expect(vault.problems()).toEqual([]);
  });

  it('a busy keychain for one key does not stop the others being opened', async () => {
    const cipher = createTestCipher();
    const first = await open(cipher);
    await first.add(uo('a', 'uo_test_open_aaaaaaaa0001'));
    await first.add(uo('b', 'uo_test_open_bbbbbbbb0002'));
    cipher.resetKeychain();
    const decrypt = cipher.decrypt.bind(cipher);
    let calls = 0;
    cipher.decrypt = async (encrypted) => {
      if (++calls === 1) throw new KeychainBusyError();
      return decrypt(encrypted);
    };
    const vault = await reopen(cipher);
    expect(vault.get('a').state).not.toBe('needs-reentry');
    // The second key was tried, and found not to decrypt.
    expect(vault.get('b').state).toBe('needs-reentry');
  });
});
