// The vault's cipher over safeStorage, against the fake's safeStorage (Electron 45's async API
// with its real states): the storage status says what the async encryptor really uses, and a
// "temporarily unavailable" decryption is retried instead of reported as a lost key.
import { describe, expect, it } from 'vitest';
import { KeychainTemporarilyUnavailableError, linuxBackendFromTag, safeStorageCipher } from '../../src-main/shell/safe-storage-cipher';
import { storageStatus } from '../../src-main/vault/storage-status';
import { fakeElectron } from '../support/fake-electron';

const { app, safeStorage } = fakeElectron;
const noWait = { sleep: async () => undefined };

function reset(platform: NodeJS.Platform = 'linux') {
  app.platform = platform;
  safeStorage.backend = 'gnome_libsecret';
  safeStorage.keyProvider = null;
  safeStorage.transientDecryptFailures = 0;
}

describe('storage status on Linux', () => {
  it('before ready: unavailable, backend not known yet', async () => {
    reset();
    const cipher = safeStorageCipher(safeStorage, 'linux', noWait);
    expect(await cipher.isAvailable()).toBe(false);
    expect(cipher.backend?.()).toBe('unknown');
    app.emitReady();
  });

  it('a keyring really in use: the keychain, named as the sync path picked it', async () => {
    reset();
    const cipher = safeStorageCipher(safeStorage, 'linux', noWait);
    expect(await storageStatus(cipher, false)).toMatchObject({ mode: 'keychain', backend: 'gnome_libsecret' });
  });

  it('the sync pick says gnome_libsecret but the async encryptor fell back to the built-in key: refused as basic_text', async () => {
    reset();
    safeStorage.keyProvider = 'fallback';
    const cipher = safeStorageCipher(safeStorage, 'linux', noWait);
    expect(safeStorage.getSelectedStorageBackend()).toBe('gnome_libsecret');
    expect(await storageStatus(cipher, false)).toMatchObject({ mode: 'unavailable', backend: 'basic_text' });
    // … and only the user's explicit choice allows it, as weak storage.
    expect(await storageStatus(cipher, true)).toMatchObject({ mode: 'weak', backend: 'basic_text' });
  });

  it('the sync pick says basic_text but the Secret Service answered: a keyring, not refused', async () => {
    reset();
    safeStorage.backend = 'basic_text';
    safeStorage.keyProvider = 'secret_service';
    const cipher = safeStorageCipher(safeStorage, 'linux', noWait);
    expect(await storageStatus(cipher, false)).toMatchObject({ mode: 'keychain', backend: 'secret_service' });
  });

  it('no key at all (encryption fails): unavailable', async () => {
    reset();
    safeStorage.keyProvider = 'none';
    const cipher = safeStorageCipher(safeStorage, 'linux', noWait);
    expect(await cipher.isAvailable()).toBe(false);
  });

  it('maps Chromium’s ciphertext tags', () => {
    expect(linuxBackendFromTag('v10', 'gnome_libsecret')).toBe('basic_text');
    expect(linuxBackendFromTag('v11', 'kwallet6')).toBe('kwallet6');
    expect(linuxBackendFromTag('v11', 'basic_text')).toBe('secret_service');
    expect(linuxBackendFromTag('v12', 'gnome_libsecret')).toBe('secret_portal');
  });

  it('macOS and Windows report no backend (the OS keychain / DPAPI)', async () => {
    reset('darwin');
    const cipher = safeStorageCipher(safeStorage, 'darwin', noWait);
    expect(cipher.backend).toBeUndefined();
    expect(await storageStatus(cipher, false)).toMatchObject({ mode: 'keychain', backend: null });
    reset();
  });
});

describe('decryption', () => {
  it('retries a "temporarily unavailable" failure, then succeeds', async () => {
    reset();
    const waits: number[] = [];
    const cipher = safeStorageCipher(safeStorage, 'linux', { retryDelaysMs: [5, 10, 20], sleep: async (ms) => void waits.push(ms) });
    const sealed = await cipher.encrypt('uo_key');
    safeStorage.transientDecryptFailures = 2;
    expect(await cipher.decrypt(sealed)).toMatchObject({ result: 'uo_key' });
    expect(waits).toEqual([5, 10]);
  });

  it('gives up after the retries with a "temporarily unavailable" error, never "re-enter the key"', async () => {
    reset();
    const cipher = safeStorageCipher(safeStorage, 'linux', { retryDelaysMs: [1, 1], sleep: async () => undefined });
    const sealed = await cipher.encrypt('uo_key');
    safeStorage.transientDecryptFailures = 5;
    const before = safeStorage.calls.decrypt;
    await expect(cipher.decrypt(sealed)).rejects.toBeInstanceOf(KeychainTemporarilyUnavailableError);
    expect(safeStorage.calls.decrypt - before).toBe(3);
  });

  it('a real failure (another keychain’s data) is not retried', async () => {
    reset();
    const cipher = safeStorageCipher(safeStorage, 'linux', noWait);
    const sealed = await cipher.encrypt('uo_key');
    safeStorage.resetKeychain();
    const before = safeStorage.calls.decrypt;
    await expect(cipher.decrypt(sealed)).rejects.toThrow('Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.');
    expect(safeStorage.calls.decrypt - before).toBe(1);
  });
});
