/** Numbers for reading: thousands separators, percentages with sensible precision; the full value goes on hover. */

const large = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

export function formatNumber(value: number | null, nonFinite?: string): string {
  if (nonFinite) return nonFinite === 'Infinity' ? '∞' : nonFinite === '-Infinity' ? '−∞' : nonFinite;
  if (value === null) return '—';
  return Math.abs(value) >= 1000 ? large.format(value) : small.format(value);
}

export function formatSigned(value: number | null, nonFinite?: string): string {
  const text = formatNumber(value, nonFinite);
  return value !== null && value > 0 && !nonFinite ? `+${text}` : text.replace(/^-/, '−');
}

export function formatPercent(ratio: number | null, nonFinite?: string): string {
  if (nonFinite) return nonFinite === 'NaN' ? 'NaN' : '∞';
  if (ratio === null) return '—';
  const p = ratio * 100;
  if (p === 0) return '0%';
  const abs = Math.abs(p);
  if (abs < 0.01) return `${p.toPrecision(2)}%`;
  if (abs < 10) return `${p.toFixed(2)}%`;
  return `${large.format(Number(p.toFixed(1)))}%`;
}

/** The exact value, for a tooltip. */
export function fullValue(value: number | null, nonFinite?: string): string {
  if (nonFinite) return nonFinite;
  return value === null ? 'missing' : String(value);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
