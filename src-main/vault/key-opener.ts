// Decrypts a profile's stored key when it is needed. A key the keychain asks to be sealed
// anew is stored again; a key that no longer decrypts marks its profile needs-reentry and
// raises a warning once; a busy keychain (KeychainBusyError) says nothing about the key and
// is passed on. Every key opened is remembered for redaction.
import type { VaultParts } from './parts';
import { KeychainBusyError } from './ports';
import { KeyUnreadableError, openKey, sealKey } from './sealed-key';
import type { SealedKey, StoredProfile } from './stored-schema';

export interface KeyOpener {
  /** The plain key, or null (and the profile marked needs-reentry) when it no longer decrypts. */
  open(profile: StoredProfile): Promise<string | null>;
  /** The key kept after a rotation; throws KeyUnreadableError when it no longer decrypts. */
  openPrevious(previous: SealedKey): Promise<string>;
  /** On opening the vault: finds the keys that no longer decrypt and remembers every key,
   * the kept previous ones too (they still work at the vendor). */
  openAll(): Promise<void>;
}

export type KeyOpenerParts = Pick<VaultParts, 'cipher' | 'records' | 'views' | 'memory' | 'problems'>;

export function createKeyOpener({ cipher, records, views, memory, problems }: KeyOpenerParts): KeyOpener {
  const open = async (profile: StoredProfile): Promise<string | null> => {
    try {
      const { key, reseal } = await openKey(cipher, profile.key);
      memory.remember(key);
      if (reseal) await storeResealed(profile, key);
      return key;
    } catch (error) {
      if (!(error instanceof KeyUnreadableError)) throw error;
      if (views.markUnreadable(profile.name)) {
        problems.raise('warning', `The key for '${profile.name}' can no longer be decrypted (the system keychain changed). Re-enter it from its card on the Keys screen.`);
        views.changed();
      }
      return null;
    }
  };

  /** The keychain rotated its own key: store the key sealed anew (skipped if it changed meanwhile). */
  const storeResealed = async (profile: StoredProfile, key: string) => {
    const sealed = await sealKey(cipher, key, profile.keyPrefix);
    try {
      records.change(profile.name, (p) => ({ ...p, key: sealed }), profile.key.fingerprint);
    } catch {
      // Removed or rotated meanwhile, or the store cannot be written now (records.change throws
      // only VaultErrors): the key opened all the same, and is sealed anew the next time.
    }
  };

  const openPrevious = async (previous: SealedKey) => memory.remember((await openKey(cipher, previous)).key);

  return {
    open,
    openPrevious,
    async openAll() {
      if (!views.encryptionAvailable()) return;
      for (const profile of records.all()) {
        // A busy keychain says nothing about the key: it is tried again when it is needed.
        await open(profile).catch((error: unknown) => {
          if (!(error instanceof KeychainBusyError)) throw error;
        });
        // Stryker disable next-line ConditionalExpression: openPrevious(null) rejects (no ciphertext to read) and is ignored like an unreadable kept key
        if (profile.previous) await openPrevious(profile.previous).catch(() => undefined);
      }
    },
  };
}
