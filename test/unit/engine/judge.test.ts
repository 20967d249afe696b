import assert from 'node:assert/strict';
import { judgeKpi, resolveThresholds, summarize } from '../../../src/core/engine/judge';
import type { KpiObservation } from '../../../src/core/engine/judge';

const lines = { abs: 0, passLine: 0.001, failLine: 0.01 };
const obs = (v1: number | null, v2: number | null, extra: Partial<KpiObservation> = {}): KpiObservation => ({ segment: 'total', kpi: 'k', rowsV1: 1, rowsV2: 1, v1, v2, ...extra });

describe('engine/judge', () => {
  it('passes exactly at the pass line and is inconclusive just above it', () => {
    const at = judgeKpi(obs(1000, 1001), lines); // |Δ| = 1 = 0.1% of 1000
    assert.equal(at.verdict, 'pass');
    assert.equal(at.relVariance, 0.001);
    assert.equal(at.delta, 1);
    assert.equal(at.reason, 'variance 0.10% ≤ pass line 0.10%');
    const above = judgeKpi(obs(1000, 1001.5), lines);
    assert.equal(above.verdict, 'inconclusive');
    assert.equal(above.reason, 'variance 0.15% > pass line 0.10%, ≤ fail line 1.00%');
  });

  it('is inconclusive exactly at the fail line and fails just above it', () => {
    assert.equal(judgeKpi(obs(1000, 1010), lines).verdict, 'inconclusive');
    const fail = judgeKpi(obs(1000, 1010.5), lines);
    assert.equal(fail.verdict, 'fail');
    assert.equal(fail.reason, 'variance 1.05% > fail line 1.00%');
  });

  it('uses |v1| for negative values', () => {
    const r = judgeKpi(obs(-1000, -1001), lines);
    assert.equal(r.verdict, 'pass');
    assert.equal(r.relVariance, 0.001);
    assert.equal(r.delta, -1);
    assert.equal(judgeKpi(obs(-200, -210), lines).verdict, 'fail');
  });

  it('defines V1 = 0: both zero → 0 and pass; V2 ≠ 0 → Infinity, judged by the absolute tolerance', () => {
    const zero = judgeKpi(obs(0, 0), lines);
    assert.equal(zero.relVariance, 0);
    assert.equal(zero.verdict, 'pass');
    const inf = judgeKpi(obs(0, 0.5), lines);
    assert.equal(inf.relVariance, null);
    assert.deepEqual(inf.nonFinite, { relVariance: 'Infinity' });
    assert.equal(inf.verdict, 'fail');
    assert.equal(inf.reason, '|Δ| 0.5 > fail tolerance 0 (V1 is 0; abs 0)');
    const covered = judgeKpi(obs(0, 0.5), { ...lines, abs: 0.5 });
    assert.equal(covered.verdict, 'pass');
    assert.equal(judgeKpi(obs(0, 0.75), { ...lines, abs: 0.5 }).verdict, 'fail');
  });

  it('never passes NaN, null or a missing side', () => {
    const nan = judgeKpi(obs(1, NaN), lines);
    assert.equal(nan.verdict, 'fail');
    assert.equal(nan.reason, 'NaN in V2');
    assert.equal(nan.v2, null);
    assert.deepEqual(nan.nonFinite, { v2: 'NaN' });
    assert.equal(JSON.stringify(nan).includes('NaN,'), false);
    assert.equal(judgeKpi(obs(null, 1), lines).reason, 'null in V1');
    assert.equal(judgeKpi(obs(NaN, NaN), lines).verdict, 'inconclusive');
    assert.equal(judgeKpi(obs(Infinity, 1), lines).reason, 'Infinity in V1');
    const missing = judgeKpi(obs(1, null, { rowsV2: 0 }), lines);
    assert.equal(missing.verdict, 'fail');
    assert.equal(missing.reason, 'missing in V2');
    assert.equal(judgeKpi(obs(1, 1, { rowsV1: 2 }), lines).reason, 'duplicated: 2 rows in V1, 1 in V2');
  });

  it('states the absolute tolerance in the reason when abs is set', () => {
    const r = judgeKpi(obs(100, 100.25), { abs: 0.25, passLine: 0.001, failLine: 0.01 });
    assert.equal(r.verdict, 'pass');
    assert.equal(r.reason, '|Δ| 0.25 ≤ pass tolerance 0.35 (variance 0.25%; abs 0.25)');
  });

  it('resolves per-KPI overrides over the defaults', () => {
    assert.deepEqual(resolveThresholds('x'), { abs: 0, passLine: 0.001, failLine: 0.01 });
    assert.deepEqual(resolveThresholds('x', { passLine: 0.01, failLine: 0.05, perKpi: { x: { failLine: 0.1, abs: 2 } } }), { abs: 2, passLine: 0.01, failLine: 0.1 });
  });

  it('summarizes: any fail → fail, else any inconclusive → inconclusive, else pass; nothing → inconclusive', () => {
    const pass = judgeKpi(obs(1, 1), lines);
    const inc = judgeKpi(obs(1000, 1005), lines);
    const fail = judgeKpi(obs(1, 2), lines);
    assert.equal(summarize([pass, pass]).verdict, 'pass');
    assert.equal(summarize([pass, inc]).verdict, 'inconclusive');
    const all = summarize([pass, inc, fail]);
    assert.equal(all.verdict, 'fail');
    assert.deepEqual(all.counts, { total: 3, pass: 1, inconclusive: 1, fail: 1, noise: 0 });
    assert.equal(summarize([]).verdict, 'inconclusive');
  });
});
