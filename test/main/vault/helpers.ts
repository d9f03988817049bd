// Real parts for vault and agent tests: an AES-GCM test cipher standing in for safeStorage
// (its key can be "reset" like a wiped keychain), conf in a temp dir as the store, and a
// manual clock for grace windows.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { VAULT_STORE_FILE_OPTIONS, VAULT_STORE_NAME, vaultStorePath, type Cipher, type Clock, type StoreBackend } from '../../../src-main/vault';

export interface TestCipher extends Cipher {
  available: boolean;
  backendName: string | undefined;
  /** A new keychain secret: everything encrypted before no longer decrypts. */
  resetKeychain(): void;
  encryptCalls: number;
  /** Answer decrypts with shouldReEncrypt (the keychain rotated its own key). */
  askReEncrypt: boolean;
}

export function createTestCipher(options: { available?: boolean; backend?: string } = {}): TestCipher {
  let secret = randomBytes(32);
  const cipher: TestCipher = {
    available: options.available ?? true,
    backendName: options.backend,
    encryptCalls: 0,
    askReEncrypt: false,
    isAvailable: async () => cipher.available,
    backend: () => cipher.backendName ?? 'gnome_libsecret',
    async encrypt(plain) {
      if (!cipher.available) throw new Error('Encryption is not available.');
      cipher.encryptCalls++;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    async decrypt(encrypted) {
      if (!cipher.available) throw new Error('Decryption is not available.');
      const d = createDecipheriv('aes-256-gcm', secret, encrypted.subarray(0, 12));
      d.setAuthTag(encrypted.subarray(12, 28));
      const result = Buffer.concat([d.update(encrypted.subarray(28)), d.final()]).toString('utf8');
      return { result, shouldReEncrypt: cipher.askReEncrypt };
    },
    resetKeychain() {
      secret = randomBytes(32);
    },
  };
  return cipher;
}

export function confBackend(dir: string): StoreBackend {
  return {
    path: vaultStorePath(dir),
    open: () => new Conf<Record<string, unknown>>({ cwd: dir, configName: VAULT_STORE_NAME, ...VAULT_STORE_FILE_OPTIONS }),
  };
}

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

/** Time stands still until advance(); timers fire in order when their time comes. */
export function createManualClock(start = Date.parse('2026-11-23T10:00:00.000Z')): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

export async function makeTempDir(prefix = 'kb-vault-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
