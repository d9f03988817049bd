import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from '../../src-shared/redact';

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
