// The paste button's flow: main reads the clipboard itself, so the key never passes through
// the renderer. Paste answers what the key looks like (masked, fingerprint, vendor, problem);
// add/rotate with {source:'clipboard', fingerprint} read the clipboard again and go ahead only
// if it still holds the same key.
import type { KeySource, PastedKey } from '../../src-shared/ipc-contract';
import { checkKey, detectVendor, maskKey, normalizeKey } from '../../src-shared/key-format';
import { keyFingerprint } from '../upstream/key-fingerprint';
import { UserError } from '../../src-shared/user-error';

/** Electron 45's clipboard is asynchronous (readText/writeText return promises). */
export interface ClipboardText {
  readText(): Promise<string> | string;
  writeText(text: string): Promise<void> | void;
}

export function inspectPastedKey(raw: string): PastedKey {
  const key = normalizeKey(raw);
  const detected = detectVendor(key);
  const check = checkKey(key, detected ?? 'custom');
  return {
    masked: key ? maskKey(key) : '',
    fingerprint: key ? keyFingerprint(key) : '',
    detectedVendor: detected,
    problem: check.ok ? null : check.message,
  };
}

/** The raw key a request names: typed, or the clipboard's content if it matches the fingerprint. */
export async function resolveKeySource(source: KeySource, clipboard: ClipboardText): Promise<string> {
  if (source.source === 'typed') return source.key;
  const key = normalizeKey(await clipboard.readText());
  if (!key || keyFingerprint(key) !== source.fingerprint) {
    throw new UserError('The clipboard no longer holds the key you pasted. Copy the key again and paste it.');
  }
  return key;
}
