// What the vault needs from its host, as interfaces: the app passes Electron's safeStorage
// and electron-store, tests pass a test cipher and `conf` in a temp dir, and an injected
// clock makes grace windows testable.
import { join } from 'node:path';
import { UserError } from '../../src-shared/user-error';

/** The keychain did not answer this time (locked, busy); the key is fine: try again later. The
 * shell's safeStorage cipher throws it once its own retries are spent. */
export class KeychainBusyError extends UserError {
  constructor(message = 'The system keychain did not answer (temporarily unavailable). Unlock it, then try again.') {
    super(message);
    this.name = 'KeychainBusyError';
  }
}

/** Encryption by the OS keychain. Shaped like Electron's async safeStorage API, so the
 * shell's adapter is one line per member. */
export interface Cipher {
  /** safeStorage.isAsyncEncryptionAvailable(). */
  isAvailable(): Promise<boolean> | boolean;
  /** Linux only: safeStorage.getSelectedStorageBackend() ('basic_text', 'gnome_libsecret', …). */
  backend?(): string;
  /** safeStorage.encryptStringAsync(plain). */
  encrypt(plain: string): Promise<Buffer>;
  /** safeStorage.decryptStringAsync(encrypted); rejects when the data no longer decrypts. */
  decrypt(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt?: boolean }>;
}

/** One JSON document on disk: electron-store / conf, whose `store` property reads and
 * writes the whole file (atomically). */
export interface KeyValueStore {
  get store(): Record<string, unknown>;
  set store(value: Record<string, unknown>);
}

/** How the vault opens its store. `open` may throw when the file is unreadable or not JSON;
 * the vault then moves `path` aside and opens again. */
export interface StoreBackend {
  /** The file the document lives in. */
  readonly path: string;
  open(): KeyValueStore;
}

/** The store's file name without `.json`: electron-store's `name`, conf's `configName`. */
export const VAULT_STORE_NAME = 'keybridge-vault';

/** Options electron-store (app) and conf (tests) must be given, next to the name and `cwd`. */
export const VAULT_STORE_FILE_OPTIONS = {
  /** Owner-only, from the first write on. */
  configFileMode: 0o600,
  /** Never wipe an unreadable file: the vault moves it aside itself. */
  clearInvalidConfig: false,
  watch: false,
} as const;

/** Where the store lives in `dir` (electron-store: app.getPath('userData')). */
export function vaultStorePath(dir: string): string {
  return join(dir, `${VAULT_STORE_NAME}.json`);
}

export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending grace-window wipe must not keep the process alive on its own.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The clock's now as an ISO 8601 string, the form every stored date takes. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
