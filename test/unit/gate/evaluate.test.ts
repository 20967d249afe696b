import assert from 'node:assert/strict';
import type { GateEvidence } from '../../../src/core/gate/evaluate';
import { evaluateGate } from '../../../src/core/gate/evaluate';

const thresholds = { kpiVariance: 0.01, errorRate: 0.001, latencySeconds: 30, nullRate: 0.01 };

/** A healthy run: every criterion passes. */
function healthy(): GateEvidence {
  return {
    pipelines: { v1: { exitCode: 0, durationMs: 1200 }, v2: { exitCode: 0, durationMs: 2500 } },
    kpis: [
      { segment: 'total', kpi: 'dq30', v1: 0.2, v2: 0.2008, relVariance: 0.004 },
      { segment: 'product=auto', kpi: 'loan_count', v1: 100, v2: 100, relVariance: 0 },
    ],
    rows: { v1: 10000, onlyV1: 5, excludedV1: 5 },
    nullRates: { v2: [{ name: 'rate', nullRate: 0.002 }, { name: 'balance', nullRate: 0 }], v1: [{ name: 'rate', nullRate: 0.002 }] },
  };
}

const byName = (r: ReturnType<typeof evaluateGate>) => Object.fromEntries(r.criteria.map((c) => [c.name, c]));

describe('go/no-go gate', () => {
  it('passes a healthy run, with value, threshold and reason per criterion', () => {
    const r = evaluateGate(healthy(), thresholds);
    assert.equal(r.verdict, 'go');
    const c = byName(r);
    assert.equal(c.kpiVariance?.value, 0.004);
    assert.match(c.kpiVariance?.reason ?? '', /worst KPI variance 0\.40% \(dq30 \[total\]\) ≤ 1\.00%/);
    assert.equal(c.errorRate?.value, 10 / 10000);
    assert.equal(c.errorRate?.verdict, 'pass'); // exactly at 0.1% is not above it
    assert.equal(c.latency?.value, 2.5);
    assert.equal(c.nullRate?.value, 0.002);
    assert.deepEqual(r.criteria.map((x) => x.verdict), ['pass', 'pass', 'pass', 'pass']);
  });

  it('fails each criterion just above its threshold', () => {
    const e = healthy();
    const r = evaluateGate(
      {
        ...e,
        kpis: [{ segment: 'total', kpi: 'dq90', v1: 1, v2: 1.0101, relVariance: 0.0101 }],
        rows: { v1: 10000, onlyV1: 11, excludedV1: 0 },
        pipelines: { v1: { exitCode: 0, durationMs: 1 }, v2: { exitCode: 0, durationMs: 30001 } },
        nullRates: { v2: [{ name: 'region', nullRate: 0.0101 }], v1: [{ name: 'region', nullRate: 0 }] },
      },
      thresholds,
    );
    assert.equal(r.verdict, 'no-go');
    assert.deepEqual(r.criteria.map((x) => x.verdict), ['fail', 'fail', 'fail', 'fail']);
    assert.match(byName(r).latency?.reason ?? '', /V2 took 30\.0 s > 30 s/);
  });

  it('treats a KPI missing on one side or with infinite variance as a failure, never a pass', () => {
    const e = healthy();
    for (const kpi of [
      { segment: 'total', kpi: 'dq30', v1: 0.2, v2: null, relVariance: null },
      { segment: 'total', kpi: 'dq30', v1: 0, v2: 0.1, relVariance: null, nonFinite: { relVariance: 'Infinity' as const } },
    ]) {
      const c = byName(evaluateGate({ ...e, kpis: [...(e.kpis ?? []), kpi] }, thresholds)).kpiVariance;
      assert.equal(c?.verdict, 'fail');
      assert.equal(c?.infinite, true);
    }
  });

  it('fails every criterion with "no data" when the evidence is missing', () => {
    const r = evaluateGate({}, thresholds);
    assert.equal(r.verdict, 'no-go');
    for (const c of r.criteria) {
      assert.equal(c.verdict, 'fail', c.name);
      assert.equal(c.value, null);
      assert.match(c.reason, /^no data/);
    }
  });

  it('an errored run is no-go; a failed V2 is a 100% error rate', () => {
    const failed = evaluateGate(
      { failed: { reason: 'pipeline v2 exited 1' }, pipelines: { v1: { exitCode: 0, durationMs: 10 }, v2: { exitCode: 1, durationMs: 10 } } },
      thresholds,
    );
    assert.equal(failed.verdict, 'no-go');
    const c = byName(failed);
    assert.equal(c.errorRate?.value, 1);
    assert.match(c.errorRate?.reason ?? '', /pipeline v2 failed \(exit 1\)/);
    assert.match(c.kpiVariance?.reason ?? '', /no data: pipeline v2 exited 1/);
    assert.equal(c.latency?.verdict, 'fail');
  });

  it('nulls that V1 has too are inconclusive, not a failure', () => {
    const r = evaluateGate({ ...healthy(), nullRates: { v2: [{ name: 'region', nullRate: 0.02 }], v1: [{ name: 'region', nullRate: 0.02 }] } }, thresholds);
    assert.equal(r.verdict, 'inconclusive');
    assert.equal(byName(r).nullRate?.verdict, 'inconclusive');
  });

  it('leaves accepted discrepancies out of the KPI variance', () => {
    const e = { ...healthy(), kpis: [...(healthy().kpis ?? []), { segment: 'total', kpi: 'dq90', v1: 0.1, v2: 0.2, relVariance: 1 }] };
    assert.equal(evaluateGate(e, thresholds).verdict, 'no-go');
    const accepted = { acceptedReason: (k: { kpi: string }) => (k.kpi === 'dq90' ? 'definition change' : undefined) };
    const r = evaluateGate(e, thresholds, accepted);
    assert.equal(r.verdict, 'go');
    assert.equal(byName(r).kpiVariance?.value, 0.004);
    assert.match(byName(r).kpiVariance?.reason ?? '', /1 accepted discrepancy left out/);
  });
});
