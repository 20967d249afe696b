/** The KPI Diff panel's pure parts: the run as the panel shows it, the accepted lines, number formatting. */
import * as assert from 'node:assert/strict';
import type { RunRecord } from '../../../src/core/runs/record';
import type { KpiLine } from '../../../src/core/runs/results';
import type { Review } from '../../../src/core/reviews/store';
import { formatNumber, formatSigned } from '../../../src/webviews/common/app/format';
import { formatPercent } from '../../../src/core/percent';
import { acceptedLines, runView } from '../../../src/core/runs/view';

const tol = { abs: 0, passLine: 0.001, failLine: 0.01 };
function line(segment: string, kpi: string, v1: number, v2: number | null, verdict: KpiLine['verdict']): KpiLine {
  return { segment, kpi, v1, v2, delta: v2 === null ? null : v2 - v1, relVariance: v2 === null ? null : Math.abs(v2 - v1) / v1, tolerance: tol, verdict, reason: `${verdict} because` };
}

const record: RunRecord = {
  schemaVersion: 1, id: '20260101-000000-000-abcdef', kind: 'shadow', status: 'complete',
  startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:02.500Z',
  phases: [{ name: 'pipelines', ms: 1000 }, { name: 'compare', ms: 400 }],
  commands: [{ name: 'v1', argv: [], cwd: '/', exitCode: 0, ms: 900 }, { name: 'v2', argv: [], cwd: '/', exitCode: 0, ms: 950 }],
  inputs: [], outputs: [], thresholds: {}, versions: { cutover: 't', node: 'v' },
  verdict: { verdict: 'fail', reasons: ['2 of 4 KPIs fail'] },
  results: {
    input: { name: 'sample', path: '/data/sample.parquet' },
    kpis: {
      verdict: 'fail', counts: { total: 4, pass: 1, inconclusive: 1, fail: 2, noise: 0 },
      kpis: [
        line('total', 'a', 100, 100, 'pass'),
        line('total', 'b', 100, 100.5, 'inconclusive'),
        line('total', 'c', 100, 102, 'fail'),
        line('product=x', 'c', 100, null, 'fail'),
      ],
    },
    declarative: {
      comparison: {
        verdict: 'fail', counts: { total: 2, pass: 1, inconclusive: 0, fail: 1, noise: 0 },
        kpis: [line('total', 'dq30', 0.1, 0.1, 'pass'), line('total', 'dq60', 0.1, 0.2, 'fail')],
      },
      selfCheck: {
        v1: { verdict: 'pass', counts: { total: 0, pass: 0, inconclusive: 0, fail: 0, noise: 0 }, kpis: [] },
        v2: { verdict: 'pass', counts: { total: 0, pass: 0, inconclusive: 0, fail: 0, noise: 0 }, kpis: [] },
      },
    },
    profiles: {
      v2: { rows: 10, columns: [{ name: 'rate', type: 'DOUBLE', nulls: 2, nullRate: 0.2, nan: 1, posInf: 0, negInf: 0, outOfBounds: 3 }] },
    },
  },
};

