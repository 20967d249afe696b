import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { perturb } from '../../../src/core/engine/perturb';
import { loadTable } from '../../../src/core/engine/source';
import { literal } from '../../../src/core/engine/sql';
import { useEngine, writeTable } from './helpers';

describe('engine/perturb', () => {
  const fx = useEngine();

  const input = async () => loadTable(fx.engine, {
    path: await writeTable(fx.engine, "SELECT id, id * 10.0 AS amount, (id % 7)::INTEGER AS n, 'c' || (id % 3) AS cat FROM range(1, 201) t(id)", join(fx.dir, 'in.parquet')),
  }, 'in');

  it('writes byte-identical files for the same seed and different ones for another seed', async () => {
    const t = await input();
    const a = await perturb(fx.engine, t, join(fx.dir, 'a'), { keys: ['id'], seed: 7, rows: 500 });
    const b = await perturb(fx.engine, t, join(fx.dir, 'b'), { keys: ['id'], seed: 7, rows: 500 });
    const c = await perturb(fx.engine, t, join(fx.dir, 'c'), { keys: ['id'], seed: 8, rows: 500 });
    for (const [i, v] of a.variants.entries()) {
      assert.deepEqual(readFileSync(v.path), readFileSync(b.variants[i]?.path ?? ''), v.name);
    }
    assert.notDeepEqual(readFileSync(a.variants[1]?.path ?? ''), readFileSync(c.variants[1]?.path ?? ''));
  });

  it('scales with fresh unique keys, injects nulls and outliers at the rate, and writes boundary rows', async () => {
    const t = await input();
    const out = await perturb(fx.engine, t, join(fx.dir, 'd'), { keys: ['id'], rows: 1000, nullRate: 1, outlierRate: 1, outlierFactor: 1000, columns: ['amount', 'cat'] });
    const file = (name: string) => literal(out.variants.find((v) => v.name === name)?.path ?? '');
    assert.deepEqual(out.variants.map((v) => [v.name, v.rows]), [['scaled', 1000], ['nulls', 200], ['outliers', 200], ['boundary', 4]]);
    assert.deepEqual(await fx.engine.rows(`SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d FROM read_parquet(${file('scaled')})`), [{ n: 1000, d: 1000 }]);
    assert.deepEqual(await fx.engine.rows(`SELECT count(amount)::INT AS a, count(cat)::INT AS c, count(n)::INT AS n, count(id)::INT AS i FROM read_parquet(${file('nulls')})`), [{ a: 0, c: 0, n: 200, i: 200 }]);
    assert.deepEqual(await fx.engine.rows(`SELECT sum(amount)::DOUBLE AS s FROM read_parquet(${file('outliers')})`), [{ s: 201000000 }]);
    assert.deepEqual((await fx.engine.rows(`SELECT amount FROM read_parquet(${file('boundary')})`)).map((r) => r['amount']), [10, 2000, 0, -2000]);
  });

  it('injects nulls at about the requested rate', async () => {
    const t = await input();
    const out = await perturb(fx.engine, t, join(fx.dir, 'e'), { variants: ['nulls'], nullRate: 0.25, seed: 3, columns: ['amount'] });
    const rows = await fx.engine.rows(`SELECT count(*) FILTER (WHERE amount IS NULL)::INT AS k FROM read_parquet(${literal(out.variants[0]?.path ?? '')})`);
    const k = Number(rows[0]?.['k']);
    assert.ok(k > 25 && k < 75, `${k} nulls of 200 at rate 0.25`);
  });
});
