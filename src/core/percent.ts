/**
 * The one way a ratio is printed as a percentage, in the CLI, the verdict reasons, the Runs view, the status bar and
 * the KPI Diff panel (pure: the webview app imports it too). Small values keep two significant digits so 0.004%
 * never reads as 0.00%; large ones get thousands separators.
 */
const large = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/**
 * `ratio` 0.0123 → "1.23%". A missing value (null) prints "—"; a non-finite one ("NaN", "Infinity", "-Infinity",
 * named beside a null as run records store it, or passed as the number itself) prints "NaN", "∞" or "−∞".
 */
export function formatPercent(ratio: number | null, nonFinite?: string): string {
  const special = nonFinite ?? (ratio !== null && !Number.isFinite(ratio) ? String(ratio) : undefined);
  if (special !== undefined) return special === 'NaN' ? 'NaN' : special === '-Infinity' ? '−∞' : '∞';
  if (ratio === null) return '—';
  const p = ratio * 100;
  if (p === 0) return '0%';
  const abs = Math.abs(p);
  if (abs < 0.01) return `${p.toPrecision(2)}%`;
  if (abs < 10) return `${p.toFixed(2)}%`;
  return `${large.format(p)}%`;
}
