import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compareDeclarative } from '../../../src/core/engine/declarative';
import { loadTable } from '../../../src/core/engine/source';
import type { DeclarativeKpis } from '../../../src/core/engine/types';
import { useEngine, writeTable } from './helpers';

// Four loans; V2 moves loan 2 from 45 to 25 days past due (a boundary change).
const loans = (dpd2: number) => `SELECT * FROM (VALUES (1, 'auto', 100.0, 0), (2, 'auto', 200.0, ${dpd2}), (3, 'home', 300.0, 95), (4, 'home', 400.0, 10)) t(id, product, balance, dpd)`;

const defs: DeclarativeKpis = {
  kpis: [
    { name: 'balance', sql: 'sum(balance)' },
    { name: 'dq30_rate', sql: 'sum(balance) FILTER (WHERE dpd >= 30) / sum(balance)' },
    { name: 'dq90_rate', sql: 'coalesce(sum(balance) FILTER (WHERE dpd >= 90), 0) / sum(balance)' },
  ],
  dimensions: ['product'],
  composites: [{ name: 'dq30_90', expr: 'dq30_rate - dq90_rate' }],
};

describe('engine/declarative', () => {
  const fx = useEngine();

  async function tables() {
    const v1 = await loadTable(fx.engine, { path: await writeTable(fx.engine, loans(45), join(fx.dir, 'v1.parquet')) }, 'l1');
    const v2 = await loadTable(fx.engine, { path: await writeTable(fx.engine, loans(25), join(fx.dir, 'v2.parquet')) }, 'l2');
    return { v1, v2 };
  }

  it('computes KPIs for the total and each dimension value, plus composites, with hand-computed values', async () => {
    const { v1, v2 } = await tables();
    const result = await compareDeclarative(fx.engine, v1, v2, defs);
    const get = (segment: string, kpi: string) => result.kpis.find((k) => k.segment === segment && k.kpi === kpi);
    assert.equal(result.kpis.length, 3 * 4);
    assert.equal(get('total', 'balance')?.v1, 1000);
    assert.equal(get('product=home', 'balance')?.v2, 700);
    assert.equal(get('total', 'dq30_rate')?.v1, 0.5);
    assert.equal(get('total', 'dq30_rate')?.v2, 0.3);
    assert.equal(get('total', 'dq90_rate')?.v1, 0.3);
    assert.equal(get('product=auto', 'dq90_rate')?.v1, 0);
    assert.ok(Math.abs((get('product=auto', 'dq30_rate')?.v1 ?? 0) - 2 / 3) < 1e-12);
    // product=auto dq30 in V2: no balance at 30+ → NULL / 300 = NULL → fail "null in V2".
    assert.equal(get('product=auto', 'dq30_rate')?.reason, 'null in V2');
    assert.ok(Math.abs((get('total', 'dq30_90')?.v1 ?? 0) - 0.2) < 1e-12);
    assert.equal(get('total', 'dq30_90')?.v2, 0);
    assert.equal(get('product=home', 'dq30_90')?.v1, 0);
    assert.equal(get('product=home', 'dq30_90')?.verdict, 'pass');
    assert.equal(get('total', 'dq30_rate')?.verdict, 'fail');
    assert.equal(result.verdict, 'fail');
  });

  it('reports invalid KPI SQL as a ConfigError naming the KPI', async () => {
    const { v1, v2 } = await tables();
    await assert.rejects(compareDeclarative(fx.engine, v1, v2, { kpis: [{ name: 'bad_kpi', sql: 'sum(no_such_column)' }] }), { name: 'ConfigError', message: /^KPI "bad_kpi": / });
    await assert.rejects(compareDeclarative(fx.engine, v1, v2, { kpis: [{ name: 'not_agg', sql: 'balance' }] }), { name: 'ConfigError', message: /^KPI "not_agg": / });
    await assert.rejects(compareDeclarative(fx.engine, v1, v2, { kpis: [{ name: 'b', sql: 'sum(balance)' }], composites: [{ name: 'c', expr: 'b - nope' }] }), { name: 'ConfigError', message: /^composite KPI "c": / });
  });
});
