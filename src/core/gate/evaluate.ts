/**
 * The go/no-go criteria: the plan's rollback criteria evaluated on the evidence of one shadow run. Each criterion states its
 * value, its threshold, a verdict and why. Missing evidence or a failed run is a `fail` ("no data"), never a pass.
 *
 * Definitions (thresholds from `cutover.json` → `gate`):
 * - kpiVariance: the worst relative variance |v2 − v1| / |v1| over the KPIs of the pipelines' KPI tables. A KPI
 *   missing on one side, NaN, or with v1 = 0 ≠ v2 counts as infinite. Accepted discrepancies are left out.
 * - errorRate: the share of V1's loan-level rows that V2 did not reproduce one-to-one: missing in V2, or left
 *   unmatched because a key is duplicated. A pipeline that failed is an error rate of 100%.
 * - latency: V2's pipeline wall time in seconds.
 * - nullRate: the worst null rate over V2's loan-level output columns. When V1 has at least as many nulls in that
 *   column the nulls come from the input, not from V2: the criterion is inconclusive and needs a human.
 */
import type { GateConfig } from '../config/schema';
import { formatPercent } from '../percent';
import type { KpiLine } from '../runs/results';

export type CriterionVerdict = 'pass' | 'fail' | 'inconclusive';
export type GateVerdict = 'go' | 'no-go' | 'inconclusive';

export interface Criterion {
  readonly name: 'kpiVariance' | 'errorRate' | 'latency' | 'nullRate';
  /** The measured value (a fraction, or seconds for latency); null when there was no data; Infinity is kept as null with `infinite`. */
  readonly value: number | null;
  readonly infinite?: boolean;
  readonly threshold: number;
  readonly unit: 'ratio' | 'seconds';
  readonly verdict: CriterionVerdict;
  readonly reason: string;
}

export interface GateResult {
  readonly verdict: GateVerdict;
  readonly criteria: readonly Criterion[];
}

/** What the gate needs from a run; every part may be missing (then its criterion fails with "no data"). */
export interface GateEvidence {
  /** A run that did not complete (a pipeline or the engine failed, it was cancelled: stopped, or it died: interrupted). */
  readonly failed?: { readonly reason: string };
  readonly pipelines?: {
    readonly v1?: { readonly exitCode: number | null; readonly durationMs: number };
    readonly v2?: { readonly exitCode: number | null; readonly durationMs: number };
  };
  /** The run's KPI lines; `nonFinite.relVariance` is set by the engine when the variance is not finite. */
  readonly kpis?: readonly Pick<KpiLine, 'segment' | 'kpi' | 'v1' | 'v2' | 'relVariance' | 'nonFinite'>[];
  readonly rows?: { readonly v1: number; readonly onlyV1: number; readonly excludedV1: number };
  readonly nullRates?: {
    readonly v2: readonly { readonly name: string; readonly nullRate: number }[];
    readonly v1?: readonly { readonly name: string; readonly nullRate: number }[];
  };
}

/**
 * Discrepancies a person has reviewed and accepted (`.cutover/reviews.json`, see reviews/store.ts `acceptedFor`):
 * why a KPI difference is accepted, or undefined. Accepted KPIs are left out of the KPI variance criterion.
 */
export interface AcceptedDiscrepancies {
  acceptedReason(kpi: { readonly segment: string; readonly kpi: string }): string | undefined;
}

const NO_DATA = 'no data';

const pct = formatPercent;

function noData(name: Criterion['name'], threshold: number, unit: Criterion['unit'], why: string): Criterion {
  return { name, value: null, threshold, unit, verdict: 'fail', reason: `${NO_DATA}: ${why}` };
}

function kpiVariance(e: GateEvidence, threshold: number, accepted?: AcceptedDiscrepancies): Criterion {
  if (e.failed) return noData('kpiVariance', threshold, 'ratio', e.failed.reason);
  if (!e.kpis || e.kpis.length === 0) return noData('kpiVariance', threshold, 'ratio', 'no KPI comparison in the run');
  let worst: { value: number; label: string } | undefined;
  const acceptedLabels: string[] = [];
  for (const k of e.kpis) {
    const label = `${k.kpi} [${k.segment}]`;
    if (accepted?.acceptedReason(k) !== undefined) {
      acceptedLabels.push(label);
      continue;
    }
    const missing = k.v1 === null || k.v2 === null;
    const value = missing || k.relVariance === null || k.nonFinite?.relVariance !== undefined ? Infinity : Math.abs(k.relVariance);
    if (!worst || value > worst.value) worst = { value, label };
  }
  const note = acceptedLabels.length > 0 ? ` (${acceptedLabels.length} accepted discrepanc${acceptedLabels.length === 1 ? 'y' : 'ies'} left out)` : '';
  if (!worst) return { name: 'kpiVariance', value: 0, threshold, unit: 'ratio', verdict: 'pass', reason: `every KPI difference is accepted${note}` };
  if (!Number.isFinite(worst.value)) {
    return { name: 'kpiVariance', value: null, infinite: true, threshold, unit: 'ratio', verdict: 'fail', reason: `${worst.label} is missing on one side or not comparable (infinite variance)${note}` };
  }
  const over = worst.value > threshold;
  return {
    name: 'kpiVariance',
    value: worst.value,
    threshold,
    unit: 'ratio',
    verdict: over ? 'fail' : 'pass',
    reason: `worst KPI variance ${pct(worst.value)} (${worst.label}) ${over ? '>' : '≤'} ${pct(threshold)}${note}`,
  };
}

