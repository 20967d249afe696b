/** Numbers for reading: thousands separators, sensible precision; the full value goes on hover. Percentages: core/percent.ts. */

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

/** The exact value, for a tooltip. */
export function fullValue(value: number | null, nonFinite?: string): string {
  if (nonFinite) return nonFinite;
  return value === null ? 'missing' : String(value);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
