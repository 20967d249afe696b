import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { reconcile } from '../../../src/core/engine/reconcile';
import { loadTable } from '../../../src/core/engine/source';
import { useEngine, writeTable } from './helpers';

describe('engine/reconcile', () => {
  const fx = useEngine();

  // Three dated partitions per side. V2 differs on day 2 by 0.5% (inconclusive) and on day 3 by 5% (fail).
  async function partitions(side: string, factors: readonly number[]): Promise<string> {
    const root = join(fx.dir, side);
    const days = ['2025-01-01', '2025-01-02', '2025-01-03'];
    for (const [i, day] of days.entries()) {
      mkdirSync(join(root, `as_of_date=${day}`), { recursive: true });
      const f = factors[i] ?? 1;
      await writeTable(fx.engine, `SELECT * FROM (VALUES ('total', 'balance', 1000.0 * ${f}), ('total', 'loans', 10.0)) t(segment, kpi, value)`, join(root, `as_of_date=${day}`, 'kpis.parquet'));
    }
    return root;
  }

  it('compares each of the last N days and summarizes days passing, the worst day and KPI', async () => {
    const v1 = await loadTable(fx.engine, { path: await partitions('v1', [1, 1, 1]) }, 'r1');
    const v2 = await loadTable(fx.engine, { path: await partitions('v2', [1, 1.005, 1.05]) }, 'r2');
    const all = await reconcile(fx.engine, v1, v2, { dateColumn: 'as_of_date', days: 30 });
    assert.deepEqual(all.days.map((d) => [d.day, d.verdict, d.kpis, d.failing]), [
      ['2025-01-01', 'pass', 2, 0],
      ['2025-01-02', 'inconclusive', 2, 0],
      ['2025-01-03', 'fail', 2, 1],
    ]);
    assert.equal(all.days[2]?.worstKpi, 'balance');
    assert.ok(Math.abs((all.days[2]?.worstRelVariance ?? 0) - 0.05) < 1e-12);
    assert.deepEqual(all.summary, { days: 3, daysPassing: 1, worstDay: '2025-01-03', worstKpi: 'balance (total)', verdict: 'fail' });

    const last2 = await reconcile(fx.engine, v1, v2, { dateColumn: 'as_of_date', days: 2 });
    assert.deepEqual(last2.days.map((d) => d.day), ['2025-01-02', '2025-01-03']);
    const lenient = await reconcile(fx.engine, v1, v2, { dateColumn: 'as_of_date', days: 3, judge: { passLine: 0.01, failLine: 0.1 } });
    assert.deepEqual(lenient.days.map((d) => d.verdict), ['pass', 'pass', 'inconclusive']);
    assert.equal(lenient.summary.verdict, 'inconclusive');
  });
});
