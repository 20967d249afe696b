/**
 * Attribution, pure: given the shadow run's KPI lines (V1 against V2) and the same comparison with V2 run once per
 * differing configuration key set back to V1's value, and once with every key set back, says for each line that
 * did not pass what caused it.
 *
 *   share(k)   = (|Δ| − |Δ with k reverted|) / |Δ|, clamped to 0…1   (Δ = V2 − V1)
 *   key        one key reverted brings the line within tolerance (the same judge as the shadow run decided)
 *   interaction  no single key does, but all reverted together do
 *   code       with every key reverted the line is still out of tolerance: the code, not the configuration
 *   unknown    the runs that could decide it were rejected by the pipeline or failed
 */
import type { KpiResult, Verdict } from '../engine/types';
import { formatPercent as pct } from '../percent';
import type { ExplainKey, ExplainLine, ExplainResults, ExplainSubRun } from '../runs/results';

/** The loan-level column figures attribution reads (a subset of the engine's column statistics). */
export interface ColumnFigures {
  readonly name: string;
  readonly mismatches: number;
  readonly maxAbsDiff: number | null;
}

/** What one sub-run produced: its status, and when ok the comparison of its outputs with V1's. */
export interface SubRunOutcome {
  readonly run: ExplainSubRun;
  readonly kpis?: readonly KpiResult[];
  readonly columns?: readonly ColumnFigures[];
}

export interface KeyOutcome extends SubRunOutcome {
  readonly key: Omit<ExplainKey, 'run' | 'effects' | 'columns'>;
}

export interface AttributionInput {
  readonly shadowRun: string;
  readonly files: { readonly v1: string; readonly v2: string };
  /** The shadow run's KPI lines and loan-level columns (V1 against V2 as configured). */
  readonly baseline: { readonly kpis: readonly KpiResult[]; readonly columns: readonly ColumnFigures[] };
  readonly keys: readonly KeyOutcome[];
  /** Every key reverted; absent when no key differs. */
  readonly all?: SubRunOutcome;
}

const lineId = (k: { segment: string; kpi: string }): string => JSON.stringify([k.segment, k.kpi]);

function byLine(kpis: readonly KpiResult[] | undefined): Map<string, KpiResult> | undefined {
  return kpis ? new Map(kpis.map((k) => [lineId(k), k])) : undefined;
}

/** |V2 − V1| of a line; Infinity when a side has no value (nothing can be said to shrink it). */
function gap(k: KpiResult | undefined): number {
  return k?.delta === null || k?.delta === undefined ? Infinity : Math.abs(k.delta);
}

function share(base: number, reverted: number): number {
  if (!Number.isFinite(base) || base === 0) return 0;
  if (!Number.isFinite(reverted)) return 0;
  return Math.min(1, Math.max(0, (base - reverted) / base));
}

const passes = (k: KpiResult | undefined): boolean => k?.verdict === 'pass';

/** Relative movement of a KPI value caused by a key: (with − without) / |without|; null when `without` is 0. */
function relChange(withKey: number, withoutKey: number): number | null {
  return withoutKey === 0 ? null : (withKey - withoutKey) / Math.abs(withoutKey);
}

/** Values closer than this (relative) are the same number printed twice, not a movement. */
const SAME = 1e-12;

