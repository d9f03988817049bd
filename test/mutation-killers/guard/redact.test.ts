// The redactor (src-shared/redact.ts) at its edges: which known values count as keys, every
// written form replaced exactly (not more, not less), pieces of a key at a cut from exactly six
// characters, several cuts in one message, a cut early in a long message, and redactDeep on
// values that are not plain data.
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, REDACTED, keyRedactor, redact, redactDeep } from '../../../src-shared/redact';

const CUSTOM = 'sk-test-custom-secret-123';

describe('known keys', () => {
  it('shorter than four characters are not keys; four are', () => {
    expect(MIN_SECRET_LENGTH).toBe(4);
    expect(redact('a xyz b', ['xyz'])).toBe('a xyz b');
    expect(redact('a wxyz b', ['wxyz'])).toBe(`a ${REDACTED} b`);
    // A short value among real keys does not stop those being redacted.
    expect(redact(`xyz ${CUSTOM}`, ['xyz', CUSTOM])).toBe(`xyz ${REDACTED}`);
  });

  it('are taken from any iterable, each once', () => {
    function* keys() {
      yield CUSTOM;
      yield CUSTOM;
    }
    expect(redact(`got ${CUSTOM}.`, keys())).toBe(`got ${REDACTED}.`);
  });

  it('a key that contains another is redacted whole, however they are given', () => {
    const long = `${CUSTOM}-long`;
    expect(redact(`x ${long} y ${CUSTOM} z`, [CUSTOM, long])).toBe(`x ${REDACTED} y ${REDACTED} z`);
    expect(redact(`x ${long} y`, [long, CUSTOM])).toBe(`x ${REDACTED} y`);
    // Cut short: the longer key's beginning is the piece, whichever key is given first.
    expect(redact(`cut ${long.slice(0, 24)}…`, [CUSTOM, long])).toBe(`cut ${REDACTED}…`);
  });

  it('a cut piece of a longer key whose end begins a shorter key is redacted whole, however they are given', () => {
    const shorter = 'ghijkl-mn-secret';
    const longer = 'aaaaaa-ghijkl-mn-zzzz';
    expect(redact('x aaaaaa-ghijkl… y', [shorter, longer])).toBe(`x ${REDACTED}… y`);
    expect(redact('x aaaaaa-ghijkl… y', [longer, shorter])).toBe(`x ${REDACTED}… y`);
  });
});

