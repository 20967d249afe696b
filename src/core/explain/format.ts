/**
 * How an explanation reads, written once for every surface: the CLI's summary, the after-line annotation and the
 * hover in the configuration diff, the comment threads.
 */
import { formatValue } from '../gate/format';
import { formatPercent } from '../percent';
import type { ExplainKey, ExplainLine } from '../runs/results';

/** A signed relative move: `+11.1%`, `−0.5%`; `from 0` when the base was 0. */
export function signedPercent(x: number | null): string {
  if (x === null) return 'from 0';
  return `${x >= 0 ? '+' : '−'}${formatPercent(Math.abs(x))}`;
}

/** One KPI's movement: `dq30 +11.1% (15 segments, 14 fixed)`. */
export function formatEffect(e: ExplainKey['effects'][number]): string {
  const parts = [`${e.segments} segment${e.segments === 1 ? '' : 's'}`, ...(e.fixes > 0 ? [`${e.fixes} out of tolerance`] : [])];
  return `${e.kpi} ${signedPercent(e.largestRelChange)} (${parts.join(', ')})`;
}

/** A loan-level column this key changes: `bucket 120 mismatches` or `balance max |Δ| 0.005`. */
export function formatColumn(c: ExplainKey['columns'][number]): string {
  if (c.mismatches > c.mismatchesReverted) return `${c.name} ${c.mismatches - c.mismatchesReverted} mismatches`;
  return `${c.name} max |Δ| ${formatValue(c.maxAbsDiff ?? 0)} (${formatValue(c.maxAbsDiffReverted ?? 0)} without it)`;
}

/** The one-line effect of a key: `moves dq30 +11.1% (15 segments, 14 out of tolerance), dq60 …` or why there is none. */
export function formatKeyEffect(key: ExplainKey, maxKpis = 3): string {
  if (key.run.status !== 'ok') return `${key.run.status === 'rejected' ? 'the pipeline rejects V1\'s value' : `not measured (${key.run.status})`}${key.run.reason ? `: ${key.run.reason.split('\n')[0]}` : ''}`;
  const columns = key.columns.length > 0 ? `loan-level ${key.columns.map(formatColumn).join(', ')}` : '';
  if (key.effects.length === 0) return columns !== '' ? `no effect on KPIs; ${columns}` : 'no effect on KPIs';
  const shown = key.effects.slice(0, maxKpis).map(formatEffect);
  const more = key.effects.length > maxKpis ? `, … ${key.effects.length - maxKpis} more KPIs` : '';
  return `moves ${shown.join(', ')}${more}${columns !== '' ? `; ${columns}` : ''}`;
}

/** The KPI names whose lines this key brings within tolerance (the lines a reviewer accepts with it). */
export function linesCausedBy(key: string, lines: readonly ExplainLine[]): ExplainLine[] {
  return lines.filter((l) => l.causeKind === 'key' && l.cause === key);
}

/** What the KPI Diff shows of one line's cause (its "Cause" column and filter). */
export interface CauseView {
  readonly segment: string;
  readonly kpi: string;
  /** The key, `a + b` for an interaction, `code` or `unknown`. */
  readonly cause: string;
  readonly reason: string;
}

export function causeViews(lines: readonly ExplainLine[]): CauseView[] {
  return lines.map((l) => ({ segment: l.segment, kpi: l.kpi, cause: l.cause, reason: l.reason }));
}
