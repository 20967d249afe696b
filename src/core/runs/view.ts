/**
 * A run record as Cutover's surfaces show it (the KPI Diff panel, the CodeLens, Accept Discrepancy; pure, no vscode). `results` is free-form JSON on disk: each part is
 * checked, and a part that is absent or malformed is shown as absent, never guessed.
 */
import { z } from 'zod';
import { covers, type Review } from '../reviews/store';
import type { RunRecord } from './record';
import type { AcceptedView, KpiRow, ReconcileView, RunView } from './viewModel';

const Kpi = z.object({
  segment: z.string(),
  kpi: z.string(),
  v1: z.number().nullable(),
  v2: z.number().nullable(),
  delta: z.number().nullable(),
  relVariance: z.number().nullable(),
  tolerance: z.object({ abs: z.number(), passLine: z.number(), failLine: z.number() }),
  verdict: z.enum(['pass', 'inconclusive', 'fail']),
  reason: z.string(),
  noise: z.boolean().optional(),
  nonFinite: z.record(z.string(), z.string()).optional(),
});
const Comparison = z.object({
  verdict: z.string(),
  counts: z.object({ total: z.number(), pass: z.number(), inconclusive: z.number(), fail: z.number(), noise: z.number() }),
  kpis: z.array(Kpi),
});
/** A reconcile run keeps the lines that did not pass, each with its day, and each day's KPI count. */
const DailyKpis = z.object({
  days: z.array(z.object({ kpis: z.number() })),
  kpis: z.array(Kpi.extend({ day: z.string() })),
});
const Rows = z.object({
  keys: z.array(z.string()),
  rows: z.record(z.string(), z.number()),
  columns: z.array(z.object({
    name: z.string(), compareAs: z.string(), mismatches: z.number(), nullMismatches: z.number(),
    maxAbsDiff: z.number().nullable(), maxRelDiff: z.number().nullable(),
  })),
  mismatches: z.object({ path: z.string(), rows: z.number() }).nullable(),
});
const Declarative = z.object({ comparison: z.object({ verdict: z.string(), counts: z.record(z.string(), z.number()), kpis: z.array(Kpi).optional() }) });
const Profile = z.object({
  rows: z.number(),
  columns: z.array(z.object({
    name: z.string(), type: z.string(), nulls: z.number(), nullRate: z.number(),
    nan: z.number(), posInf: z.number(), negInf: z.number(), outOfBounds: z.number(),
  })),
});
const Profiles = z.object({ v1: Profile.optional(), v2: Profile.optional() });

/** The record's KPI lines as the table shows them, worst first. */
function kpiRows(kpis: readonly z.infer<typeof Kpi>[]): KpiRow[] {
  return kpis.map((k) => ({ ...k, noise: k.noise ?? false, ...(k.nonFinite ? { nonFinite: k.nonFinite } : {}) })).sort(severityOrder);
}
const Input = z.object({ name: z.string().optional(), path: z.string() });

const SEVERITY = { fail: 0, inconclusive: 1, pass: 2 } as const;

/** Failing first, then inconclusive, then pass; within each, the largest variance first (infinite before all). */
export function severityOrder(a: KpiRow, b: KpiRow): number {
  const variance = (k: KpiRow): number => (k.relVariance === null ? Infinity : Math.abs(k.relVariance));
  return SEVERITY[a.verdict] - SEVERITY[b.verdict] || variance(b) - variance(a);
}

export function runView(record: RunRecord): RunView {
  const r = record.results;
  const kpis = Comparison.safeParse(r['kpis']);
  const rows = Rows.safeParse(r['rows']);
  const declarative = Declarative.safeParse(r['declarative']);
  const noise = Comparison.safeParse(r['noise']);
  const input = Input.safeParse(r['input']);
  const profiles = Profiles.safeParse(r['profiles']);
  const daily = kpis.success ? undefined : DailyKpis.safeParse(r['reconcile']);
  const lines: KpiRow[] = kpis.success ? kpiRows(kpis.data.kpis) : daily?.success ? kpiRows(daily.data.kpis) : [];
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
    input: input.success ? input.data : null,
    durations,
    counts: kpis.success ? kpis.data.counts : daily?.success ? dailyCounts(daily.data.days, lines) : { total: 0, pass: 0, inconclusive: 0, fail: 0, noise: 0 },
    worst: worstLine
      ? { relVariance: worstLine.relVariance, infinite: worstLine.relVariance === null, label: `${worstLine.kpi} [${worstLine.segment}]` }
      : null,
    noiseFloor: noise.success
      ? {
        total: noise.data.counts.total,
        moved: noise.data.kpis.filter((k) => k.delta !== 0).length,
        maxRelVariance: noise.data.kpis.reduce((m, k) => (k.relVariance !== null && Math.abs(k.relVariance) > m ? Math.abs(k.relVariance) : m), 0),
      }
      : null,
    kpis: lines,
    rows: rows.success
      ? { keys: rows.data.keys, counts: rows.data.rows, columns: rows.data.columns, mismatchRows: rows.data.mismatches?.rows ?? null }
      : null,
    declarative: declarative.success ? { verdict: declarative.data.comparison.verdict, counts: declarative.data.comparison.counts } : null,
    declarativeKpis: declarative.success ? kpiRows(declarative.data.comparison.kpis ?? []).filter((k) => k.verdict !== 'pass') : [],
    quality: profiles.success ? { v1: profiles.data.v1 ?? null, v2: profiles.data.v2 ?? null } : null,
  };
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

const Verdict = z.enum(['pass', 'inconclusive', 'fail']);
const Reconcile = z.object({
  dateColumn: z.string(),
  days: z.array(z.object({
    day: z.string(),
    kpis: z.number(),
    failing: z.number(),
    worstKpi: z.string().nullable(),
    worstSegment: z.string().nullable(),
    worstRelVariance: z.number().nullable(),
    worstNonFinite: z.enum(['NaN', 'Infinity', '-Infinity']).optional(),
    verdict: Verdict,
  })),
  summary: z.object({ days: z.number(), daysPassing: z.number(), worstDay: z.string().nullable(), worstKpi: z.string().nullable(), verdict: Verdict }),
});
const Lines = z.object({ passLine: z.number().optional(), failLine: z.number().optional() });

/** A `reconcile` run's per-day results, or null when it has none (failed, or an older or malformed record). */
export function reconcileView(record: RunRecord): ReconcileView | null {
  const r = Reconcile.safeParse(record.results['reconcile']);
  if (!r.success) return null;
  const lines = Lines.safeParse(record.thresholds);
  return {
    runId: record.id,
    startedAt: record.startedAt,
    dateColumn: r.data.dateColumn,
    // The CLI's defaults when the record predates recording them.
    passLine: (lines.success ? lines.data.passLine : undefined) ?? 0.001,
    failLine: (lines.success ? lines.data.failLine : undefined) ?? 0.01,
    days: r.data.days.map((d) => ({ ...d, ...(d.worstNonFinite ? { worstNonFinite: d.worstNonFinite } : {}) })),
    summary: r.data.summary,
  };
}
