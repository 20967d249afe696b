/** The reconciliation chart's data mapping: the reconcile run as the panel reads it, log scale, bands, clipping. */
import * as assert from 'node:assert/strict';
import type { RunRecord } from '../../../src/core/runs/record';
import { chartModel, chartSummary } from '../../../src/webviews/common/app/varianceChart';
import { reconcileView } from '../../../src/core/runs/view';
import type { ReconcileDayView } from '../../../src/core/runs/viewModel';

function day(d: string, worstRelVariance: number | null, verdict: ReconcileDayView['verdict'], extra: Partial<ReconcileDayView> = {}): ReconcileDayView {
  return { day: d, kpis: 3, failing: verdict === 'fail' ? 1 : 0, worstKpi: 'dq30', worstSegment: 'total', worstRelVariance, verdict, ...extra };
}

const days = [
  day('2025-11-01', 0, 'pass'),
  day('2025-11-02', -0.0001, 'pass'),
  day('2025-11-03', 0.005, 'inconclusive'),
  day('2025-11-04', 0.03, 'fail'),
  day('2025-11-05', null, 'fail'),
];
const record: RunRecord = {
  schemaVersion: 1, id: '20260101-000000-000-abcdef', kind: 'reconcile', status: 'complete',
  startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z', phases: [], commands: [], inputs: [], outputs: [],
  thresholds: { dateColumn: 'as_of_date', passLine: 0.001, failLine: 0.01 }, versions: { cutover: 't', node: 'v' },
  verdict: { verdict: 'fail', reasons: [] },
  results: { reconcile: { dateColumn: 'as_of_date', days, kpis: [], summary: { days: 5, daysPassing: 2, worstDay: '2025-11-05', worstKpi: 'dq30 (total)', verdict: 'fail' } } },
};

describe('reconciliation chart', () => {
  const view = reconcileView(record)!;

  it('reads a reconcile run and its pass and fail lines; anything else is no reconciliation', () => {
    assert.equal(view.runId, record.id);
    assert.deepEqual([view.passLine, view.failLine, view.dateColumn, view.days.length], [0.001, 0.01, 'as_of_date', 5]);
    assert.equal(reconcileView({ ...record, results: {} }), null);
    assert.equal(reconcileView({ ...record, thresholds: {} })?.failLine, 0.01, 'the CLI default when not recorded');
  });

  it('maps |variance| to a log scale two decades under the pass line to a decade over the largest value', () => {
    const m = chartModel(view);
    assert.deepEqual(m.domain, { min: 0.00001, max: 0.1 });
    assert.deepEqual(m.yTicks.map((t) => t.label), ['0.001%', '0.01%', '0.1%', '1%', '10%']);
    // Decades are evenly spaced, bottom to top.
    const gaps = m.yTicks.slice(1).map((t, i) => m.yTicks[i]!.y - t.y);
    assert.ok(gaps.every((g) => Math.abs(g - gaps[0]!) < 0.2), gaps.join(', '));
    assert.equal(m.yTicks[0]!.y, m.plot.bottom);
    assert.equal(m.yTicks.at(-1)!.y, m.plot.top);
    // The pass band is under the fail band, on the 0.1% and 1% ticks.
    assert.equal(m.passY, m.yTicks[2]!.y);
    assert.equal(m.failY, m.yTicks[3]!.y);
    assert.ok(m.passY > m.failY);
  });

  it('places each day in its slot, clips zero to the floor and a missing KPI to the ceiling', () => {
    const m = chartModel(view);
    const slot = (m.plot.right - m.plot.left) / 5;
    assert.deepEqual(m.points.map((p) => p.x), [0, 1, 2, 3, 4].map((i) => Math.round((m.plot.left + (i + 0.5) * slot) * 10) / 10));
    const [zero, small, inconclusive, fail, missing] = m.points;
    assert.deepEqual([zero!.y, zero!.clipped], [m.plot.bottom, 'floor']);
    assert.ok(Math.abs(small!.y - m.yTicks[1]!.y) <= 0.1 && small!.clipped === undefined, `a negative variance counts by its size: ${small!.y} vs ${m.yTicks[1]!.y}`);
    assert.ok(inconclusive!.y < m.passY && inconclusive!.y > m.failY, 'between the lines');
    assert.ok(fail!.y < m.failY);
    assert.deepEqual([missing!.y, missing!.clipped, missing!.variance], [m.plot.top, 'ceiling', 'missing']);
    assert.deepEqual(m.points.map((p) => p.verdict), ['pass', 'pass', 'inconclusive', 'fail', 'fail']);
    assert.equal(m.line.split(' ').length, 5);
    assert.deepEqual(m.xTicks.map((t) => t.label), ['11-01', '11-02', '11-03', '11-04', '11-05']);
  });

  it('labels at most 8 dates and says how many days pass', () => {
    const many = { ...view, days: Array.from({ length: 30 }, (_, i) => day(`2025-11-${String(i + 1).padStart(2, '0')}`, 0.0001, 'pass')) };
    assert.ok(chartModel(many).xTicks.length <= 8);
    assert.equal(chartSummary(view), '2 of 5 days pass · worst day 2025-11-05, dq30 (total)');
  });
});
