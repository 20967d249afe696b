/**
 * Memory-leak detection for a soak: the least-squares slope of peak RSS over time (MB per hour) with its 95%
 * confidence interval, judged against a threshold. Stable needs enough iterations AND the whole interval under
 * the threshold; a leak needs the whole interval over it; anything between is inconclusive.
 */
import type { Verdict } from '../runs/results';

export interface Slope {
  readonly n: number;
  readonly slope: number;
  /** y at x = 0 of the fitted line (what a chart draws the slope line from). */
  readonly intercept: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Two-sided Student t quantile for `p` (e.g. 0.975) and `df` degrees of freedom: exact for 1 and 2, else the
 * Cornish–Fisher expansion around the normal quantile (within 0.2% of tables from df = 3).
 */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  if (df === 1) return 12.706204736;
  if (df === 2) return 4.302652730;
  const z = 1.959963985;
  const z3 = z ** 3, z5 = z ** 5, z7 = z ** 7, z9 = z ** 9;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2)
    + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
    + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df ** 4);
}

/** Slope of y over x with its 95% interval; undefined with fewer than 3 points or no spread in x. */
export function slopeWithInterval(points: readonly { x: number; y: number }[]): Slope | undefined {
  const n = points.length;
  if (n < 3) return undefined;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const residual = points.reduce((a, p) => a + (p.y - my - slope * (p.x - mx)) ** 2, 0);
  const half = tQuantile975(n - 2) * Math.sqrt(residual / (n - 2) / sxx);
  return { n, slope, intercept: my - slope * mx, low: slope - half, high: slope + half };
}

export interface LeakJudgement {
  readonly pipeline: string;
  readonly iterations: number;
  readonly slopeMBPerHour: number | null;
  readonly lowMBPerHour: number | null;
  readonly highMBPerHour: number | null;
  readonly thresholdMBPerHour: number | null;
  readonly verdict: Verdict;
  readonly reason: string;
}

const mb = (v: number): string => `${v.toFixed(1)} MB/h`;

/** Judges one pipeline's peak RSS (bytes) at times (hours since the soak began). */
export function judgeLeak(pipeline: string, points: readonly { hours: number; peakRssBytes: number }[], threshold: number | undefined, minIterations: number): LeakJudgement {
  const fit = slopeWithInterval(points.map((p) => ({ x: p.hours, y: p.peakRssBytes / 2 ** 20 })));
  const base = {
    pipeline, iterations: points.length,
    slopeMBPerHour: fit?.slope ?? null, lowMBPerHour: fit?.low ?? null, highMBPerHour: fit?.high ?? null,
    thresholdMBPerHour: threshold ?? null,
  };
  const shown = fit ? `${mb(fit.slope)} (95% CI ${mb(fit.low)} to ${mb(fit.high)})` : 'no slope';
  if (threshold === undefined) return { ...base, verdict: 'inconclusive', reason: `${pipeline}: memory ${shown}; no performance.leakMBPerHour in cutover.json to judge it by` };
  if (fit && fit.low > threshold) return { ...base, verdict: 'fail', reason: `${pipeline}: memory grows ${shown}, above ${mb(threshold)}: a leak` };
  if (points.length < minIterations || !fit) {
    return { ...base, verdict: 'inconclusive', reason: `${pipeline}: ${points.length} measured iteration(s), ${minIterations} needed to call memory stable (${shown})` };
  }
  if (fit.high <= threshold) return { ...base, verdict: 'pass', reason: `${pipeline}: memory stable, ${shown} ≤ ${mb(threshold)}` };
  return { ...base, verdict: 'inconclusive', reason: `${pipeline}: memory ${shown}: the interval reaches past ${mb(threshold)}; more iterations would tell` };
}
