/**
 * A variance chart's geometry (pure, no DOM, unit-tested), shared by the KPI Diff panel's reconciliation (one point
 * per day) and the Dashboard's KPI drift (one point per run): |variance| on a log scale, so the 0.1% pass line and
 * the 1% fail line stay visible next to points that are off by 30%. Zero and tiny variances sit on the floor,
 * infinite ones (a KPI missing on one side, V1 = 0) on the ceiling.
 */
import type { NonFinite } from '../../../core/runs/results';
import type { KpiVerdict, ReconcileView } from '../../../core/runs/viewModel';
import { formatPercent } from '../../../core/percent';

/** One point to draw: a day of a reconciliation, or a run. */
export interface VarianceSample {
  /** What the point is (a day, a run id). */
  readonly label: string;
  /** Its label on the x axis. */
  readonly tick: string;
  /** The relative variance; null when infinite (named by `nonFinite`) or missing on a side. */
  readonly variance: number | null;
  readonly nonFinite?: NonFinite;
  /** null without `nonFinite` means missing on one side; when nothing was compared it reads `—`. */
  readonly compared: boolean;
  readonly verdict: KpiVerdict;
  readonly kpi: string;
}

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  readonly label: string;
  readonly verdict: KpiVerdict;
  /** The variance as read: `0.42%`, `∞`, `missing` (on one side). */
  readonly variance: string;
  readonly kpi: string;
  /** Drawn at the floor (below the scale) or the ceiling (infinite). */
  readonly clipped?: 'floor' | 'ceiling';
}

export interface ChartModel {
  readonly width: number;
  readonly height: number;
  readonly plot: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number };
  /** The lowest and highest |variance| on the scale. */
  readonly domain: { readonly min: number; readonly max: number };
  readonly yTicks: readonly { readonly y: number; readonly label: string }[];
  readonly xTicks: readonly { readonly x: number; readonly label: string }[];
  readonly passY: number;
  readonly failY: number;
  readonly points: readonly ChartPoint[];
  /** An SVG path through the points, left to right. */
  readonly line: string;
}

// The SVG scales to the panel's width: 12px labels at 640 px, about 8px in a third of a laptop screen.
const WIDTH = 640;
const HEIGHT = 230;
const PLOT = { left: 58, right: WIDTH - 14, top: 14, bottom: HEIGHT - 34 } as const;
/** At most this many date labels: more would overlap at the panel's usual width. */
const MAX_X_LABELS = 8;

const round = (n: number): number => Math.round(n * 10) / 10;
/** 10^e exactly (`10 ** -5` is 0.000009999…, which would shift the floor and its label). */
const decade = (e: number): number => Number(`1e${e}`);

/** A reconciliation: the worst KPI of each day. */
export function chartModel(view: ReconcileView): ChartModel {
  const sameYear = new Set(view.days.map((d) => d.day.slice(0, 4))).size <= 1;
  return varianceChart(view.days.map((d) => ({
    label: d.day,
    tick: sameYear && /^\d{4}-\d\d-\d\d/.test(d.day) ? d.day.slice(5, 10) : d.day,
    variance: d.worstRelVariance,
    ...(d.worstNonFinite ? { nonFinite: d.worstNonFinite } : {}),
    compared: d.kpis > 0,
    verdict: d.verdict,
    kpi: d.worstKpi ? `${d.worstKpi} (${d.worstSegment ?? 'total'})` : '—',
  })), view.passLine, view.failLine);
}

export function varianceChart(samples: readonly VarianceSample[], passLine: number, failLine: number): ChartModel {
  const finite = samples.map((d) => (d.variance === null ? NaN : Math.abs(d.variance))).filter((v) => Number.isFinite(v));
  const largest = Math.max(failLine, ...finite);
  // Two decades under the pass line, and one over the largest value (at least over the fail line).
  const min = decade(Math.floor(Math.log10(passLine)) - 2);
  const max = decade(Math.ceil(Math.log10(largest * 1.5)));
  const y = (v: number): number => {
    const t = (Math.log10(Math.min(Math.max(v, min), max)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    return round(PLOT.bottom - t * (PLOT.bottom - PLOT.top));
  };
  const yTicks: { y: number; label: string }[] = [];
  for (let e = Math.round(Math.log10(min)); e <= Math.round(Math.log10(max)); e++) yTicks.push({ y: y(decade(e)), label: `${decade(e + 2)}%` });

  const n = samples.length;
  const x = (i: number): number => round(PLOT.left + ((i + 0.5) * (PLOT.right - PLOT.left)) / Math.max(n, 1));
  const step = Math.max(1, Math.ceil(n / MAX_X_LABELS));
  const xTicks = samples.flatMap((d, i) => (i % step === 0 ? [{ x: x(i), label: d.tick }] : []));

  const points = samples.map((d, i): ChartPoint => {
    const infinite = d.variance === null;
    const abs = infinite ? max : Math.abs(d.variance ?? 0);
    const clipped = infinite || abs > max ? 'ceiling' : abs < min ? 'floor' : undefined;
    return {
      x: x(i),
      y: y(abs),
      label: d.label,
      verdict: d.verdict,
      // null without a reason: the KPI is missing on one side (e.g. the day exists on one side only).
      variance: infinite && !d.nonFinite ? (d.compared ? 'missing' : '—') : formatPercent(d.variance, d.nonFinite),
      kpi: d.kpi,
      ...(clipped ? { clipped } : {}),
    };
  });
  return {
    width: WIDTH,
    height: HEIGHT,
    plot: PLOT,
    domain: { min, max },
    yTicks,
    xTicks,
    passY: y(passLine),
    failY: y(failLine),
    points,
    line: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' '),
  };
}

/** The chart's title: how many days pass, the worst day and KPI. */
export function chartSummary(view: ReconcileView): string {
  const s = view.summary;
  const worst = s.worstDay ? ` · worst day ${s.worstDay}${s.worstKpi ? `, ${s.worstKpi}` : ''}` : '';
  return `${s.daysPassing} of ${s.days} days pass${worst}`;
}
