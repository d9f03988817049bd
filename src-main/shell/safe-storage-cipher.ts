// The vault's Cipher backed by Electron's safeStorage (the async API of Electron 45).
//
// Honest storage status: on Linux, getSelectedStorageBackend() is the *sync* path's pick; the
// async encryptor chooses its own key provider and, when no keyring answers, falls back to
// Chromium's built-in key (PBKDF2 of the public password "peanuts") — while the sync pick may
// still say 'gnome_libsecret'. Which key the async encryptor really uses shows in what it
// writes: Chromium tags its ciphertext with the provider's prefix, and on Linux 'v10' is the
// built-in key (os_crypt_async's PosixKeyProvider; the Secret Service provider writes 'v11',
// the Secret portal 'v12'). So the cipher encrypts one probe string, reads the tag, and
// reports 'basic_text' — refused, or allowed only as the user's explicit "weaker storage" —
// when the keyring is not really in use, whatever the sync pick said.
//
// A decryption that Electron reports as "temporarily unavailable" (the keychain did not answer
// this time) is retried a few times before it fails; only a real failure means the key is lost.
import type { SafeStorage } from 'electron';
import { KeychainBusyError, type Cipher } from '../vault/ports';

const PROBE_TEXT = 'keybridge storage check';
/** Linux backends the vault treats as a real keyring; anything else is reported as it is. */
const KEYRING_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

export const DEFAULT_DECRYPT_RETRY_DELAYS_MS: readonly number[] = [100, 400, 1500];

export function isTemporarilyUnavailable(error: unknown): boolean {
  return error instanceof Error && /temporarily unavailable/i.test(error.message);
}

/** Thrown once the retries are spent; the vault reports it as "locked, try again", never as a
 * key to re-enter. */
export class KeychainTemporarilyUnavailableError extends KeychainBusyError {
  constructor() {
    super();
    this.name = 'KeychainTemporarilyUnavailableError';
  }
}

/** What the probe showed about the async encryptor's key on Linux. */
export function linuxBackendFromTag(tag: string, syncPick: string): string {
  if (tag === 'v10') return 'basic_text';
  if (tag === 'v11') return KEYRING_BACKENDS.has(syncPick) ? syncPick : 'secret_service';
  if (tag === 'v12') return 'secret_portal';
  return syncPick;
}

export interface SafeStorageCipherOptions {
  /** Waits before each retry of a temporarily unavailable decryption. */
  retryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

type SafeStorageApi = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

export function safeStorageCipher(safeStorage: SafeStorageApi, platform: NodeJS.Platform, options: SafeStorageCipherOptions = {}): Cipher {
  const delays = options.retryDelaysMs ?? DEFAULT_DECRYPT_RETRY_DELAYS_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  // The async encryptor is fixed for the life of the process once it has a key: probe once.
  let probed: { tag: string } | null = null;
  let probing: Promise<boolean> | null = null;
  const probe = (): Promise<boolean> => {
    if (probed) return Promise.resolve(true);
    probing ??= safeStorage
      .encryptStringAsync(PROBE_TEXT)
      .then((sample) => {
        probed = { tag: Buffer.from(sample).subarray(0, 3).toString('latin1') };
        return true;
      })
      // No key at all (keychain access denied, nothing to fall back to): encryption fails.
      .catch(() => false)
      .finally(() => {
        probing = null;
      });
    return probing;
  };

  return {
    isAvailable: async () => (await safeStorage.isAsyncEncryptionAvailable()) && (await probe()),
    ...(platform === 'linux'
      ? {
          backend: () => {
            const syncPick = safeStorage.getSelectedStorageBackend();
            return probed ? linuxBackendFromTag(probed.tag, syncPick) : syncPick;
          },
        }
      : {}),
    encrypt: (plain) => safeStorage.encryptStringAsync(plain),
    async decrypt(encrypted) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await safeStorage.decryptStringAsync(encrypted);
        } catch (error) {
          if (!isTemporarilyUnavailable(error)) throw error;
          const delay = delays[attempt];
          if (delay === undefined) throw new KeychainTemporarilyUnavailableError();
          await sleep(delay);
        }
      }
    },
  };
}
