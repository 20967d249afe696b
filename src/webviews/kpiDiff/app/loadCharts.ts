/**
 * Geometry of the load/soak charts (pure, no DOM, unit-tested): lines of points over a linear y axis from zero and
 * an x axis that is either linear (soak time) or one slot per category (input sizes). Reference lines (a slope fit,
 * a threshold) are given in data coordinates. Colours are not chosen here: each series gets a class the theme styles.
 */

export interface XYPointIn {
  readonly x: number;
  readonly y: number;
  /** What a hover and the table say about the point. */
  readonly label: string;
  /** Drawn hollow (e.g. a run left out of the slope fit). */
  readonly hollow?: boolean;
}

export interface XYSeriesIn {
  readonly name: string;
  readonly points: readonly XYPointIn[];
  /** Join the points with a line (false: points only). */
  readonly joined: boolean;
}

/** A straight segment in data coordinates: a fitted slope, a threshold. */
export interface RefLineIn {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** `fit` (in its series' colour) or `limit` (the fail colour). */
  readonly kind: 'fit' | 'limit';
  /** The series a fit belongs to (its colour). */
  readonly series?: number;
  readonly label: string;
}

export interface XYChartIn {
  readonly series: readonly XYSeriesIn[];
  readonly lines?: readonly RefLineIn[];
  /** Category labels: x values are their indexes. Absent: x is linear. */
  readonly categories?: readonly string[];
  readonly xTick: (x: number) => string;
  readonly yTick: (y: number) => string;
}

export interface XYChart {
  readonly width: number;
  readonly height: number;
  readonly plot: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number };
  readonly xTicks: readonly { readonly x: number; readonly label: string }[];
  readonly yTicks: readonly { readonly y: number; readonly label: string }[];
  readonly series: readonly {
    readonly name: string;
    readonly index: number;
    readonly path: string;
    readonly points: readonly { readonly x: number; readonly y: number; readonly label: string; readonly hollow: boolean }[];
  }[];
  readonly lines: readonly { readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number; readonly kind: 'fit' | 'limit'; readonly series: number; readonly label: string }[];
}

const WIDTH = 640;
const HEIGHT = 220;
const PLOT = { left: 58, right: WIDTH - 14, top: 14, bottom: HEIGHT - 34 } as const;
const round = (n: number): number => Math.round(n * 10) / 10;

/** A round step (1, 2 or 5 × 10^k) giving about `count` intervals over `span`. */
export function niceStep(span: number, count = 4): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1.5 ? 1 : m <= 3 ? 2 : m <= 7 ? 5 : 10) * power;
}

export function xyChart(spec: XYChartIn): XYChart {
  const all = [...spec.series.flatMap((s) => s.points), ...(spec.lines ?? []).flatMap((l) => [{ x: l.x1, y: l.y1 }, { x: l.x2, y: l.y2 }])];
  const yMax = Math.max(0, ...all.map((p) => p.y).filter(Number.isFinite));
  const yStep = niceStep(yMax || 1);
  const yTop = Math.max(yStep, Math.ceil((yMax * 1.05) / yStep) * yStep);
  const y = (v: number): number => round(PLOT.bottom - (Math.max(0, v) / yTop) * (PLOT.bottom - PLOT.top));

  let x: (v: number) => number;
  let xTicks: { x: number; label: string }[];
  if (spec.categories) {
    const n = Math.max(spec.categories.length, 1);
    x = (i) => round(PLOT.left + ((i + 0.5) * (PLOT.right - PLOT.left)) / n);
    xTicks = spec.categories.map((label, i) => ({ x: x(i), label }));
  } else {
    const xs = all.map((p) => p.x).filter(Number.isFinite);
    const lo = xs.length > 0 ? Math.min(...xs) : 0;
    const hi = xs.length > 0 ? Math.max(...xs) : 1;
    const from = Math.min(0, lo);
    const step = niceStep(hi - from || 1);
    const to = Math.max(from + step, Math.ceil(hi / step) * step);
    x = (v) => round(PLOT.left + ((v - from) / (to - from)) * (PLOT.right - PLOT.left));
    xTicks = [];
    for (let v = from; v <= to + step / 2; v += step) xTicks.push({ x: x(v), label: spec.xTick(v) });
  }
  const yTicks: { y: number; label: string }[] = [];
  for (let v = 0; v <= yTop + yStep / 2; v += yStep) yTicks.push({ y: y(v), label: spec.yTick(v) });

  const series = spec.series.map((s, index) => {
    const points = s.points.map((p) => ({ x: x(p.x), y: y(p.y), label: p.label, hollow: p.hollow ?? false }));
    return { name: s.name, index, points, path: s.joined ? points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ') : '' };
  });
  const lines = (spec.lines ?? []).map((l) => ({ x1: x(l.x1), y1: y(l.y1), x2: x(l.x2), y2: y(l.y2), kind: l.kind, series: l.series ?? 0, label: l.label }));
  return { width: WIDTH, height: HEIGHT, plot: PLOT, xTicks, yTicks, series, lines };
}
