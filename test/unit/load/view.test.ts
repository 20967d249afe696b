/** The load/soak results view: its series and tables from a record, and the charts' geometry. */
import assert from 'node:assert/strict';
import { judgeSoak } from '../../../src/core/load/soak';
import { performanceView } from '../../../src/core/load/view';
import type { LoadMeasurement, LoadResults, SoakIteration, SoakResults } from '../../../src/core/runs/results';
import { niceStep, xyChart } from '../../../src/webviews/kpiDiff/app/loadCharts';

const MB = 2 ** 20;

function measurement(pipeline: string, size: string, rows: number, copy: number, wallSeconds: number, extra: Partial<LoadMeasurement> = {}): LoadMeasurement {
  return {
    pipeline, size, rows, copy, exitCode: 0, wallSeconds, rowsPerSecond: rows / wallSeconds, samples: 10,
    peakRssBytes: 100 * MB, meanRssBytes: 80 * MB, peakCpuPercent: 50, meanCpuPercent: 40, peakThreads: 4, peakOpenFiles: 9, peakProcesses: 1,
    leftovers: [], log: `logs/${pipeline}-${size}.log`, ...extra,
  };
}

function iteration(n: number, peakMB: number, extra: Partial<SoakIteration> = {}): SoakIteration {
  return {
    iteration: n, pipeline: 'v2', startedAt: '2026-12-01T00:00:00Z', hours: n / 60, exitCode: 0, injected: false, wallSeconds: 1,
    peakRssBytes: peakMB * MB, meanRssBytes: peakMB * MB * 0.8, peakCpuPercent: 40 + n, meanCpuPercent: 30, leftovers: [], ...extra,
  };
}

describe('load: results view model', () => {
  it('is null for a run without load or soak figures', () => {
    assert.equal(performanceView({}), null);
  });

  it('draws latency from each pipeline run alone, by size, with its threshold; lists leftovers of any copy', () => {
    const load: LoadResults = {
      sizes: [{ size: '10k', rows: 10_000, input: 'a' }, { size: '100k', rows: 100_000, input: 'b' }], parallel: 2,
      measurements: [
        measurement('v2', '100k', 100_000, 0, 4), measurement('v2', '10k', 10_000, 0, 1), measurement('v2', '10k', 10_000, 1, 9),
        measurement('v1', '10k', 10_000, 0, 2, { leftovers: [{ pid: 7, comm: 'sleep', kind: 'zombie' }] }),
      ],
      judgements: [{ pipeline: 'v2', size: '100k', criterion: 'seconds', value: 4, threshold: 10, verdict: 'pass', reason: 'ok' }],
      corruption: [], summary: { seconds100k: 4, peakCpuPercent: 50, peakRssBytes: 100 * MB, corruptionEvents: 0 },
    };
    const view = performanceView({ load })!.load!;
    assert.deepEqual(view.latency.map((s) => [s.pipeline, s.points.map((p) => [p.size, p.seconds, p.threshold, p.verdict])]), [
      ['v2', [['10k', 1, null, null], ['100k', 4, 10, 'pass']]],
      ['v1', [['10k', 2, null, null]]],
    ]);
    assert.deepEqual(view.leftovers, [{ pipeline: 'v1', run: '10k', pid: 7, comm: 'sleep', kind: 'zombie' }]);
    assert.equal(view.measurements.length, 4, 'the table lists the copies too');
  });

  it('fits the memory line to the same runs as the leak verdict, and draws the others hollow', () => {
    const iterations = [1, 2, 3, 4, 5, 6].map((n) => iteration(n, 100 + 2 * n));
    iterations.push(iteration(7, 400, { exitCode: null, injected: true, signal: 'SIGTERM' }));
    const judged = judgeSoak({ pipelines: ['v2'], iterations }, { seconds: {}, leakMBPerHour: 10, minSoakIterations: 3 });
    const soak: SoakResults = {
      pipelines: ['v2'], input: '/in', durationSeconds: 600, intervalSeconds: 60, injectFailures: 0.1, seed: 1, elapsedSeconds: 420, sessions: 1,
      iterations, leaks: judged.leaks, failures: judged.failures, summary: judged.summary,
    };
    const memory = performanceView({ soak })!.soak!.memory[0]!;
    // 2 MB per iteration, one iteration a minute: 120 MB/h; the killed run (400 MB) is left out of the fit.
    assert.ok(Math.abs(memory.fit!.slope - 120) < 1e-9, String(memory.fit?.slope));
    assert.equal(memory.fit!.slope, judged.leaks[0]!.slopeMBPerHour);
    assert.ok(Math.abs(memory.fit!.intercept - 100) < 1e-9, String(memory.fit?.intercept));
    assert.deepEqual([memory.fit!.from, memory.fit!.to], [1 / 60, 6 / 60]);
    assert.deepEqual(memory.points.map((p) => p.steady), [true, true, true, true, true, true, false]);
    assert.equal(memory.leak?.verdict, 'fail');
  });
});

describe('load: chart geometry', () => {
  it('picks round steps', () => {
    assert.deepEqual([niceStep(10), niceStep(7), niceStep(0.3), niceStep(250), niceStep(0)], [2, 2, 0.1, 50, 1]);
  });

  it('puts categories in equal slots, starts y at zero above the highest value, and maps lines in data units', () => {
    const m = xyChart({
      categories: ['10k', '100k'],
      series: [{ name: 'v2', joined: true, points: [{ x: 0, y: 1, label: 'a' }, { x: 1, y: 4, label: 'b' }] }],
      lines: [{ x1: 0.7, y1: 10, x2: 1.3, y2: 10, kind: 'limit', label: 'threshold' }],
      xTick: (i) => String(i),
      yTick: (v) => `${v} s`,
    });
    const { left, right, bottom, top } = m.plot;
    assert.deepEqual(m.xTicks.map((t) => t.label), ['10k', '100k']);
    assert.equal(m.series[0]!.points[0]!.x, Math.round((left + (right - left) / 4) * 10) / 10);
    assert.equal(m.yTicks[0]!.label, '0 s');
    assert.equal(m.yTicks[0]!.y, bottom);
    // The threshold (10 s) is the highest value: the axis reaches past it, and the line sits under the top.
    assert.ok(m.lines[0]!.y1 > top && m.lines[0]!.y1 < m.series[0]!.points[1]!.y, JSON.stringify(m.lines));
    assert.match(m.series[0]!.path, /^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);
  });

  it('spans a linear x axis from zero to a round end past the last point, points drawn hollow when asked', () => {
    const m = xyChart({
      series: [{ name: 'v2', joined: false, points: [{ x: 1, y: 5, label: 'a' }, { x: 9, y: 7, label: 'b', hollow: true }] }],
      xTick: (v) => `${v} min`,
      yTick: (v) => `${v} MB`,
    });
    assert.equal(m.xTicks[0]!.label, '0 min');
    assert.equal(m.xTicks.at(-1)!.label, '10 min');
    assert.equal(m.series[0]!.path, '', 'points only');
    assert.deepEqual(m.series[0]!.points.map((p) => p.hollow), [false, true]);
  });
});
