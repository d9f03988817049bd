// Checks on a key as a person pastes it, with messages a person understands. Pure string
// work: hashing (the fingerprint) happens in main.
import { KEY_PREFIXES } from './key-prefixes';
import { VENDORS, type VendorId } from './vendors';

export type KeyCheck = { ok: true; key: string } | { ok: false; message: string };

const QUOTES = /^(["'`])([\s\S]*)\1$/;
const PASTED_PREFIX = /^(?:authorization\s*:\s*)?bearer\s+|^x-api-key\s*[:=]\s*/i;
const JWT = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Strips what people paste around a key: whitespace, quotes, a `Bearer ` or `X-API-Key:` prefix. */
export function normalizeKey(raw: string): string {
  let key = raw.trim();
  // Up to three layers (e.g. "Bearer '<key>'"); once nothing is left to strip, a layer changes nothing.
  // PASTED_PREFIX takes the whitespace after the prefix with it.
  for (let i = 0; i < 3; i++) key = key.replace(QUOTES, '$2').trim().replace(PASTED_PREFIX, '');
  return key;
}

export function isJwt(key: string): boolean {
  return JWT.test(key);
}

/** The vendor whose prefix the key carries, if any. */
export function detectVendor(key: string): Exclude<VendorId, 'custom'> | null {
  const k = normalizeKey(key);
  if (k.startsWith(KEY_PREFIXES.uptimemonitoring)) return 'uptimemonitoring';
  if (k.startsWith(KEY_PREFIXES.uptimeobserver)) return 'uptimeobserver';
  return null;
}

/** Normalizes and checks a key for a vendor (and, for custom profiles, an optional prefix). */
export function checkKey(raw: string, vendor: VendorId, customPrefix?: string | null): KeyCheck {
  const key = normalizeKey(raw);
  if (key.length === 0) return { ok: false, message: 'Paste the API key.' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return { ok: false, message: 'The key contains control characters; copy it again from the dashboard.' };
  if (/\s/.test(key)) return { ok: false, message: 'The key contains spaces or line breaks; copy it again as one piece.' };
  if (key.length > 4096) return { ok: false, message: 'That is too long to be an API key.' };
  if (vendor === 'uptimeobserver' && isJwt(key)) {
    return { ok: false, message: 'JWT tokens are not accepted on the MCP endpoint; create an MCP API key (uo_…).' };
  }
  const expected = vendor === 'custom' ? customPrefix || null : VENDORS[vendor].keyPrefix;
  if (expected && !key.startsWith(expected)) {
    const looksLike = detectVendor(key);
    // Never the vendor asked for: a key of its own would have started with `expected`.
    const hint = looksLike ? ` It looks like a ${VENDORS[looksLike].label} key.` : '';
    return { ok: false, message: `${VENDORS[vendor].label} keys start with ${expected}.${hint}` };
  }
  if (key.length < (expected?.length ?? 0) + 8) return { ok: false, message: 'That key is too short; copy the whole key.' };
  return { ok: true, key };
}

/** A key as it may be shown: its prefix and last 4 characters, e.g. `uo_…9f3a`. */
export function maskKey(key: string, customPrefix?: string | null): string {
  const prefix =
    [VENDORS.uptimemonitoring.keyPrefix, VENDORS.uptimeobserver.keyPrefix, customPrefix].find(
      (p): p is string => !!p && key.startsWith(p),
    ) ?? '';
  if (key.length - prefix.length < 8) return `${prefix}…`;
  return `${prefix}…${key.slice(-4)}`;
}