function moved(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a !== b;
  return Math.abs(a - b) > SAME * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The KPIs one key moves: V2 as configured against V2 with the key reverted, per KPI name. */
function effectsOf(baseline: readonly KpiResult[], reverted: Map<string, KpiResult>, failing: ReadonlySet<string>): ExplainKey['effects'] {
  const perKpi = new Map<string, { segments: number; largest: number | null; largestAbs: number; segment: string; fixes: number }>();
  for (const line of baseline) {
    const other = reverted.get(lineId(line));
    if (!other || !moved(line.v2, other.v2)) continue;
    const change = line.v2 !== null && other.v2 !== null ? relChange(line.v2, other.v2) : null;
    const size = change === null ? Infinity : Math.abs(change);
    const entry = perKpi.get(line.kpi) ?? { segments: 0, largest: null, largestAbs: -1, segment: line.segment, fixes: 0 };
    entry.segments++;
    if (size > entry.largestAbs) Object.assign(entry, { largest: change, largestAbs: size, segment: line.segment });
    if (failing.has(lineId(line)) && passes(other)) entry.fixes++;
    perKpi.set(line.kpi, entry);
  }
  return [...perKpi.entries()]
    .map(([kpi, e]) => ({ kpi, segments: e.segments, largestRelChange: e.largest, largestSegment: e.segment, fixes: e.fixes }))
    .sort((a, b) => b.fixes - a.fixes || Math.abs(b.largestRelChange ?? Infinity) - Math.abs(a.largestRelChange ?? Infinity) || a.kpi.localeCompare(b.kpi));
}

/** Loan-level columns whose difference from V1 shrinks with the key reverted. */
function columnsOf(baseline: readonly ColumnFigures[], reverted: readonly ColumnFigures[]): ExplainKey['columns'] {
  const after = new Map(reverted.map((c) => [c.name, c]));
  return baseline.flatMap((c) => {
    const r = after.get(c.name);
    if (!r) return [];
    const fewer = r.mismatches < c.mismatches;
    const closer = c.maxAbsDiff !== null && r.maxAbsDiff !== null && r.maxAbsDiff < c.maxAbsDiff;
    return fewer || closer ? [{ name: c.name, mismatches: c.mismatches, mismatchesReverted: r.mismatches, maxAbsDiff: c.maxAbsDiff, maxAbsDiffReverted: r.maxAbsDiff }] : [];
  });
}

function judgeLine(line: KpiResult, input: AttributionInput, reverted: (Map<string, KpiResult> | undefined)[], all: Map<string, KpiResult> | undefined): ExplainLine {
  const id = lineId(line);
  const base = gap(line);
  const shares = input.keys.flatMap((k, i) => {
    const r = reverted[i]?.get(id);
    return reverted[i] ? [{ key: k.key.key, share: share(base, gap(r)) }] : [];
  });
  const fixers = input.keys.filter((_, i) => passes(reverted[i]?.get(id))).map((k) => k.key.key);
  const withAll = all?.get(id);
  const remainder = all ? (Number.isFinite(base) && base > 0 ? Math.min(1, gap(withAll) / base) : null) : input.keys.length === 0 ? 1 : null;
  const identity = { segment: line.segment, kpi: line.kpi, v1: line.v1, v2: line.v2, relVariance: line.relVariance, verdict: line.verdict as Verdict };
  const rejected = input.keys.filter((_, i) => !reverted[i]).map((k) => k.key.key);
  const untested = rejected.length > 0 ? `; not tested: ${rejected.join(', ')} (run not ok)` : '';

  if (fixers.length > 0) {
    const ordered = [...fixers].sort((a, b) => (shares.find((s) => s.key === b)?.share ?? 0) - (shares.find((s) => s.key === a)?.share ?? 0));
    const main = ordered[0] as string;
    const s = shares.find((x) => x.key === main)?.share ?? 0;
    return { ...identity, causeKind: 'key', cause: main, shares, remainder, reason: `reverting ${ordered.join(' or ')} brings it within tolerance (${pct(s)} of the variance)` };
  }
  if (input.keys.length === 0) {
    return { ...identity, causeKind: 'code', cause: 'code', shares, remainder, reason: 'the configuration files do not differ: the code' };
  }
  if (all && all.size > 0 && input.all?.run.status === 'ok') {
    if (passes(withAll)) {
      const involved = shares.filter((s) => s.share > 0).map((s) => s.key);
      const keys = involved.length > 0 ? involved : input.keys.map((k) => k.key.key);
      return { ...identity, causeKind: 'interaction', cause: keys.join(' + '), shares, remainder, reason: `no key alone brings it within tolerance; all reverted together do (${keys.join(' + ')})${untested}` };
    }
    const partial = shares.filter((s) => s.share > 0).map((s) => `${s.key} ${pct(s.share)}`);
    return {
      ...identity, causeKind: 'code', cause: 'code', shares, remainder,
      reason: `out of tolerance with every key reverted: ${remainder === null ? 'the' : pct(remainder) + ' of the'} variance is the code's${partial.length > 0 ? ` (configuration: ${partial.join(', ')})` : ''}`,
    };
  }
  return { ...identity, causeKind: 'unknown', cause: 'unknown', shares, remainder, reason: `no single key brings it within tolerance and the run with every key reverted was ${input.all?.run.status ?? 'not made'}${input.all?.run.reason ? `: ${input.all.run.reason}` : ''}${untested}` };
}

export function attribute(input: AttributionInput): ExplainResults {
  const reverted = input.keys.map((k) => (k.run.status === 'ok' ? byLine(k.kpis) : undefined));
  const all = input.all?.run.status === 'ok' ? byLine(input.all.kpis) : undefined;
  const notPassing = input.baseline.kpis.filter((k) => k.verdict !== 'pass');
  const failing = new Set(notPassing.map(lineId));
  const lines = notPassing.map((line) => judgeLine(line, input, reverted, all));
  const keys: ExplainKey[] = input.keys.map((k, i) => {
    const r = reverted[i];
    return {
      ...k.key,
      run: k.run,
      effects: r ? effectsOf(input.baseline.kpis, r, failing) : [],
      columns: r ? columnsOf(input.baseline.columns, k.columns ?? []) : [],
    };
  });
  const count = (kind: ExplainLine['causeKind']): number => lines.filter((l) => l.causeKind === kind).length;
  return {
    shadowRun: input.shadowRun,
    files: input.files,
    keys,
    all: input.all?.run ?? null,
    lines,
    counts: { lines: lines.length, key: count('key'), interaction: count('interaction'), code: count('code'), unknown: count('unknown') },
  };
}
