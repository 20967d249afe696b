/** Plain-text rendering of gate criteria and KPI numbers, shared by `cutover gate` and `cutover shadow`. */
import { formatPercent } from '../percent';
import type { Review } from '../reviews/store';
import type { Criterion } from './evaluate';

/** A KPI or measured value: integers as is, others with 6 significant digits; null as n/a. */
export function formatValue(value: number | null): string {
  if (value === null) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(6)).toString();
}

function criterionValue(c: Criterion): string {
  if (c.infinite) return '∞';
  if (c.value === null) return 'n/a';
  return c.unit === 'seconds' ? `${c.value.toFixed(1)} s` : formatPercent(c.value);
}

function criterionThreshold(c: Criterion): string {
  return c.unit === 'seconds' ? `${c.threshold} s` : formatPercent(c.threshold);
}

const MARK = { pass: '✓', fail: '✗', inconclusive: '?' } as const;

/** One line: mark, name, value against threshold, verdict and reason. */
export function formatCriterion(c: Criterion): string {
  return `  ${MARK[c.verdict]} ${c.name.padEnd(12)} ${criterionValue(c).padStart(9)}  (threshold ${criterionThreshold(c)})  ${c.verdict.padEnd(12)} ${c.reason}`;
}

/** One accepted discrepancy that the go/no-go left out of the KPI variance: what, who, when, on which run, why. */
export function formatAccepted(r: Review): string {
  return `  ~ ${r.kpi} [${r.segment}] accepted by ${r.who} on ${r.when.slice(0, 10)} (run ${r.runId}): ${r.reason}`;
}
