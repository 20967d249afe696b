/**
 * A soak: the pipelines run again and again for a duration, each run sampled as a process tree, every run appended
 * to the record as it ends. Judged on memory (leak.ts), what each run left behind, and whether a failure (injected
 * by killing the pipeline mid-run, or its own) was followed by a successful run. `runSoak` loops; `judgeSoak` and
 * the helpers are pure.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { LoadedConfig } from '../config/load';
import type { PerformanceConfig } from '../config/schema';
import type { SoakIteration, SoakResults, Verdict } from '../runs/results';
import { judgeConnections } from './judge';
import { judgeLeak } from './leak';
import { measurePipeline } from './measure';
import type { Side } from './run';
import { pipelineSpec } from './run';

/** Whether iteration `n` of a soak with `seed` kills a pipeline mid-run: a share `p` of iterations, reproducibly. */
export function injects(seed: number, n: number, p: number): boolean {
  if (p <= 0) return false;
  // mulberry32 of (seed, n): a fixed sequence per seed, so a resumed soak makes the same choices.
  let t = (seed * 0x9e3779b1 + n * 0x85ebca6b) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296 < p;
}

/**
 * Each failed run and whether the same pipeline's next run not killed on purpose succeeded (null: none followed
 * yet). A run killed by --inject-failures is no evidence of recovery either way.
 */
export function failuresOf(iterations: readonly SoakIteration[]): SoakResults['failures'] {
  return iterations.flatMap((it, index) => {
    if (it.exitCode === 0) return [];
    const next = iterations.slice(index + 1).find((o) => o.pipeline === it.pipeline && !o.injected);
    return [{ iteration: it.iteration, pipeline: it.pipeline, injected: it.injected, recovered: next ? next.exitCode === 0 : null }];
  });
}

export interface SoakVerdict {
  readonly verdict: Verdict;
  readonly reasons: string[];
  readonly leaks: SoakResults['leaks'];
  readonly failures: SoakResults['failures'];
  readonly summary: SoakResults['summary'];
}

/** The soak as far as it went (a stopped soak's record says `stopped` in its status; its figures are still judged). */
/** The runs a pipeline's memory slope is fitted to: a run killed on purpose or failed says nothing about steady state. */
export function steadyRuns(iterations: readonly SoakIteration[], pipeline: string): { hours: number; peakRssBytes: number; iteration: number }[] {
  return iterations.filter((it) => it.pipeline === pipeline && it.exitCode === 0 && !it.injected && it.peakRssBytes !== null)
    .map((it) => ({ hours: it.hours, peakRssBytes: it.peakRssBytes as number, iteration: it.iteration }));
}

export function judgeSoak(soak: Pick<SoakResults, 'pipelines' | 'iterations' | 'connections'>, performance: PerformanceConfig | undefined): SoakVerdict {
  const failures = failuresOf(soak.iterations);
  const leaks = soak.pipelines.map((pipeline) => judgeLeak(
    pipeline,
    steadyRuns(soak.iterations, pipeline),
    performance?.leakMBPerHour,
    performance?.minSoakIterations ?? 10,
  ));
  const left = soak.iterations.flatMap((it) => it.leftovers.map((l) => ({ ...l, it })));
  const fails: string[] = leaks.filter((l) => l.verdict === 'fail').map((l) => l.reason);
  // Every connection slot taken at some point: new connections were refused then.
  const connections = (soak.connections ?? []).flatMap((c) => judgeConnections(c) ?? []);
  fails.push(...connections.filter((c) => c.verdict === 'fail').map((c) => c.reason));
  for (const l of left) fails.push(`iteration ${l.it.iteration}: ${l.it.pipeline} left ${l.kind} ${l.comm} (pid ${l.pid})`);
  for (const f of failures) {
    if (!f.injected) fails.push(`iteration ${f.iteration}: ${f.pipeline} failed on its own`);
    if (f.recovered === false) fails.push(`iteration ${f.iteration}: ${f.pipeline} did not recover in its next run`);
  }
  const unsure: string[] = leaks.filter((l) => l.verdict === 'inconclusive').map((l) => l.reason);
  for (const f of failures) if (f.recovered === null) unsure.push(`iteration ${f.iteration}: ${f.pipeline} failed and no run followed to show recovery`);
  if (soak.iterations.length === 0) unsure.push('no iteration ran');
  const highs = leaks.flatMap((l) => (l.highMBPerHour === null ? [] : [l.highMBPerHour]));
  const summary = {
    worstSlopeMBPerHour: highs.length === 0 ? null : Math.max(...highs),
    zombies: left.filter((l) => l.kind === 'zombie').length,
    orphans: left.filter((l) => l.kind === 'orphan').length,
    failures: failures.length,
    unrecovered: failures.filter((f) => f.recovered === false).length,
  };
  if (fails.length > 0) return { verdict: 'fail', reasons: fails, leaks, failures, summary };
  if (unsure.length > 0) return { verdict: 'inconclusive', reasons: unsure, leaks, failures, summary };
  return { verdict: 'pass', reasons: [...leaks.map((l) => l.reason), ...connections.map((c) => c.reason)], leaks, failures, summary };
}

