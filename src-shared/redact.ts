// The redactor every log line and outbound message goes through: vendor-shaped keys, bearer
// values, X-API-Key values and any key the caller knows become [redacted].
//
// Prefixes alone are not enough: a custom key (any shape) that a server echoes in an error
// body carries no known prefix. Callers that hold keys (the vault, the headless agent) pass
// them as `known`; each is redacted as written, JSON-escaped (once or twice: a body quoted in
// a message quoted again), URL-encoded, and where a message was cut short ("…" or the end of
// the text) in the middle of it.

import { vendorKeyPattern } from './key-prefixes';

export const REDACTED = '[redacted]';

const PATTERNS: readonly [RegExp, string][] = [
  [vendorKeyPattern(1, 'g'), REDACTED],
  [/(\bbearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`],
  [/(\bx-api-key["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, `$1${REDACTED}`],
];

/** Shorter known values are not redacted (keys are at least 8 characters: key-format.ts). */
export const MIN_SECRET_LENGTH = 4;
/** A cut-off piece of a key this long or longer is redacted at a cut (see redactCut). */
const MIN_PIECE_LENGTH = 6;
/** Where messages are shortened: vendor-errors.ts ends them with "…"; others with "...". */
const CUT_MARKS = ['…', '...'];

/** A function that redacts a text (e.g. the vault's, with every key it has held). */
export type Redactor = (text: string) => string;

/** Redacts known shapes, plus each of `known` (keys the caller holds) wherever it appears. */
export function redact(text: string, known?: Iterable<string>): string {
  return redactPrepared(text, prepare(known));
}

interface Prepared {
  /** Longest first: a key that contains another is redacted whole. */
  secrets: string[];
  /** Every written form of every secret, longest first. */
  forms: string[];
  /** The last 4 characters of each: what a masked key (`<prefix>…<last 4>`) shows. */
  tails: ReadonlySet<string>;
}

function prepare(known: Iterable<string> | undefined): Prepared {
  const secrets = [...new Set(known)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  const forms = [...new Set(secrets.flatMap(writtenForms))].sort((a, b) => b.length - a.length);
  return { secrets, forms, tails: new Set(secrets.map((s) => s.slice(-4))) };
}

function redactPrepared(text: string, { secrets, forms, tails }: Prepared): string {
  let out = text;
  for (const form of forms) out = out.split(form).join(REDACTED);
  for (const secret of secrets) out = redactCut(out, secret, tails);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A redactor over a growing set of keys (the vault's: every key seen in this process), with
 * the keys' written forms worked out once per change rather than per message. */
export function keyRedactor(): { add(key: string): void; redact: Redactor } {
  const keys = new Set<string>();
  let prepared: Prepared | null = null;
  return {
    add(key) {
      if (keys.has(key)) return;
      keys.add(key);
      prepared = null;
    },
    redact: (text) => redactPrepared(text, (prepared ??= prepare(keys))),
  };
}

/** Every string inside `value` (arrays and plain objects, keys and values) passed through
 * `redactText`; everything else as it was. A new value: `value` is not changed. */
export function redactDeep<T>(value: T, redactText: Redactor): T {
  return walk(value, redactText) as T;
}

function walk(value: unknown, redactText: Redactor): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, redactText));
  if (value !== null && typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k), walk(v, redactText)]));
  }
  return value;
}

/** How a key may appear in a message: as is, JSON-escaped (once, twice, with `\/`), URL-encoded
 * (the same text more than once where escaping changes nothing; prepare() keeps one of each). */
function writtenForms(secret: string): string[] {
  const json = (s: string) => JSON.stringify(s).slice(1, -1);
  const once = json(secret);
  return [secret, once, json(once), once.replace(/\//g, '\\/'), encodeURIComponent(secret)];
}

/**
 * A message shortened to fit may end with the first part of a key ("…sk-test-custom-12…"), and
 * a tail kept of a longer text may start with the last part of one. Redacts a piece of
 * `secret` of MIN_PIECE_LENGTH or more that starts the key and ends at a cut mark or the end
 * of the text, or ends the key and starts at a cut mark or the start of the text. A masked
 * key (`<prefix>…<last 4>`) is left alone: what follows its "…" is the ending of one of the
 * keys (keys of one vendor share their prefix, so that of another key counts too).
 */
function redactCut(text: string, secret: string, tails: ReadonlySet<string>): string {
  let out = text;
  for (const at of fromTheBack([out.length, ...Array.from(cutMarks(out), (m) => m.start)])) {
    const mark = CUT_MARKS.find((m) => out.startsWith(m, at));
    if (mark && tails.has(out.slice(at + mark.length, at + mark.length + 4))) continue;
    // The earliest start, so the longest piece: out[from, at) equal to the key's beginning.
    for (let from = Math.max(0, at - secret.length); from <= at - MIN_PIECE_LENGTH; from++) {
      if (secret.startsWith(out.slice(from, at))) {
        out = `${out.slice(0, from)}${REDACTED}${out.slice(at)}`;
        break;
      }
    }
  }
  for (const at of fromTheBack([0, ...Array.from(cutMarks(out), (m) => m.end)])) {
    // The latest end, so the longest piece: out[at, to) equal to the key's ending.
    for (let to = Math.min(out.length, at + secret.length); to >= at + MIN_PIECE_LENGTH; to--) {
      if (secret.endsWith(out.slice(at, to))) {
        out = `${out.slice(0, at)}${REDACTED}${out.slice(to)}`;
        break;
      }
    }
  }
  return out;
}

/** Where each cut mark in `text` starts and ends. */
function* cutMarks(text: string): Generator<{ start: number; end: number }> {
  for (const mark of CUT_MARKS) {
    for (let i = text.indexOf(mark); i !== -1; i = text.indexOf(mark, i + 1)) yield { start: i, end: i + mark.length };
  }
}

/** Where a cut may be, each once, from the back: a replacement keeps the positions before it valid. */
function fromTheBack(positions: number[]): number[] {
  return [...new Set(positions)].sort((a, b) => b - a);
}