describe('written forms', () => {
  const odd = 'sk-test-odd/"quoted"\\+=9';

  it('JSON-escaped once: exactly the key, its quotes kept', () => {
    const once = JSON.stringify({ error: `bad key ${odd}` });
    expect(redact(once, [odd])).toBe(`{"error":"bad key ${REDACTED}"}`);
  });

  it('JSON-escaped twice, and with escaped slashes', () => {
    const twice = JSON.stringify({ detail: JSON.stringify({ error: odd }) });
    expect(redact(twice, [odd])).toBe(`{"detail":"{\\"error\\":\\"${REDACTED}\\"}"}`);
    const slashes = JSON.stringify({ error: odd }).replace(/\//g, '\\/');
    expect(redact(slashes, [odd])).toBe(`{"error":"${REDACTED}"}`);
  });

  it("the longest written form first, even a shorter key's form that holds a longer key", () => {
    const shorter = 'ab""cdefgh';
    // Exactly the beginning of `shorter` JSON-escaped, one character longer than `shorter`.
    const longer = 'ab\\"\\"cdefg';
    expect(longer.length).toBeGreaterThan(shorter.length);
    expect(redact(JSON.stringify({ e: shorter }), [shorter, longer])).toBe(`{"e":"${REDACTED}"}`);
  });

  it('URL-encoded', () => {
    expect(redact(`GET /x?k=${encodeURIComponent(odd)}&y=1`, [odd])).toBe(`GET /x?k=${REDACTED}&y=1`);
  });

  it('a keyRedactor keeps working as keys are added again and anew', () => {
    const keys = keyRedactor();
    keys.add(CUSTOM);
    expect(keys.redact(`a ${CUSTOM}`)).toBe(`a ${REDACTED}`);
    keys.add(CUSTOM);
    keys.add('zz-other-key-77');
    expect(keys.redact(`a ${CUSTOM} b zz-other-key-77`)).toBe(`a ${REDACTED} b ${REDACTED}`);
  });
});

describe('a key cut short', () => {
  it('its beginning at a cut: six characters are a piece, five are not', () => {
    expect(redact(`key ${CUSTOM.slice(0, 6)}… rest`, [CUSTOM])).toBe(`key ${REDACTED}… rest`);
    expect(redact(`key ${CUSTOM.slice(0, 5)}… rest`, [CUSTOM])).toBe(`key ${CUSTOM.slice(0, 5)}… rest`);
    expect(redact(`key ${CUSTOM.slice(0, 6)}`, [CUSTOM])).toBe(`key ${REDACTED}`);
    expect(redact(`key ${CUSTOM.slice(0, 5)}`, [CUSTOM])).toBe(`key ${CUSTOM.slice(0, 5)}`);
    expect(redact(`key ${CUSTOM.slice(0, 24)}...`, [CUSTOM])).toBe(`key ${REDACTED}...`);
  });

  it('its ending after a cut: six characters are a piece, five are not', () => {
    expect(redact(`${CUSTOM.slice(-6)} refused`, [CUSTOM])).toBe(`${REDACTED} refused`);
    expect(redact(`${CUSTOM.slice(-5)} refused`, [CUSTOM])).toBe(`${CUSTOM.slice(-5)} refused`);
    expect(redact(`a…${CUSTOM.slice(-6)} refused`, [CUSTOM])).toBe(`a…${REDACTED} refused`);
    expect(redact(`a…${CUSTOM.slice(-5)} refused`, [CUSTOM])).toBe(`a…${CUSTOM.slice(-5)} refused`);
    expect(redact(`a...${CUSTOM.slice(1)}`, [CUSTOM])).toBe(`a...${REDACTED}`);
  });

  it('only what matches the key: the text around a piece stays', () => {
    expect(redact(`(${CUSTOM.slice(0, 10)}…)`, [CUSTOM])).toBe(`(${REDACTED}…)`);
    expect(redact(`…${CUSTOM.slice(8)}) and`, [CUSTOM])).toBe(`…${REDACTED}) and`);
    expect(redact(`x${CUSTOM.slice(-8)} and`, [CUSTOM])).toBe(`x${CUSTOM.slice(-8)} and`);
  });

  it('several cuts in one message, each redacted where it is', () => {
    const text = `first ${CUSTOM.slice(0, 11)}… then ${CUSTOM.slice(0, 17)}… and …${CUSTOM.slice(-9)} end`;
    expect(redact(text, [CUSTOM])).toBe(`first ${REDACTED}… then ${REDACTED}… and …${REDACTED} end`);
  });

  it('a cut early in a long message', () => {
    const text = `${CUSTOM.slice(0, 11)}… was refused by the vendor this morning, again`;
    expect(redact(text, [CUSTOM])).toBe(`${REDACTED}… was refused by the vendor this morning, again`);
  });

  it('a cut piece and, after it, the same beginning not at a cut: only the cut one', () => {
    const text = `${CUSTOM.slice(0, 23)}… ${CUSTOM.slice(0, 14)}x rest`;
    expect(redact(text, [CUSTOM])).toBe(`${REDACTED}… ${CUSTOM.slice(0, 14)}x rest`);
  });

  it('a masked key of its vendor is not a piece, with either mark', () => {
    expect(redact(`(${CUSTOM.slice(0, 15)}…${CUSTOM.slice(-4)})`, [CUSTOM])).toBe(`(${CUSTOM.slice(0, 15)}…${CUSTOM.slice(-4)})`);
    expect(redact(`(${CUSTOM.slice(0, 15)}...${CUSTOM.slice(-4)})`, [CUSTOM])).toBe(`(${CUSTOM.slice(0, 15)}...${CUSTOM.slice(-4)})`);
    // A cut followed by other text is a cut.
    expect(redact(`(${CUSTOM.slice(0, 15)}…abcd)`, [CUSTOM])).toBe(`(${REDACTED}…abcd)`);
  });
});

describe('redactDeep', () => {
  const key = 'sk-test-custom-deep-4567';
  const r = (text: string) => redact(text, [key]);

  it('redacts keys of objects, and objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { text: key });
    expect(redactDeep({ [key]: 1, bare }, r)).toEqual({ [REDACTED]: 1, bare: { text: REDACTED } });
  });

  it('leaves undefined, numbers, functions and class instances as they were', () => {
    const when = new Date(0);
    const map = new Map([[key, key]]);
    const fn = () => key;
    const out = redactDeep({ a: undefined, n: 3, b: true, fn, when, map, list: [undefined, key] }, r);
    expect(out).toEqual({ a: undefined, n: 3, b: true, fn, when, map, list: [undefined, REDACTED] });
    expect(out.when).toBe(when);
    expect(out.map).toBe(map);
    expect(redactDeep(undefined, r)).toBeUndefined();
    expect(redactDeep(null, r)).toBeNull();
  });
});