export interface SoakLoopSpec {
  readonly loaded: LoadedConfig;
  readonly input: string;
  readonly pipelines: readonly Side[];
  readonly durationSeconds: number;
  readonly intervalSeconds: number;
  readonly injectFailures: number;
  readonly seed: number;
  readonly runDir: string;
  readonly logPath: (name: string) => string;
  /** Iterations already recorded (a resumed soak) and the soak time they took. */
  readonly previous: readonly SoakIteration[];
  readonly elapsedSeconds: number;
  readonly signal: AbortSignal;
  readonly intervalMs?: number;
  /** The database connections' peaks since the last call (per PostgreSQL channel), when some are counted. */
  readonly connections?: () => SoakIteration['connections'];
  /** Called with every run as it ends, and the soak time so far. */
  readonly onIteration: (iteration: SoakIteration, elapsedSeconds: number) => Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Loops until the soak's duration is reached or `signal` aborts; resolves to the soak time reached. */
export async function runSoak(spec: SoakLoopSpec): Promise<number> {
  const t0 = performance.now() - spec.elapsedSeconds * 1000;
  const elapsed = (): number => (performance.now() - t0) / 1000;
  let n = spec.previous.reduce((m, it) => Math.max(m, it.iteration), 0);
  const lastWall = new Map<string, number>();
  for (const it of spec.previous) if (it.exitCode === 0) lastWall.set(it.pipeline, it.wallSeconds);
  while (!spec.signal.aborted && elapsed() < spec.durationSeconds) {
    n++;
    const started = performance.now();
    const inject = injects(spec.seed, n, spec.injectFailures);
    const victim = inject ? spec.pipelines[n % spec.pipelines.length] : undefined;
    for (const side of spec.pipelines) {
      if (spec.signal.aborted) break;
      const output = join(spec.runDir, 'outputs', side);
      // Only the last output is kept: a soak of thousands of runs must not fill the disk.
      await rm(output, { recursive: true, force: true });
      const log = spec.logPath(`${side}-${String(n).padStart(5, '0')}`);
      const kill = new AbortController();
      const stop = (): void => kill.abort();
      spec.signal.addEventListener('abort', stop, { once: true });
      // Killed mid-run: half-way through, going by its last successful run.
      const injectTimer = side === victim ? setTimeout(stop, Math.max(50, 500 * (lastWall.get(side) ?? 0.2))) : undefined;
      const startedAt = new Date().toISOString();
      const hours = elapsed() / 3600;
      // A new window of the connection counts: this run's peak, not the pause before it.
      spec.connections?.();
      const { result, figures, leftovers } = await measurePipeline(
        pipelineSpec(spec.loaded, side, spec.input, output, spec.runDir, log, kill.signal),
        { killLeftovers: true, ...(spec.intervalMs ? { intervalMs: spec.intervalMs } : {}) },
      );
      if (injectTimer) clearTimeout(injectTimer);
      spec.signal.removeEventListener('abort', stop);
      // A run cut short by the user's cancel is not an iteration: it is neither a failure nor a figure.
      if (spec.signal.aborted) break;
      const injected = side === victim && result.cancelled;
      if (result.exitCode === 0) lastWall.set(side, result.durationMs / 1000);
      const connections = spec.connections?.();
      await spec.onIteration({
        iteration: n, pipeline: side, startedAt, hours,
        exitCode: result.exitCode, ...(result.signal ? { signal: result.signal } : {}), injected,
        wallSeconds: result.durationMs / 1000,
        peakRssBytes: figures.peakRssBytes, meanRssBytes: figures.meanRssBytes,
        peakCpuPercent: figures.peakCpuPercent, meanCpuPercent: figures.meanCpuPercent,
        leftovers: [...leftovers],
        ...(connections && connections.length > 0 ? { connections } : {}),
      }, elapsed());
    }
    // Iterations start every interval (at once when one took longer); the soak ends at its duration, not after it.
    const wait = Math.min(spec.intervalSeconds * 1000 - (performance.now() - started), (spec.durationSeconds - elapsed()) * 1000);
    if (wait > 0) await sleep(wait, spec.signal);
  }
  return elapsed();
}
