// A key as the vault keeps it: ciphertext (base64) from the cipher, plus the masked form and
// fingerprint that are all anyone outside the vault sees.
import { keyFingerprint } from '../upstream/key-fingerprint';
import { maskKey } from '../../src-shared/key-format';
import { KeychainBusyError, type Cipher } from './ports';
import type { SealedKey } from './stored-schema';
import { UserError } from '../../src-shared/user-error';


export async function sealKey(cipher: Cipher, key: string, customPrefix: string | null): Promise<SealedKey> {
  const encrypted = await cipher.encrypt(key);
  return { ciphertext: Buffer.from(encrypted).toString('base64'), masked: maskKey(key, customPrefix), fingerprint: keyFingerprint(key) };
}

export class KeyUnreadableError extends UserError {
  constructor() {
    // Stryker disable next-line StringLiteral: never leaves the vault; key-opener, rollback and confirmRevoked each turn it into their own words
    super('The stored key can no longer be decrypted (the system keychain changed). Re-enter the key.');
  }
}

/** The plain key, and whether the cipher asks for it to be encrypted again (key rotated). */
export async function openKey(cipher: Cipher, sealed: SealedKey): Promise<{ key: string; reseal: boolean }> {
  let opened: { result: string; shouldReEncrypt?: boolean };
  try {
    opened = await cipher.decrypt(Buffer.from(sealed.ciphertext, 'base64'));
  } catch (error) {
    // A keychain that is only busy leaves the key as it is: not a reason to re-enter it.
    if (error instanceof KeychainBusyError) throw error;
    throw new KeyUnreadableError();
  }
  // A keychain that decrypts to something else is as broken as one that throws.
  if (keyFingerprint(opened.result) !== sealed.fingerprint) throw new KeyUnreadableError();
  return { key: opened.result, reseal: opened.shouldReEncrypt === true };
}
