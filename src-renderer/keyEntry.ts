// A key the user is entering: typed (or pasted) into the field, or read from the clipboard by
// main (then the page only ever sees its masked form and fingerprint).
import type { KeySource, PastedKey } from '../src-shared/ipc-contract';
import { checkKey, detectVendor } from '../src-shared/key-format';
import { VENDORS, type VendorId } from '../src-shared/vendors';

export type KeyEntry = { kind: 'empty' } | { kind: 'typed'; value: string } | { kind: 'clipboard'; pasted: PastedKey };

export const EMPTY_KEY: KeyEntry = { kind: 'empty' };

export function entryVendor(entry: KeyEntry): Exclude<VendorId, 'custom'> | null {
  if (entry.kind === 'typed') return detectVendor(entry.value);
  if (entry.kind === 'clipboard') {
    const vendor = entry.pasted.detectedVendor;
    return vendor === 'custom' ? null : vendor;
  }
  return null;
}

/** What is wrong with the key for this vendor, or null when it may be sent. */
export function entryProblem(entry: KeyEntry, vendor: VendorId, customPrefix: string | null): string | null {
  if (entry.kind === 'empty') return 'Paste the API key.';
  if (entry.kind === 'clipboard') {
    if (entry.pasted.problem) return entry.pasted.problem;
    const detected = entryVendor(entry);
    return vendor !== 'custom' && detected !== vendor ? prefixProblem(vendor, detected) : null;
  }
  const check = checkKey(entry.value, vendor, customPrefix);
  return check.ok ? null : check.message;
}

// The same words checkKey uses for a typed key, for a key main read from the clipboard.
function prefixProblem(vendor: Exclude<VendorId, 'custom'>, detected: VendorId | null): string {
  const hint = detected ? ` It looks like a ${VENDORS[detected].label} key.` : '';
  return `${VENDORS[vendor].label} keys start with ${VENDORS[vendor].keyPrefix ?? ''}.${hint}`;
}

export function toKeySource(entry: KeyEntry): KeySource | null {
  if (entry.kind === 'typed') return { source: 'typed', key: entry.value };
  if (entry.kind === 'clipboard') return { source: 'clipboard', fingerprint: entry.pasted.fingerprint };
  return null;
}
