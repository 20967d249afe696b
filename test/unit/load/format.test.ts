import assert from 'node:assert/strict';
import { figuresLabel, figuresLines, iterationLine, measurementRow } from '../../../src/core/load/format';
import type { LoadResults, SoakResults } from '../../../src/core/runs/results';

const MB = 2 ** 20;
const measurement = {
  pipeline: 'v2', size: '100k', rows: 100_000, copy: 0, exitCode: 0, wallSeconds: 1.234, rowsPerSecond: 81_037.3, samples: 12,
  peakRssBytes: 150 * MB, meanRssBytes: 90 * MB, peakCpuPercent: 54.66, meanCpuPercent: 40, peakThreads: 9, peakOpenFiles: 30, peakProcesses: 1,
  leftovers: [], log: 'logs/v2-100k.log',
};
const load: LoadResults = {
  sizes: [{ size: '100k', rows: 100_000, input: '/in.parquet' }], parallel: 2,
  measurements: [measurement, { ...measurement, copy: 1, exitCode: null, signal: 'SIGKILL', rowsPerSecond: null, peakCpuPercent: null }],
  judgements: [], corruption: [{ pipeline: 'v2', size: '100k', copy: 1, file: 'kpis.parquet', kind: 'missing', expected: 'ab', actual: null }],
  summary: { seconds100k: 1.234, peakCpuPercent: 54.66, peakRssBytes: 150 * MB, corruptionEvents: 1 },
};

describe('load: figures as text', () => {
  it('prints a measurement row with units, and a dash (not 0) for what was not measured', () => {
    assert.deepEqual(measurementRow(measurement), ['v2 100k', 'ok', '1.23 s', '81,037', '150 MB', '90 MB', '54.7%', '40.0%', '0']);
    assert.deepEqual(measurementRow(load.measurements[1]!).slice(0, 7), ['v2 100k #1', 'SIGKILL', '1.23 s', '–', '150 MB', '90 MB', '–']);
  });

  it('labels a load run with the plan\'s figures and lists its measurements and corruption on hover', () => {
    assert.equal(figuresLabel({ load }), 'last v2 100k #1 1.23 s · 100k 1.23 s · CPU ≤ 55% · 1 corrupt');
    const lines = figuresLines({ load });
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^pipeline +exit +wall/);
    assert.equal(lines[3], 'corrupt: v2 100k copy 1: kpis.parquet missing');
    assert.equal(figuresLabel({}), undefined);
    assert.deepEqual(figuresLines({}), []);
  });

  it('labels a soak by its iteration, time and slope, and shows leftovers of a run', () => {
    const it = { iteration: 3, pipeline: 'v2', startedAt: 'x', hours: 0.1, exitCode: 0, injected: false, wallSeconds: 0.5, peakRssBytes: 80 * MB, meanRssBytes: 60 * MB, peakCpuPercent: 30, meanCpuPercent: 20, leftovers: [{ pid: 42, comm: 'sleep', kind: 'orphan' as const }] };
    const soak: SoakResults = {
      pipelines: ['v2'], input: '/in', durationSeconds: 600, intervalSeconds: 30, injectFailures: 0, seed: 1, elapsedSeconds: 90, sessions: 1,
      iterations: [it], leaks: [], failures: [], summary: { worstSlopeMBPerHour: 12.34, zombies: 0, orphans: 1, failures: 0, unrecovered: 0 },
    };
    assert.equal(figuresLabel({ soak }), 'iteration 3 · 1.5/10 min · slope ≤ 12.3 MB/h · peak 80 MB');
    assert.equal(iterationLine(it), '#3 v2 ok · 0.50 s · peak 80 MB · CPU 30.0% · left orphan sleep (42)');
  });
});
