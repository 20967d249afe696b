/**
 * Turns load figures into verdicts against cutover.json `performance`, each with its value, threshold and reason.
 * A figure that could not be measured is inconclusive, never a pass; a run with nothing to judge is inconclusive.
 */
import type { PerformanceConfig } from '../config/schema';
import type { ConnectionFigures, CorruptionEvent, LoadJudgement, LoadMeasurement, LoadResults, Verdict } from '../runs/results';
import { parseSize } from './sizes';

const MB = 1024 * 1024;

function seconds(value: number): string {
  return `${value.toFixed(2)} s`;
}

/** The seconds budget for `rows`, whichever way the size is written in cutover.json (100k, 100000). */
function secondsFor(performance: PerformanceConfig | undefined, rows: number): number | undefined {
  for (const [label, limit] of Object.entries(performance?.seconds ?? {})) {
    if (parseSize(label, 'performance.seconds') === rows) return limit;
  }
  return undefined;
}

/** One measurement's judgements (exit, leftovers, then each figure that has a threshold). */
export function judgeMeasurement(m: LoadMeasurement, performance: PerformanceConfig | undefined): LoadJudgement[] {
  const at = { pipeline: m.pipeline, size: m.size };
  const who = `${m.pipeline} at ${m.size}${m.copy > 0 ? ` (copy ${m.copy})` : ''}`;
  const out: LoadJudgement[] = [];
  const ok = m.exitCode === 0;
  out.push({ ...at, criterion: 'exit', value: m.exitCode, threshold: 0, verdict: ok ? 'pass' : 'fail', reason: ok ? `${who} exited 0` : `${who} ${m.exitCode === null ? `was killed (${m.signal ?? 'signal'})` : `exited ${m.exitCode}`}` });
  out.push({
    ...at, criterion: 'leftovers', value: m.leftovers.length, threshold: 0,
    verdict: m.leftovers.length === 0 ? 'pass' : 'fail',
    reason: m.leftovers.length === 0 ? `${who} left no process behind` : `${who} left ${m.leftovers.map((l) => `${l.kind} ${l.comm} (pid ${l.pid})`).join(', ')}`,
  });
  if (m.copy > 0) return out; // budgets are for a pipeline alone; copies are judged on exit, leftovers and outputs
  const judge = (criterion: string, value: number | null, threshold: number | undefined, show: (v: number) => string, missing: string): void => {
    if (threshold === undefined) return;
    if (value === null) {
      out.push({ ...at, criterion, value, threshold, verdict: 'inconclusive', reason: `${who}: ${missing}` });
      return;
    }
    const verdict: Verdict = value <= threshold ? 'pass' : 'fail';
    out.push({ ...at, criterion, value, threshold, verdict, reason: `${who}: ${criterion} ${show(value)} ${verdict === 'pass' ? '≤' : '>'} ${show(threshold)}` });
  };
  judge('seconds', ok ? m.wallSeconds : null, secondsFor(performance, m.rows), seconds, 'no wall time: the pipeline did not finish');
  judge('peak CPU', m.peakCpuPercent, performance?.maxCpuPercent, (v) => `${v.toFixed(1)}%`, 'no CPU figure (it ran shorter than two samples)');
  judge('peak RSS', m.peakRssBytes === null ? null : m.peakRssBytes / MB, performance?.maxRssMB, (v) => `${v.toFixed(0)} MB`, 'no memory figure (no sample taken)');
  return out;
}

export interface LoadVerdict {
  readonly verdict: Verdict;
  readonly reasons: string[];
  readonly judgements: LoadJudgement[];
}

/** Peak database connections against max_connections: all slots taken means new connections were refused. */
export function judgeConnections(c: ConnectionFigures): LoadJudgement | undefined {
  if (c.peak === null || c.maxConnections === null) return undefined;
  const full = c.peak >= c.maxConnections;
  return {
    pipeline: 'all', size: 'all', criterion: 'connections', value: c.peak, threshold: c.maxConnections, verdict: full ? 'fail' : 'pass',
    reason: `${c.channel}: peak ${c.peak} client connections (${c.baseline ?? 0} before the pipelines) ${full ? '≥' : '<'} max_connections ${c.maxConnections}`,
  };
}

const PERFORMANCE = new Set(['seconds', 'peak CPU', 'peak RSS']);

export function judgeLoad(measurements: readonly LoadMeasurement[], corruption: readonly CorruptionEvent[], performance: PerformanceConfig | undefined, connections: readonly ConnectionFigures[] = []): LoadVerdict {
  const judgements = [...measurements.flatMap((m) => judgeMeasurement(m, performance)), ...connections.flatMap((c) => judgeConnections(c) ?? [])];
  const failed = judgements.filter((j) => j.verdict === 'fail').map((j) => j.reason);
  for (const e of corruption) failed.push(`corruption: ${e.pipeline} at ${e.size}, copy ${e.copy}: ${e.file} ${e.kind}`);
  if (failed.length > 0) return { verdict: 'fail', reasons: failed, judgements };
  const unsure = judgements.filter((j) => j.verdict === 'inconclusive').map((j) => j.reason);
  if (measurements.length === 0) unsure.push('nothing was measured');
  if (!judgements.some((j) => PERFORMANCE.has(j.criterion))) {
    unsure.push('no performance thresholds apply: set performance.seconds / maxCpuPercent / maxRssMB in cutover.json');
  }
  if (unsure.length > 0) return { verdict: 'inconclusive', reasons: unsure, judgements };
  return { verdict: 'pass', reasons: judgements.filter((j) => PERFORMANCE.has(j.criterion) || j.criterion === 'connections').map((j) => j.reason), judgements };
}

/** The figures the plan's success criteria read (100k latency, CPU and memory peaks, corruption count). */
export function loadSummary(measurements: readonly LoadMeasurement[], corruption: readonly CorruptionEvent[], parallel: number): LoadResults['summary'] {
  const max = (values: (number | null)[]): number | null => {
    const known = values.filter((v): v is number => v !== null);
    return known.length === 0 ? null : Math.max(...known);
  };
  const sequential = measurements.filter((m) => m.copy === 0);
  const at100k = sequential.filter((m) => m.rows === 100_000);
  return {
    // A failed run has no latency worth reporting: it is no figure, not a fast one.
    seconds100k: at100k.length === 0 || at100k.some((m) => m.exitCode !== 0) ? null : max(at100k.map((m) => m.wallSeconds)),
    peakCpuPercent: max(sequential.map((m) => m.peakCpuPercent)),
    peakRssBytes: max(sequential.map((m) => m.peakRssBytes)),
    corruptionEvents: parallel > 1 ? corruption.length : null,
  };
}
