/**
 * The reconciliation chart's geometry (pure, no DOM, unit-tested): per-day worst |variance| on a log scale, so the
 * 0.1% pass line and the 1% fail line stay visible next to days that are off by 30%. Zero and tiny variances sit
 * on the floor, infinite ones (a KPI missing on one side, V1 = 0) on the ceiling.
 */
import type { KpiVerdict, ReconcileView } from '../../../core/runs/viewModel';
import { formatPercent } from '../../../core/percent';

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  readonly day: string;
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

export function chartModel(view: ReconcileView): ChartModel {
  const finite = view.days.map((d) => (d.worstRelVariance === null ? NaN : Math.abs(d.worstRelVariance))).filter((v) => Number.isFinite(v));
  const largest = Math.max(view.failLine, ...finite);
  // Two decades under the pass line, and one over the largest value (at least over the fail line).
  const min = decade(Math.floor(Math.log10(view.passLine)) - 2);
  const max = decade(Math.ceil(Math.log10(largest * 1.5)));
  const y = (v: number): number => {
    const t = (Math.log10(Math.min(Math.max(v, min), max)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    return round(PLOT.bottom - t * (PLOT.bottom - PLOT.top));
  };
  const yTicks: { y: number; label: string }[] = [];
  for (let e = Math.round(Math.log10(min)); e <= Math.round(Math.log10(max)); e++) yTicks.push({ y: y(decade(e)), label: `${decade(e + 2)}%` });

  const n = view.days.length;
  const x = (i: number): number => round(PLOT.left + ((i + 0.5) * (PLOT.right - PLOT.left)) / Math.max(n, 1));
  const sameYear = new Set(view.days.map((d) => d.day.slice(0, 4))).size <= 1;
  const step = Math.max(1, Math.ceil(n / MAX_X_LABELS));
  const xTicks = view.days.flatMap((d, i) =>
    i % step === 0 ? [{ x: x(i), label: sameYear && /^\d{4}-\d\d-\d\d/.test(d.day) ? d.day.slice(5, 10) : d.day }] : []);

  const points = view.days.map((d, i): ChartPoint => {
    const infinite = d.worstRelVariance === null;
    const abs = infinite ? max : Math.abs(d.worstRelVariance ?? 0);
    const clipped = infinite || abs > max ? 'ceiling' : abs < min ? 'floor' : undefined;
    return {
      x: x(i),
      y: y(abs),
      day: d.day,
      verdict: d.verdict,
      // null without a reason: the KPI is missing on one side (the day exists on one side only).
      variance: infinite && !d.worstNonFinite ? (d.kpis > 0 ? 'missing' : '—') : formatPercent(d.worstRelVariance, d.worstNonFinite),
      kpi: d.worstKpi ? `${d.worstKpi} (${d.worstSegment ?? 'total'})` : '—',
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
    passY: y(view.passLine),
    failY: y(view.failLine),
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
