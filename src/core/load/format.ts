/**
 * Load and soak figures as text, one formatter for every surface: the CLI's lines as runs end, the Runs view's
 * description and hover of a load or soak run (finished or still running), and the tables of its results view.
 */
import type { LoadMeasurement, RunResults, SoakIteration } from '../runs/results';

const MB = 2 ** 20;
const fixed = (v: number | null, digits: number, unit = ''): string => (v === null ? '–' : `${v.toFixed(digits)}${unit}`);
const mb = (bytes: number | null): string => fixed(bytes === null ? null : bytes / MB, 0, ' MB');

export const MEASUREMENT_HEADER = ['pipeline', 'exit', 'wall', 'rows/s', 'peak RSS', 'mean RSS', 'peak CPU', 'mean CPU', 'left'];

export function measurementRow(m: LoadMeasurement): string[] {
  return [
    `${m.pipeline} ${m.size}${m.copy > 0 ? ` #${m.copy}` : ''}`,
    m.exitCode === 0 ? 'ok' : m.exitCode === null ? (m.signal ?? 'killed') : `exit ${m.exitCode}`,
    fixed(m.wallSeconds, 2, ' s'),
    m.rowsPerSecond === null ? '–' : Math.round(m.rowsPerSecond).toLocaleString('en-US'),
    mb(m.peakRssBytes),
    mb(m.meanRssBytes),
    fixed(m.peakCpuPercent, 1, '%'),
    fixed(m.meanCpuPercent, 1, '%'),
    String(m.leftovers.length),
  ];
}

export const ITERATION_HEADER = ['run', 'pipeline', 'at', 'result', 'wall', 'peak RSS', 'mean RSS', 'peak CPU', 'mean CPU', 'connections', 'left'];

/** How a soak run ended: ok, killed (injected), a signal, or its exit code. */
export function iterationResult(it: SoakIteration): string {
  return it.exitCode === 0 ? 'ok' : it.injected ? 'killed (injected)' : it.exitCode === null ? (it.signal ?? 'killed') : `exit ${it.exitCode}`;
}

export function iterationRow(it: SoakIteration): string[] {
  return [
    `#${it.iteration}`,
    it.pipeline,
    `${(it.hours * 60).toFixed(1)} min`,
    iterationResult(it),
    fixed(it.wallSeconds, 2, ' s'),
    mb(it.peakRssBytes),
    mb(it.meanRssBytes),
    fixed(it.peakCpuPercent, 1, '%'),
    fixed(it.meanCpuPercent, 1, '%'),
    it.connections?.map((c) => `${c.channel} ${c.peak ?? '?'}`).join(', ') ?? '–',
    it.leftovers.map((l) => `${l.kind} ${l.comm} (${l.pid})`).join(', ') || '0',
  ];
}

/** Fixed widths, so rows printed one at a time as they come line up. */
export function alignedRow(cells: readonly string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(14) : c.padStart(10))).join(' ').trimEnd();
}

export function iterationLine(it: SoakIteration): string {
  const how = iterationResult(it);
  const left = it.leftovers.length > 0 ? ` · left ${it.leftovers.map((l) => `${l.kind} ${l.comm} (${l.pid})`).join(', ')}` : '';
  return `#${it.iteration} ${it.pipeline} ${how} · ${it.wallSeconds.toFixed(2)} s · peak ${mb(it.peakRssBytes)} · CPU ${fixed(it.peakCpuPercent, 1, '%')}${left}`;
}

/** A few words for a list: the plan's figures of a load run, or how far a soak has got. Undefined for other runs. */
export function figuresLabel(results: RunResults): string | undefined {
  if (results.soak) {
    const s = results.soak;
    const last = s.iterations.at(-1);
    return [`iteration ${last?.iteration ?? 0}`, `${(s.elapsedSeconds / 60).toFixed(1)}/${(s.durationSeconds / 60).toFixed(0)} min`,
      s.summary.worstSlopeMBPerHour !== null ? `slope ≤ ${s.summary.worstSlopeMBPerHour.toFixed(1)} MB/h` : undefined,
      last ? `peak ${mb(last.peakRssBytes)}` : undefined].filter(Boolean).join(' · ');
  }
  if (results.load) {
    const l = results.load;
    const last = l.measurements.at(-1);
    return [last ? `last ${last.pipeline} ${last.size}${last.copy > 0 ? ` #${last.copy}` : ''} ${last.wallSeconds.toFixed(2)} s` : undefined,
      l.summary.seconds100k !== null ? `100k ${l.summary.seconds100k.toFixed(2)} s` : undefined,
      l.summary.peakCpuPercent !== null ? `CPU ≤ ${l.summary.peakCpuPercent.toFixed(0)}%` : undefined,
      l.summary.corruptionEvents !== null ? `${l.summary.corruptionEvents} corrupt` : undefined].filter(Boolean).join(' · ') || undefined;
  }
  return undefined;
}

/** The figures behind a load or soak run, as a text table for a hover; [] for other runs. */
export function figuresLines(results: RunResults): string[] {
  if (results.load) {
    const rows = [MEASUREMENT_HEADER, ...results.load.measurements.map(measurementRow)].map(alignedRow);
    const corrupt = (results.load.corruption ?? []).map((e) => `corrupt: ${e.pipeline} ${e.size} copy ${e.copy}: ${e.file} ${e.kind}`);
    return [...rows, ...corrupt];
  }
  if (results.soak) {
    const s = results.soak;
    return [
      ...s.leaks.map((l) => l.reason),
      `zombies ${s.summary.zombies} · orphans ${s.summary.orphans} · failures ${s.summary.failures} (unrecovered ${s.summary.unrecovered})`,
      ...s.iterations.slice(-10).map(iterationLine),
    ];
  }
  return [];
}
