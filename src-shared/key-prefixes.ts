// The vendors' key prefixes, in a module with no imports: the redactor uses them in the bridge,
// which must not load the vendor presets' schemas at start-up.
export const KEY_PREFIXES = { uptimeobserver: 'uo_', uptimemonitoring: 'umk_live_' } as const;

/** Matches a vendor-shaped key anywhere (not inside a longer word), `minTail` characters after its prefix at least. */
export function vendorKeyPattern(minTail: number, flags = ''): RegExp {
  const prefixes = Object.values(KEY_PREFIXES).sort((a, b) => b.length - a.length).join('|');
  return new RegExp(`(?<![A-Za-z0-9])(?:${prefixes})[A-Za-z0-9_-]{${minTail},}`, flags);
}
