import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Engine } from '../../../src/core/engine/duckdb';
import { openEngine } from '../../../src/core/engine/duckdb';
import { compareKpiTables } from '../../../src/core/engine/kpis';
import { loadTable } from '../../../src/core/engine/source';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'engine');

describe('engine/kpis', () => {
  let engine: Engine;
  before(async () => { engine = await openEngine({ threads: 2 }); });
  after(() => engine.close());

  it('joins long KPI tables on (segment, kpi) and judges each KPI', async () => {
    const v1 = await loadTable(engine, { path: join(fixtures, 'kpis-v1.csv') }, 'k1');
    const v2 = await loadTable(engine, { path: join(fixtures, 'kpis-v2.csv') }, 'k2');
    const result = await compareKpiTables(engine, v1, v2, {});
    const by = new Map(result.kpis.map((k) => [`${k.segment}/${k.kpi}`, k]));
    assert.equal(result.kpis.length, 8);
    assert.equal(by.get('total/balance')?.verdict, 'pass'); // 0.1% exactly
    assert.equal(by.get('total/balance')?.delta, 1);
    assert.equal(by.get('total/dq30_rate')?.verdict, 'inconclusive'); // 0.6%
    assert.equal(by.get('total/loans')?.reason, 'missing in V2');
    assert.equal(by.get('product=card/balance')?.reason, 'missing in V1');
    assert.equal(by.get('product=auto/dq30_rate')?.verdict, 'fail'); // 25%
    assert.equal(by.get('product=home/balance')?.relVariance, 0); // V1 = V2 = 0
    assert.equal(by.get('product=home/balance')?.verdict, 'pass');
    assert.equal(by.get('product=home/dq30_rate')?.verdict, 'pass'); // negative, equal
    assert.deepEqual(result.counts, { total: 8, pass: 4, inconclusive: 1, fail: 3, noise: 0 });
    assert.equal(result.verdict, 'fail');
    assert.equal(result.kpis[0]?.segment, 'total');
  });

  it('applies per-KPI overrides of the lines', async () => {
    const v1 = await loadTable(engine, { path: join(fixtures, 'kpis-v1.csv') }, 'k1');
    const v2 = await loadTable(engine, { path: join(fixtures, 'kpis-v2.csv') }, 'k2');
    const result = await compareKpiTables(engine, v1, v2, {}, { perKpi: { dq30_rate: { passLine: 0.3, failLine: 0.5 } } });
    const auto = result.kpis.find((k) => k.segment === 'product=auto' && k.kpi === 'dq30_rate');
    assert.equal(auto?.verdict, 'pass');
    assert.equal(auto?.reason, 'variance 25% ≤ pass line 30%');
  });

  it('unpivots wide KPI tables and fails a NaN on one side', async () => {
    const v1 = await loadTable(engine, { path: join(fixtures, 'kpis-wide-v1.csv') }, 'w1');
    const v2 = await loadTable(engine, { path: join(fixtures, 'kpis-wide-v2.csv') }, 'w2');
    const result = await compareKpiTables(engine, v1, v2, { layout: 'wide' });
    assert.equal(result.kpis.length, 4);
    const nan = result.kpis.find((k) => k.segment === 'auto' && k.kpi === 'dq30_rate');
    assert.equal(nan?.verdict, 'fail');
    assert.equal(nan?.reason, 'NaN in V1');
    assert.equal(result.counts.pass, 3);
  });
});
