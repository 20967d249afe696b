/**
 * The verdict of one KPI: pure, so every edge case is tested directly.
 *
 *   delta = v2 − v1;  relVariance = |delta| / |v1|  (0 when v1 = v2 = 0; Infinity when only v1 = 0)
 *   pass          when |delta| ≤ abs + passLine·|v1|
 *   fail          when |delta| > abs + failLine·|v1|
 *   inconclusive  in between (a human decides)
 * A KPI missing, duplicated, null, NaN or infinite on one side is `fail`; the same non-value (missing included) on
 * both sides is `inconclusive`. Never a pass. Comparisons allow 1e-9 of the tolerance for floating-point rounding, so a
 * difference exactly at a line counts as at it. The reason states the value against the threshold in one line.
 *
 * API: `judgeKpi(input, thresholds)` → KpiResult; `resolveThresholds(kpi, options)`; `summarize(results)`.
 */
import { formatPercent } from '../percent';
import type { KpiComparison, KpiJudgeOptions, KpiResult, NonFinite, Verdict } from './types';

export interface ResolvedThresholds {
  readonly abs: number;
  readonly passLine: number;
  readonly failLine: number;
}

export interface KpiObservation {
  readonly segment: string;
  readonly kpi: string;
  /** Rows found for this KPI on each side (0 = missing, > 1 = duplicated). */
  readonly rowsV1: number;
  readonly rowsV2: number;
  readonly v1: number | null;
  readonly v2: number | null;
}

/** The KPI pass and fail lines when cutover.json or the command line set none: 0.1% and 1% (the plan's). */
export const defaultPassLine = 0.001;
export const defaultFailLine = 0.01;

export function resolveThresholds(kpi: string, options: KpiJudgeOptions = {}): ResolvedThresholds {
  const own = options.perKpi?.[kpi] ?? {};
  return {
    abs: own.abs ?? options.abs ?? 0,
    passLine: own.passLine ?? options.passLine ?? defaultPassLine,
    failLine: own.failLine ?? options.failLine ?? defaultFailLine,
  };
}

function short(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function nonFinite(value: number | null): NonFinite | undefined {
  if (value === null || Number.isFinite(value)) return undefined;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

function safe(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/** What is wrong with one side's value, or undefined when it is a finite number. */
function problem(value: number | null): string | undefined {
  if (value === null) return 'null';
  return nonFinite(value);
}

export function judgeKpi(o: KpiObservation, t: ResolvedThresholds): KpiResult {
  const base = { segment: o.segment, kpi: o.kpi, tolerance: { abs: t.abs, passLine: t.passLine, failLine: t.failLine } };
  const flags: Partial<Record<'v1' | 'v2' | 'delta' | 'relVariance', NonFinite>> = {};
  const f1 = nonFinite(o.v1);
  const f2 = nonFinite(o.v2);
  if (f1) flags.v1 = f1;
  if (f2) flags.v2 = f2;
  const withFlags = <T extends object>(r: T): T => (Object.keys(flags).length > 0 ? { ...r, nonFinite: flags } : r);
  const refuse = (verdict: Verdict, reason: string): KpiResult =>
    withFlags({ ...base, v1: safe(o.v1), v2: safe(o.v2), delta: null, relVariance: null, verdict, reason });

  // No value on either side is no data: nothing to pass or fail on.
  if (o.rowsV1 === 0 && o.rowsV2 === 0) return refuse('inconclusive', 'no data: missing in V1 and V2');
  if (o.rowsV1 === 0) return refuse('fail', 'missing in V1');
  if (o.rowsV2 === 0) return refuse('fail', 'missing in V2');
  if (o.rowsV1 > 1 || o.rowsV2 > 1) return refuse('fail', `duplicated: ${o.rowsV1} rows in V1, ${o.rowsV2} in V2`);
  const p1 = problem(o.v1);
  const p2 = problem(o.v2);
  if (p1 !== undefined && p1 === p2) return refuse('inconclusive', `${p1} in V1 and V2`);
  if (p1 !== undefined && p2 !== undefined) return refuse('fail', `${p1} in V1, ${p2} in V2`);
  if (p1 !== undefined) return refuse('fail', `${p1} in V1`);
  if (p2 !== undefined) return refuse('fail', `${p2} in V2`);

  const v1 = o.v1 as number;
  const v2 = o.v2 as number;
  const delta = v2 - v1;
  const diff = Math.abs(delta);
  const scale = Math.abs(v1);
  const relVariance = scale === 0 ? (diff === 0 ? 0 : Infinity) : diff / scale;
  const passTol = t.abs + t.passLine * scale;
  const failTol = t.abs + t.failLine * scale;
  const slack = (tol: number): number => tol * (1 + 1e-9);
  const verdict: Verdict = diff <= slack(passTol) ? 'pass' : diff > slack(failTol) ? 'fail' : 'inconclusive';

  let reason: string;
  if (scale === 0 || t.abs > 0) {
    // The absolute part matters: state |Δ| against the tolerance in the data's units.
    const line = verdict === 'pass' ? `pass tolerance ${short(passTol)}` : verdict === 'fail' ? `fail tolerance ${short(failTol)}` : `pass tolerance ${short(passTol)}, within fail tolerance ${short(failTol)}`;
    const op = verdict === 'pass' ? '≤' : '>';
    const why = scale === 0 ? (diff === 0 ? 'V1 and V2 are 0' : 'V1 is 0') : `variance ${formatPercent(relVariance)}`;
    reason = `|Δ| ${short(diff)} ${op} ${line} (${why}; abs ${short(t.abs)})`;
  } else if (verdict === 'pass') {
    reason = `variance ${formatPercent(relVariance)} ≤ pass line ${formatPercent(t.passLine)}`;
  } else if (verdict === 'fail') {
    reason = `variance ${formatPercent(relVariance)} > fail line ${formatPercent(t.failLine)}`;
  } else {
    reason = `variance ${formatPercent(relVariance)} > pass line ${formatPercent(t.passLine)}, ≤ fail line ${formatPercent(t.failLine)}`;
  }
  if (relVariance === Infinity) flags.relVariance = 'Infinity';
  return withFlags({ ...base, v1, v2, delta, relVariance: safe(relVariance), verdict, reason });
}

const severity: Record<Verdict, number> = { pass: 0, inconclusive: 1, fail: 2 };

export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'pass';
  for (const v of verdicts) if (severity[v] > severity[worst]) worst = v;
  return worst;
}

/** Orders KPI results worst first: verdict, then relative variance (missing/non-finite counted as infinite). */
export function badness(r: KpiResult): [number, number] {
  return [severity[r.verdict], r.relVariance ?? Infinity];
}

export function summarize(kpis: readonly KpiResult[]): KpiComparison {
  const counts = { total: kpis.length, pass: 0, inconclusive: 0, fail: 0, noise: 0 };
  for (const k of kpis) {
    counts[k.verdict]++;
    if (k.noise) counts.noise++;
  }
  // Nothing compared proves nothing.
  const verdict = kpis.length === 0 ? 'inconclusive' : worstVerdict(kpis.map((k) => k.verdict));
  return { verdict, counts, kpis };
}
