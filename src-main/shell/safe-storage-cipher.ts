// The vault's Cipher backed by Electron's safeStorage (the async API of Electron 45), with the
// Linux backend exposed so the vault can refuse 'basic_text' (a hard-coded password, no
// keychain) unless the user allowed weaker storage.
import type { SafeStorage } from 'electron';
import type { Cipher } from '../vault/ports';

export function safeStorageCipher(safeStorage: SafeStorage, platform: NodeJS.Platform): Cipher {
  return {
    isAvailable: () => safeStorage.isAsyncEncryptionAvailable(),
    ...(platform === 'linux' ? { backend: () => safeStorage.getSelectedStorageBackend() } : {}),
    encrypt: (plain) => safeStorage.encryptStringAsync(plain),
    decrypt: (encrypted) => safeStorage.decryptStringAsync(encrypted),
  };
}
