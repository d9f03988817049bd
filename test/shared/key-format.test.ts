import { describe, expect, it } from 'vitest';
import { checkKey, detectVendor, isJwt, maskKey, normalizeKey } from '../../src-shared/key-format';

const UO = 'uo_test_4f1c2a9d8e7b6c5a9f3a';
const UM = 'umk_live_test0a1b2c3d4e5f6789';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlX3Rlc3Q';

describe('normalizeKey', () => {
  it.each([
    [`  ${UO}\n`, UO],
    [`"${UO}"`, UO],
    [`'${UO}'`, UO],
    [`Bearer ${UM}`, UM],
    [`Authorization: Bearer ${UM}`, UM],
    [`X-API-Key: ${UO}`, UO],
    [`x-api-key=${UO}`, UO],
    [`"Bearer ${UM}"`, UM],
  ])('strips what people paste around a key: %j', (raw, expected) => {
    expect(normalizeKey(raw)).toBe(expected);
  });
});

describe('checkKey', () => {
  it('accepts a key of the right vendor, normalized', () => {
    expect(checkKey(` Bearer ${UM} `, 'uptimemonitoring')).toEqual({ ok: true, key: UM });
    expect(checkKey(UO, 'uptimeobserver')).toEqual({ ok: true, key: UO });
  });

  it('refuses inner whitespace and control characters', () => {
    expect(checkKey('uo_test_abc def12345', 'uptimeobserver')).toMatchObject({ ok: false, message: expect.stringContaining('spaces') });
    expect(checkKey('uo_test_abc\u0007def12345', 'uptimeobserver')).toMatchObject({ ok: false, message: expect.stringContaining('control') });
  });

  it('says which vendor a mismatched key looks like', () => {
    const result = checkKey(UM, 'uptimeobserver');
    expect(result).toEqual({ ok: false, message: 'UptimeObserver keys start with uo_. It looks like a UptimeMonitoring key.' });
  });

  it('refuses a JWT for UptimeObserver with the vendor rule', () => {
    expect(checkKey(JWT, 'uptimeobserver')).toEqual({
      ok: false,
      message: 'JWT tokens are not accepted on the MCP endpoint; create an MCP API key (uo_…).',
    });
  });

  it('checks a custom prefix only when one is set', () => {
    expect(checkKey('sk_test_1234567890', 'custom')).toEqual({ ok: true, key: 'sk_test_1234567890' });
    expect(checkKey('sk_test_1234567890', 'custom', 'pk_')).toMatchObject({ ok: false });
  });

  it('refuses empty and too short keys', () => {
    expect(checkKey('   ', 'uptimeobserver')).toMatchObject({ ok: false, message: 'Paste the API key.' });
    expect(checkKey('uo_abc', 'uptimeobserver')).toMatchObject({ ok: false, message: expect.stringContaining('too short') });
  });
});

describe('detection and masking', () => {
  it('detects the vendor from the prefix', () => {
    expect(detectVendor(UO)).toBe('uptimeobserver');
    expect(detectVendor(UM)).toBe('uptimemonitoring');
    expect(detectVendor('sk_test_123')).toBeNull();
    expect(isJwt(JWT)).toBe(true);
    expect(isJwt(UO)).toBe(false);
  });

  it('masks as prefix + last 4 and never reveals short keys', () => {
    expect(maskKey(UO)).toBe('uo_…9f3a');
    expect(maskKey(UM)).toBe('umk_live_…6789');
    expect(maskKey('uo_1234')).toBe('uo_…');
    expect(maskKey('plainsecret12345')).toBe('…2345');
  });
});
