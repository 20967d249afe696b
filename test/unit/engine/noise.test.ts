import assert from 'node:assert/strict';
import { judgeKpi, summarize } from '../../../src/core/engine/judge';
import { applyNoiseFloor } from '../../../src/core/engine/noise';

const lines = { abs: 0, passLine: 0.001, failLine: 0.01 };
const kpi = (name: string, v1: number | null, v2: number | null, rowsV2 = 1) => judgeKpi({ segment: 'total', kpi: name, rowsV1: 1, rowsV2, v1, v2 }, lines);

describe('engine/noise', () => {
  it('reclassifies a difference within the V1/V1′ difference as noise (pass), and nothing else', () => {
    const v2 = summarize([kpi('a', 100, 102), kpi('b', 100, 105), kpi('c', 100, 100), kpi('d', 100, null, 0)]);
    const noise = summarize([kpi('a', 100, 97.5), kpi('b', 100, 101), kpi('c', 100, 100), kpi('d', 100, 100)]);
    const out = applyNoiseFloor(v2, noise);
    const by = new Map(out.kpis.map((k) => [k.kpi, k]));
    assert.equal(by.get('a')?.verdict, 'pass');
    assert.equal(by.get('a')?.noise, true);
    assert.match(by.get('a')?.reason ?? '', /^noise: \|Δ\| 2 ≤ V1\/V1′ \|Δ\| 2.5 \+ abs 0/);
    assert.equal(by.get('b')?.verdict, 'fail');
    assert.equal(by.get('b')?.noise, undefined);
    assert.equal(by.get('c')?.noise, undefined);
    assert.equal(by.get('d')?.verdict, 'fail');
    assert.equal(out.verdict, 'fail');
    assert.equal(out.counts.noise, 1);
  });
});
