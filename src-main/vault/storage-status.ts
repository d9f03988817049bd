// Whether keys may be stored: only with OS encryption, unless the user explicitly allowed
// weaker storage (Linux without a keyring falls back to 'basic_text', a built-in password).
import type { StorageStatus } from '../../src-shared/ipc-contract';
import type { Cipher } from './ports';

export async function storageStatus(cipher: Cipher, allowWeakStorage: boolean): Promise<StorageStatus> {
  let available: boolean;
  try {
    available = await cipher.isAvailable();
  } catch {
    available = false;
  }
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
