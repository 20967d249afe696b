/**
 * A load or soak run as its results view shows it (the KPI Diff panel's load/soak section): the series its charts
 * draw and the rows of the tables behind them, plain JSON-safe data computed from the record. The memory slope line
 * is fitted to the same runs, by the same function, as the leak verdict (soak.ts `steadyRuns`, leak.ts).
 */
import type { ConnectionFigures, CorruptionEvent, LoadJudgement, LoadMeasurement, LoadResults, RunResults, SoakIteration, SoakResults, Verdict } from '../runs/results';
import { slopeWithInterval } from './leak';
import { steadyRuns } from './soak';

export interface Leftover {
  readonly pipeline: string;
  /** `100k #2` for a load measurement, `#12` for a soak iteration. */
  readonly run: string;
  readonly pid: number;
  readonly comm: string;
  readonly kind: 'zombie' | 'orphan';
}

export interface LatencyPoint {
  readonly size: string;
  readonly rows: number;
  readonly seconds: number;
  /** cutover.json performance.seconds for this size; null when none is set. */
  readonly threshold: number | null;
  readonly verdict: Verdict | null;
}

export interface LoadView {
  readonly parallel: number;
  readonly sizes: readonly { readonly size: string; readonly rows: number }[];
  /** Wall time of each pipeline's run alone (copy 0) by size: the latency chart, one line per pipeline. */
  readonly latency: readonly { readonly pipeline: string; readonly points: readonly LatencyPoint[] }[];
  readonly measurements: readonly LoadMeasurement[];
  readonly judgements: readonly LoadJudgement[];
  readonly corruption: readonly CorruptionEvent[];
  readonly connections: readonly ConnectionFigures[];
  readonly leftovers: readonly Leftover[];
  readonly summary: LoadResults['summary'];
}

export interface MemoryPoint {
  readonly iteration: number;
  readonly hours: number;
  readonly mb: number;
  /** Fitted by the slope (a failed or deliberately killed run is drawn, not fitted). */
  readonly steady: boolean;
}

export interface SoakView {
  readonly pipelines: readonly string[];
  readonly durationSeconds: number;
  readonly elapsedSeconds: number;
  readonly intervalSeconds: number;
  readonly sessions: number;
  /** Peak RSS per run over soak time, with the fitted line and its verdict, per pipeline. */
  readonly memory: readonly {
    readonly pipeline: string;
    readonly points: readonly MemoryPoint[];
    /** MB = intercept + slope · hours, over [from, to] hours; null with fewer than 3 steady runs. */
    readonly fit: { readonly slope: number; readonly intercept: number; readonly low: number; readonly high: number; readonly from: number; readonly to: number } | null;
    readonly leak: SoakResults['leaks'][number] | null;
  }[];
  /** Peak and mean CPU (% of the machine) per run over soak time, per pipeline. */
  readonly cpu: readonly { readonly pipeline: string; readonly points: readonly { readonly iteration: number; readonly hours: number; readonly peak: number; readonly mean: number | null }[] }[];
  readonly iterations: readonly SoakIteration[];
  readonly failures: SoakResults['failures'];
  readonly leftovers: readonly Leftover[];
  readonly connections: readonly ConnectionFigures[];
  readonly summary: SoakResults['summary'];
}

export interface PerformanceView {
  readonly load: LoadView | null;
  readonly soak: SoakView | null;
}

const MB = 2 ** 20;

function loadView(l: LoadResults): LoadView {
  const pipelines = [...new Set(l.measurements.map((m) => m.pipeline))];
  const judged = (m: LoadMeasurement): LoadJudgement | undefined =>
    l.judgements.find((j) => j.pipeline === m.pipeline && j.size === m.size && j.criterion === 'seconds');
  return {
    parallel: l.parallel,
    sizes: l.sizes.map((s) => ({ size: s.size, rows: s.rows })),
    latency: pipelines.map((pipeline) => ({
      pipeline,
      points: l.measurements.filter((m) => m.pipeline === pipeline && m.copy === 0).sort((a, b) => a.rows - b.rows).map((m) => ({
        size: m.size, rows: m.rows, seconds: m.wallSeconds, threshold: judged(m)?.threshold ?? null, verdict: judged(m)?.verdict ?? null,
      })),
    })),
    measurements: l.measurements,
    judgements: l.judgements,
    corruption: l.corruption,
    connections: l.connections ?? [],
    leftovers: l.measurements.flatMap((m) => m.leftovers.map((x) => ({ pipeline: m.pipeline, run: `${m.size}${m.copy > 0 ? ` #${m.copy}` : ''}`, ...x }))),
    summary: l.summary,
  };
}

function soakView(s: SoakResults): SoakView {
  return {
    pipelines: s.pipelines,
    durationSeconds: s.durationSeconds,
    elapsedSeconds: s.elapsedSeconds,
    intervalSeconds: s.intervalSeconds,
    sessions: s.sessions,
    memory: s.pipelines.map((pipeline) => {
      const steady = steadyRuns(s.iterations, pipeline);
      const fitted = new Set(steady.map((r) => r.iteration));
      const fit = slopeWithInterval(steady.map((r) => ({ x: r.hours, y: r.peakRssBytes / MB })));
      const hours = steady.map((r) => r.hours);
      return {
        pipeline,
        points: s.iterations.filter((it) => it.pipeline === pipeline && it.peakRssBytes !== null)
          .map((it) => ({ iteration: it.iteration, hours: it.hours, mb: (it.peakRssBytes as number) / MB, steady: fitted.has(it.iteration) })),
        fit: fit ? { slope: fit.slope, intercept: fit.intercept, low: fit.low, high: fit.high, from: Math.min(...hours), to: Math.max(...hours) } : null,
        leak: s.leaks.find((l) => l.pipeline === pipeline) ?? null,
      };
    }),
    cpu: s.pipelines.map((pipeline) => ({
      pipeline,
      points: s.iterations.filter((it) => it.pipeline === pipeline && it.peakCpuPercent !== null)
        .map((it) => ({ iteration: it.iteration, hours: it.hours, peak: it.peakCpuPercent as number, mean: it.meanCpuPercent })),
    })),
    iterations: s.iterations,
    failures: s.failures,
    leftovers: s.iterations.flatMap((it) => it.leftovers.map((x) => ({ pipeline: it.pipeline, run: `#${it.iteration}`, ...x }))),
    connections: s.connections ?? [],
    summary: s.summary,
  };
}

/** The load and soak parts of a run's results, as the view shows them; null for a run that has neither. */
export function performanceView(results: RunResults): PerformanceView | null {
  if (!results.load && !results.soak) return null;
  return { load: results.load ? loadView(results.load) : null, soak: results.soak ? soakView(results.soak) : null };
}
