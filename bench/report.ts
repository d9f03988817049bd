// The benchmark's table: one row per metric, ours vs the direct floor vs mcp-remote, with the
// target and whether ours meets it.

export interface Row {
  metric: string;
  ours: number | null;
  direct: number | null;
  remote: number | null;
  unit: string;
  target: string;
  /** null = informational, no target. */
  pass: boolean | null;
}

const format = (value: number | null, unit: string): string => {
  if (value === null || Number.isNaN(value)) return '—';
  const digits = unit === 'ms' && value < 10 ? 2 : unit === 'MB' ? 1 : 0;
  return `${value.toFixed(digits)} ${unit}`;
};

export function renderTable(rows: readonly Row[]): string {
  const header = ['metric', 'ours', 'direct', 'mcp-remote', 'target', 'result'];
  const lines = rows.map((r) => [
    r.metric,
    format(r.ours, r.unit),
    format(r.direct, r.unit),
    format(r.remote, r.unit),
    r.target,
    r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [row(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');
}
