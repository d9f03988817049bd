// Key checks (src-shared/key-format.ts) at their edges: three layers of pasted wrapping and no
// more, every refusal's exact words, the length limits to the character, the JWT rule only for
// UptimeObserver, and masks that show four characters only of a key long enough.
import { describe, expect, it } from 'vitest';
import { checkKey, detectVendor, maskKey, normalizeKey } from '../../../src-shared/key-format';

const UO = 'uo_test_4f1c2a9d8e7b6c5a9f3a';
const UM = 'umk_live_test0a1b2c3d4e5f6789';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlX3Rlc3Q';

describe('normalizeKey', () => {
  it('strips three layers of wrapping, with spaces inside each', () => {
    expect(normalizeKey(`  " ' \` Bearer ${UO} \` ' "  `)).toBe(UO);
    expect(normalizeKey(`\t' Authorization: Bearer ${UO} '\n`)).toBe(UO);
    expect(normalizeKey(`"X-API-Key= ${UO}"`)).toBe(UO);
  });

  it('and no more than three', () => {
    expect(normalizeKey(`"'\`"${UO}"\`'"`)).toBe(`"${UO}"`);
    expect(normalizeKey(`"'\`Bearer Bearer ${UO}\`'"`)).toBe(`Bearer ${UO}`);
  });

  it('leaves unmatched quotes and a word that only starts like a prefix', () => {
    expect(normalizeKey(`"${UO}'`)).toBe(`"${UO}'`);
    expect(normalizeKey(`bearer${UO}`)).toBe(`bearer${UO}`);
  });
});

describe('detectVendor', () => {
  it('reads the prefix of the normalized key', () => {
    expect(detectVendor(` "Bearer ${UM}" `)).toBe('uptimemonitoring');
    expect(detectVendor(`'${UO}'`)).toBe('uptimeobserver');
    expect(detectVendor(`x${UO}`)).toBeNull();
    expect(detectVendor('')).toBeNull();
  });
});

describe('checkKey refuses, in so many words', () => {
  it('nothing pasted', () => {
    expect(checkKey(' "" ', 'custom')).toEqual({ ok: false, message: 'Paste the API key.' });
  });

  it('control characters, from NUL to unit separator, and DEL', () => {
    const control = { ok: false, message: 'The key contains control characters; copy it again from the dashboard.' };
    for (const c of ['\u0000', '\u0001', '\u001e', '\u001f', '\u007f']) expect(checkKey(`uo_test_abc${c}def12345`, 'uptimeobserver')).toEqual(control);
    // Just past them: not control characters.
    expect(checkKey('uo_test_abc\u0080def12345', 'uptimeobserver')).toEqual({ ok: true, key: 'uo_test_abc\u0080def12345' });
    expect(checkKey('uo_test_abc~def12345', 'uptimeobserver')).toEqual({ ok: true, key: 'uo_test_abc~def12345' });
  });

  it('spaces and line breaks inside', () => {
    const spaces = { ok: false, message: 'The key contains spaces or line breaks; copy it again as one piece.' };
    expect(checkKey('uo_test_abc def12345', 'uptimeobserver')).toEqual(spaces);
    expect(checkKey('uo_test_abc\u00a0def12345', 'uptimeobserver')).toEqual(spaces);
  });

  it('more than 4096 characters; 4096 are fine', () => {
    const longest = `uo_${'a'.repeat(4093)}`;
    expect(checkKey(longest, 'uptimeobserver')).toEqual({ ok: true, key: longest });
    expect(checkKey(`${longest}a`, 'uptimeobserver')).toEqual({ ok: false, message: 'That is too long to be an API key.' });
  });

  it('a JWT only where UptimeObserver is asked for', () => {
    expect(checkKey(JWT, 'uptimeobserver')).toEqual({ ok: false, message: 'JWT tokens are not accepted on the MCP endpoint; create an MCP API key (uo_…).' });
    expect(checkKey(JWT, 'uptimemonitoring')).toEqual({ ok: false, message: 'UptimeMonitoring keys start with umk_live_.' });
    expect(checkKey(JWT, 'custom')).toEqual({ ok: true, key: JWT });
  });

  it("another vendor's prefix, naming the vendor it looks like; none when it looks like none", () => {
    expect(checkKey(UO, 'uptimemonitoring')).toEqual({ ok: false, message: 'UptimeMonitoring keys start with umk_live_. It looks like a UptimeObserver key.' });
    expect(checkKey('sk_test_1234567890', 'uptimeobserver')).toEqual({ ok: false, message: 'UptimeObserver keys start with uo_.' });
    expect(checkKey(UO, 'custom', 'pk_')).toEqual({ ok: false, message: 'Custom MCP server keys start with pk_. It looks like a UptimeObserver key.' });
    expect(checkKey('sk_test_1234567890', 'custom', 'pk_')).toEqual({ ok: false, message: 'Custom MCP server keys start with pk_.' });
  });

  it('fewer than eight characters after the prefix; eight are enough', () => {
    const short = { ok: false, message: 'That key is too short; copy the whole key.' };
    expect(checkKey('uo_12345678', 'uptimeobserver')).toEqual({ ok: true, key: 'uo_12345678' });
    expect(checkKey('uo_1234567', 'uptimeobserver')).toEqual(short);
    expect(checkKey('pk_12345678', 'custom', 'pk_')).toEqual({ ok: true, key: 'pk_12345678' });
    expect(checkKey('pk_1234567', 'custom', 'pk_')).toEqual(short);
    expect(checkKey('12345678', 'custom')).toEqual({ ok: true, key: '12345678' });
    expect(checkKey('1234567', 'custom')).toEqual(short);
    expect(checkKey('1234567', 'custom', '')).toEqual(short);
    expect(checkKey('12345678', 'custom', '')).toEqual({ ok: true, key: '12345678' });
  });
});

describe('maskKey', () => {
  it('shows the last four only of a key with eight characters or more after its prefix', () => {
    expect(maskKey('uo_12345678')).toBe('uo_…5678');
    expect(maskKey('uo_1234567')).toBe('uo_…');
    expect(maskKey('pk_abcdefgh', 'pk_')).toBe('pk_…efgh');
    expect(maskKey('pk_abcdefg', 'pk_')).toBe('pk_…');
    expect(maskKey('abcdefgh')).toBe('…efgh');
    expect(maskKey('abcdefg')).toBe('…');
  });

  it('takes no "null" or "undefined" for a prefix', () => {
    expect(maskKey('nullsecretvalue1234', null)).toBe('…1234');
    expect(maskKey('undefinedsecret1234')).toBe('…1234');
    expect(maskKey('undefinedsecret1234', undefined)).toBe('…1234');
  });
});
