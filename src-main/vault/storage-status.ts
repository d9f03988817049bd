// Whether keys may be stored: only with OS encryption, unless the user explicitly allowed
// weaker storage (Linux without a keyring falls back to 'basic_text', a built-in password).
import type { StorageStatus } from '../../src-shared/ipc-contract';
import type { Cipher } from './ports';
import { VaultError } from './vault-error';

/** Whether the keychain can encrypt and decrypt now; a keychain that throws cannot. */
export async function cipherAvailable(cipher: Cipher): Promise<boolean> {
  try {
    return await cipher.isAvailable();
  } catch {
    return false;
  }
}

/** Throws a VaultError that says why when no key may be stored now. */
export async function requireStorage(cipher: Cipher, allowWeakStorage: boolean): Promise<void> {
  const status = await storageStatus(cipher, allowWeakStorage);
  if (status.mode === 'unavailable') throw new VaultError(status.explanation);
}

export async function storageStatus(cipher: Cipher, allowWeakStorage: boolean): Promise<StorageStatus> {
  const available = await cipherAvailable(cipher);
  const backend = cipher.backend?.() ?? null;
  if (!available) {
    return {
      mode: 'unavailable',
      backend,
      explanation:
        "The system keychain is not available, so KeyBridge cannot encrypt keys and won't store any. Unlock or set up your keychain, then try again.",
    };
  }
  if (backend === 'basic_text') {
    return allowWeakStorage
      ? {
          mode: 'weak',
          backend,
          explanation:
            'No system keyring (GNOME Keyring, KWallet) was found: keys are encrypted with a built-in password, so anyone who can read your files can decrypt them. You allowed this in Settings.',
        }
      : {
          mode: 'unavailable',
          backend,
          explanation:
            'No system keyring (GNOME Keyring, KWallet) was found: keys could only be encrypted with a built-in password, so anyone who can read your files could decrypt them. Install or unlock a keyring, or allow weaker storage in Settings.',
        };
  }
  return { mode: 'keychain', backend, explanation: 'Keys are encrypted by your system keychain.' };
}
