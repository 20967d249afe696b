/**
 * A run record as Cutover's surfaces show it (the KPI Diff panel, the CodeLens, Accept Discrepancy; pure, no vscode).
 * The record's `results` were checked against `RunResults` when it was read: a part is there in its declared shape
 * or absent, and an absent part is shown as absent, never guessed.
 */
import { defaultFailLine, defaultPassLine } from '../engine/judge';
import { covers, type Review } from '../reviews/store';
import type { RunRecord } from './record';
import type { RunKpiLine } from './results';
import { performanceView } from '../load/view';
import { kpiLinesOf } from './summary';
import type { AcceptedView, KpiRow, ReconcileView, RunView } from './viewModel';

/** The record's KPI lines as the table shows them, worst first. */
function kpiRows(kpis: readonly RunKpiLine[]): KpiRow[] {
  return kpis.map((k) => ({ ...k, noise: k.noise ?? false })).sort(severityOrder);
}

const SEVERITY = { fail: 0, inconclusive: 1, pass: 2 } as const;

/** Failing first, then inconclusive, then pass; within each, the largest variance first (infinite before all). */
export function severityOrder(a: KpiRow, b: KpiRow): number {
  const variance = (k: KpiRow): number => (k.relVariance === null ? Infinity : Math.abs(k.relVariance));
  return SEVERITY[a.verdict] - SEVERITY[b.verdict] || variance(b) - variance(a);
}

export function runView(record: RunRecord): RunView {
  const { kpis, rows, declarative, noise, input, profiles, reconcile } = record.results;
  const daily = kpis ? undefined : reconcile;
  const lines: KpiRow[] = kpiRows(kpiLinesOf(record.results));
  const worstLine = lines.reduce<KpiRow | undefined>((w, k) => {
    const v = k.relVariance === null ? Infinity : Math.abs(k.relVariance);
    const wv = w === undefined ? -1 : w.relVariance === null ? Infinity : Math.abs(w.relVariance);
    return v > wv ? k : w;
  }, undefined);
  const started = Date.parse(record.startedAt);
  const ended = record.endedAt ? Date.parse(record.endedAt) : NaN;
  const durations = [
    ...(Number.isFinite(ended - started) ? [{ name: 'total', ms: ended - started }] : []),
    // A reconcile run has two pipeline runs a day: their sum says more than sixty numbers would.
    ...(record.commands.length > 3
      ? [{ name: `${record.commands.length} pipeline runs`, ms: record.commands.reduce((sum, c) => sum + c.ms, 0) }]
      : record.commands.map((c) => ({ name: c.name, ms: c.ms }))),
    ...record.phases.filter((p) => !p.name.startsWith('pipelines')).map((p) => ({ name: p.name, ms: p.ms })),
  ];
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    verdict: record.verdict?.verdict ?? record.status,
    reasons: record.verdict?.reasons ?? (record.error ? [record.error.message] : []),
    startedAt: record.startedAt,
    input: input ?? null,
    durations,
    counts: kpis ? kpis.counts : daily ? dailyCounts(daily.days, lines) : { total: 0, pass: 0, inconclusive: 0, fail: 0, noise: 0 },
    worst: worstLine
      ? { relVariance: worstLine.relVariance, infinite: worstLine.relVariance === null, label: `${worstLine.kpi} [${worstLine.segment}]` }
      : null,
    noiseFloor: noise
      ? {
        total: noise.counts.total,
        moved: noise.kpis.filter((k) => k.delta !== 0).length,
        maxRelVariance: noise.kpis.reduce((m, k) => (k.relVariance !== null && Math.abs(k.relVariance) > m ? Math.abs(k.relVariance) : m), 0),
      }
      : null,
    kpis: lines,
    rows: rows
      ? { keys: rows.keys, counts: rowCounts(rows.rows), columns: rows.columns, mismatchRows: rows.mismatches?.rows ?? null }
      : null,
    declarative: declarative ? { verdict: declarative.comparison.verdict, counts: declarative.comparison.counts } : null,
    declarativeKpis: declarative ? kpiRows(declarative.comparison.kpis).filter((k) => k.verdict !== 'pass') : [],
    quality: profiles ? { v1: profiles.v1 ?? null, v2: profiles.v2 ?? null } : null,
    performance: performanceView(record.results),
  };
}

/** The loan-level row counts, those the engine added since this was written included. */
function rowCounts(counts: Readonly<Record<string, unknown>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

/** Counts over every day of a reconcile run: all KPI lines compared, of which the recorded ones did not pass. */
function dailyCounts(days: readonly { kpis: number }[], lines: readonly KpiRow[]): RunView['counts'] {
  const total = days.reduce((sum, d) => sum + d.kpis, 0);
  const fail = lines.filter((k) => k.verdict === 'fail').length;
  const inconclusive = lines.filter((k) => k.verdict === 'inconclusive').length;
  return { total, pass: total - fail - inconclusive, inconclusive, fail, noise: 0 };
}

/** The reviews that accept a line of this run (the newest per KPI line). */
export function acceptedLines(reviews: readonly Review[], kpis: readonly KpiRow[]): AcceptedView[] {
  return kpis.flatMap((k) => {
    const review = reviews.filter((r) => covers(r, k)).at(-1);
    return review ? [{ segment: k.segment, kpi: k.kpi, who: review.who, when: review.when, runId: review.runId, reason: review.reason }] : [];
  });
}

/** A `reconcile` run's per-day results, or null when it has none (failed, or an older or malformed record). */
export function reconcileView(record: RunRecord): ReconcileView | null {
  const r = record.results.reconcile;
  if (!r) return null;
  const lines = recordedLines(record.thresholds);
  return {
    runId: record.id,
    startedAt: record.startedAt,
    dateColumn: r.dateColumn,
    // The engine's defaults when the record predates recording them.
    passLine: lines.passLine ?? defaultPassLine,
    failLine: lines.failLine ?? defaultFailLine,
    days: r.days.map((d) => ({ ...d, ...(d.worstNonFinite ? { worstNonFinite: d.worstNonFinite } : {}) })),
    summary: r.summary,
  };
}

/** The pass and fail lines a reconcile run recorded, where they are numbers. */
function recordedLines(thresholds: Readonly<Record<string, unknown>>): { passLine?: number; failLine?: number } {
  const number = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const passLine = number(thresholds['passLine']);
  const failLine = number(thresholds['failLine']);
  return { ...(passLine !== undefined ? { passLine } : {}), ...(failLine !== undefined ? { failLine } : {}) };
}
