import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactDeep } from '../../src-shared/redact';

describe('redact', () => {
  it('redacts vendor-shaped keys, bearer and X-API-Key values', () => {
    const line = 'sent uo_test_abcdef123 with Authorization: Bearer sk-custom-1 and {"X-API-Key":"abc123"} umk_live_test99';
    const out = redact(line);
    expect(out).not.toContain('uo_test_abcdef123');
    expect(out).not.toContain('sk-custom-1');
    expect(out).not.toContain('abc123');
    expect(out).not.toContain('umk_live_test99');
    expect(out).toContain(`Bearer ${REDACTED}`);
  });

  it('redacts a known custom key wherever it appears', () => {
    expect(redact('the key zz-secret-value-9 leaked', ['zz-secret-value-9'])).toBe(`the key ${REDACTED} leaked`);
  });

  it('leaves ordinary words alone', () => {
    expect(redact('duo_mode and bearer-less text')).toBe('duo_mode and bearer-less text');
  });
});

describe('redact with the keys the caller holds', () => {
  const CUSTOM = 'sk-test-custom-secret-123';

  it('redacts a custom key with no known prefix, wherever and however often it appears', () => {
    const out = redact(`401 invalid credentials: ${CUSTOM} (got ${CUSTOM})`, [CUSTOM]);
    expect(out).toBe(`401 invalid credentials: ${REDACTED} (got ${REDACTED})`);
  });

  it('redacts the key JSON-escaped (once and twice) and URL-encoded', () => {
    const odd = 'sk-test-custom/"quoted"\\+=9';
    const once = JSON.stringify({ error: `bad key ${odd}` });
    const twice = JSON.stringify({ detail: once });
    for (const text of [once, twice, `https://x.example/?k=${encodeURIComponent(odd)}`, once.replace(/\//g, '\\/')]) {
      const out = redact(text, [odd]);
      expect(out).toContain(REDACTED);
      expect(out).not.toContain('quoted');
    }
  });

  it('redacts the piece of a key left where a message was cut short', () => {
    // vendor-errors.ts shortens bodies to 300 characters and ends them with "…".
    const cutAtEnd = `KeyBridge: the vendor rejected the key (401 invalid key ${CUSTOM.slice(0, 14)}…). Rotate it.`;
    expect(redact(cutAtEnd, [CUSTOM])).toBe(`KeyBridge: the vendor rejected the key (401 invalid key ${REDACTED}…). Rotate it.`);
    expect(redact(`stderr tail: ${CUSTOM.slice(0, 12)}`, [CUSTOM])).toBe(`stderr tail: ${REDACTED}`);
    // A tail kept from a longer text may start inside a key.
    expect(redact(`${CUSTOM.slice(9)} was refused`, [CUSTOM])).toBe(`${REDACTED} was refused`);
    expect(redact(`...${CUSTOM.slice(5)} was refused`, [CUSTOM])).toBe(`...${REDACTED} was refused`);
  });

  it('leaves a masked key, short pieces and unrelated text alone', () => {
    expect(redact(`Added 'x' (sk-test-custom-…-123).`, [CUSTOM])).toBe(`Added 'x' (sk-test-custom-…-123).`);
    // Another key of the same shape does not take the mask for a cut-off piece of itself.
    const other = 'sk-test-custom-other-999';
    expect(redact(`Old key sk-test-custom-…-123, new key sk-test-custom-…-999.`, [CUSTOM, other])).toBe(`Old key sk-test-custom-…-123, new key sk-test-custom-…-999.`);
    expect(redact('the word sk-te…', [CUSTOM])).toBe('the word sk-te…');
    expect(redact('nothing secret here', [CUSTOM])).toBe('nothing secret here');
  });

  it('redacts a key that contains another key whole', () => {
    expect(redact('x sk-test-custom-secret-123-long y', [CUSTOM, `${CUSTOM}-long`])).toBe(`x ${REDACTED} y`);
  });
});

describe('redactDeep', () => {
  it('redacts every string in arrays and plain objects and leaves the rest as it was', () => {
    const key = 'sk-test-custom-deep-4567';
    const value = { ok: false, status: 401, message: `bad ${key}`, nested: [{ text: key }, 3, null], at: '2026-11-23' };
    const out = redactDeep(value, (text) => redact(text, [key]));
    expect(out).toEqual({ ok: false, status: 401, message: `bad ${REDACTED}`, nested: [{ text: REDACTED }, 3, null], at: '2026-11-23' });
    expect(value.message).toBe(`bad ${key}`);
  });
});
