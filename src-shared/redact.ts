// The redactor every log line and outbound message goes through: vendor-shaped keys, bearer
// values, X-API-Key values and any key the caller knows become [redacted].

export const REDACTED = '[redacted]';

const PATTERNS: readonly [RegExp, string][] = [
  [/(?<![A-Za-z0-9])(?:umk_live_|uo_)[A-Za-z0-9_-]+/g, REDACTED],
  [/(\bbearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`],
  [/(\bx-api-key["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, `$1${REDACTED}`],
];

/** Redacts known shapes, plus each of `known` (keys the caller holds) wherever it appears. */
export function redact(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