describe('KPI Diff panel model', () => {
  it('orders failing first (missing values as the largest variance), then inconclusive, then pass', () => {
    const view = runView(record);
    assert.deepEqual(view.kpis.map((k) => `${k.kpi}/${k.segment}`), ['c/product=x', 'c/total', 'b/total', 'a/total']);
    assert.deepEqual(view.worst, { relVariance: null, infinite: true, label: 'c [product=x]' });
  });

  it('carries the header facts and shows absent parts as absent', () => {
    const view = runView(record);
    assert.deepEqual(view.counts, { total: 4, pass: 1, inconclusive: 1, fail: 2, noise: 0 });
    assert.deepEqual(view.durations, [{ name: 'total', ms: 2500 }, { name: 'v1', ms: 900 }, { name: 'v2', ms: 950 }, { name: 'compare', ms: 400 }]);
    assert.deepEqual(view.input, { name: 'sample', path: '/data/sample.parquet' });
    assert.equal(view.rows, null);
    assert.equal(view.noiseFloor, null);
    assert.equal(view.verdict, 'fail');
  });

  it('carries the declarative KPIs that did not pass and the data-quality profiles', () => {
    const view = runView(record);
    assert.deepEqual(view.declarative, { verdict: 'fail', counts: { total: 2, pass: 1, inconclusive: 0, fail: 1, noise: 0 } });
    assert.deepEqual(view.declarativeKpis.map((k) => `${k.kpi}:${k.verdict}`), ['dq60:fail']);
    assert.equal(view.quality?.v1, null);
    assert.deepEqual(view.quality?.v2?.columns.map((c) => [c.name, c.nulls, c.nan, c.outOfBounds]), [['rate', 2, 1, 3]]);
  });

  it('shows a reconcile run\'s not-passing lines with their day, counted over every day, pipeline runs summed', () => {
    const days = ['2025-11-30', '2025-12-01'];
    const reconcileRecord: RunRecord = {
      ...record, kind: 'reconcile',
      phases: [{ name: 'pipelines 2025-11-30', ms: 800 }, { name: 'pipelines 2025-12-01', ms: 700 }, { name: 'reconcile', ms: 90 }],
      commands: days.flatMap((d) => ['v1', 'v2'].map((side) => ({ name: `${side} ${d}`, argv: [], cwd: '/', exitCode: 0, ms: 100 }))),
      results: {
        input: { name: 'daily', path: '/data/daily' },
        reconcile: {
          dateColumn: 'as_of_date',
          days: days.map((day) => ({ day, kpis: 10, failing: 1, worstKpi: 'c', worstSegment: 'total', worstRelVariance: 0.02, verdict: 'fail' })),
          summary: { days: 2, daysPassing: 0, worstDay: '2025-12-01', worstKpi: 'c (total)', verdict: 'fail' },
          kpis: [
            { ...line('total', 'c', 100, 102, 'fail'), day: '2025-11-30' },
            { ...line('total', 'c', 100, 103, 'fail'), day: '2025-12-01' },
            { ...line('total', 'b', 100, 100.5, 'inconclusive'), day: '2025-12-01' },
          ],
        },
      },
    };
    const view = runView(reconcileRecord);
    assert.deepEqual(view.kpis.map((k) => `${k.kpi}/${k.segment}/${k.day}`), ['c/total/2025-12-01', 'c/total/2025-11-30', 'b/total/2025-12-01']);
    assert.deepEqual(view.counts, { total: 20, pass: 17, inconclusive: 1, fail: 2, noise: 0 });
    assert.deepEqual(view.durations, [{ name: 'total', ms: 2500 }, { name: '4 pipeline runs', ms: 400 }, { name: 'reconcile', ms: 90 }]);
    assert.deepEqual(view.input, { name: 'daily', path: '/data/daily' });
  });

  it('marks the lines a review covers, with who and why', () => {
    const review: Review = { runId: 'r0', segment: 'total', kpi: 'c', v1: 100, v2: 102, relVariance: 0.02, reason: 'intended', who: 'Ada', when: 'w' };
    const moved: Review = { ...review, kpi: 'b', v2: 100.4 };
    assert.deepEqual(acceptedLines([review, moved], runView(record).kpis), [{ segment: 'total', kpi: 'c', who: 'Ada', when: 'w', runId: 'r0', reason: 'intended' }]);
  });

  it('formats numbers for reading', () => {
    assert.equal(formatNumber(594503043.714), '594,503,043.71');
    assert.equal(formatNumber(0.1307991234), '0.130799');
    assert.equal(formatNumber(null), '—');
    assert.equal(formatNumber(null, 'Infinity'), '∞');
    assert.equal(formatSigned(0.0145), '+0.0145');
    assert.equal(formatSigned(-1234.5), '−1,234.5');
    assert.equal(formatPercent(0.0352), '3.52%');
    assert.equal(formatPercent(0.00000012), '0.000012%');
    assert.equal(formatPercent(0.1109), '11.1%');
    assert.equal(formatPercent(0), '0%');
  });
});