function errorRate(e: GateEvidence, threshold: number): Criterion {
  const failedPipeline = (['v1', 'v2'] as const).find((p) => {
    const run = e.pipelines?.[p];
    return run !== undefined && run.exitCode !== 0;
  });
  if (failedPipeline) {
    return { name: 'errorRate', value: 1, threshold, unit: 'ratio', verdict: 'fail', reason: `pipeline ${failedPipeline} failed (exit ${String(e.pipelines?.[failedPipeline]?.exitCode)}): error rate 100%` };
  }
  if (e.failed) return noData('errorRate', threshold, 'ratio', e.failed.reason);
  if (!e.rows) return noData('errorRate', threshold, 'ratio', 'no loan-level comparison in the run');
  if (e.rows.v1 === 0) return noData('errorRate', threshold, 'ratio', 'V1 wrote no loan-level rows');
  const errors = e.rows.onlyV1 + e.rows.excludedV1;
  const value = errors / e.rows.v1;
  const over = value > threshold;
  return {
    name: 'errorRate',
    value,
    threshold,
    unit: 'ratio',
    verdict: over ? 'fail' : 'pass',
    reason: `${errors} of ${e.rows.v1} V1 rows not reproduced by V2 (${e.rows.onlyV1} missing, ${e.rows.excludedV1} with duplicate keys): ${pct(value)} ${over ? '>' : '≤'} ${pct(threshold)}`,
  };
}

function latency(e: GateEvidence, threshold: number): Criterion {
  const v2 = e.pipelines?.v2;
  if (!v2) return noData('latency', threshold, 'seconds', e.failed?.reason ?? 'V2 did not run');
  if (v2.exitCode !== 0) return noData('latency', threshold, 'seconds', `V2 failed (exit ${String(v2.exitCode)})`);
  const seconds = v2.durationMs / 1000;
  const over = seconds > threshold;
  return { name: 'latency', value: seconds, threshold, unit: 'seconds', verdict: over ? 'fail' : 'pass', reason: `V2 took ${seconds.toFixed(1)} s ${over ? '>' : '≤'} ${threshold} s` };
}

function nullRate(e: GateEvidence, threshold: number): Criterion {
  if (e.failed) return noData('nullRate', threshold, 'ratio', e.failed.reason);
  const v2 = e.nullRates?.v2;
  if (!v2 || v2.length === 0) return noData('nullRate', threshold, 'ratio', 'no profile of V2\'s output in the run');
  const worst = v2.reduce((a, b) => (b.nullRate > a.nullRate ? b : a));
  if (worst.nullRate <= threshold) {
    return { name: 'nullRate', value: worst.nullRate, threshold, unit: 'ratio', verdict: 'pass', reason: `worst null rate ${pct(worst.nullRate)} (${worst.name}) ≤ ${pct(threshold)}` };
  }
  const v1 = e.nullRates?.v1?.find((c) => c.name === worst.name);
  if (v1 && v1.nullRate >= worst.nullRate) {
    return {
      name: 'nullRate',
      value: worst.nullRate,
      threshold,
      unit: 'ratio',
      verdict: 'inconclusive',
      reason: `${worst.name} is ${pct(worst.nullRate)} null in V2 > ${pct(threshold)}, but V1 has ${pct(v1.nullRate)}: the nulls come from the input; a person must decide`,
    };
  }
  return { name: 'nullRate', value: worst.nullRate, threshold, unit: 'ratio', verdict: 'fail', reason: `worst null rate ${pct(worst.nullRate)} (${worst.name}) > ${pct(threshold)}` };
}

/**
 * Evaluates the four criteria on evidence; no-go if any fails, inconclusive if any is inconclusive, else go.
 * Surfaces do not call this: they call `goNoGo` (goNoGo.ts), which gathers a run's evidence, thresholds and reviews.
 */
export function evaluateGate(evidence: GateEvidence, thresholds: GateConfig, accepted?: AcceptedDiscrepancies): GateResult {
  const criteria = [
    kpiVariance(evidence, thresholds.kpiVariance, accepted),
    errorRate(evidence, thresholds.errorRate),
    latency(evidence, thresholds.latencySeconds),
    nullRate(evidence, thresholds.nullRate),
  ];
  const verdict: GateVerdict = criteria.some((c) => c.verdict === 'fail')
    ? 'no-go'
    : criteria.some((c) => c.verdict === 'inconclusive')
      ? 'inconclusive'
      : 'go';
  return { verdict, criteria };
}
