import assert from 'node:assert/strict';
import { join } from 'node:path';
import { profileTable } from '../../../src/core/engine/profile';
import { loadTable } from '../../../src/core/engine/source';
import { useEngine, writeTable } from './helpers';

describe('engine/profile', () => {
  const fx = useEngine();

  it('counts nulls, NaN, ±Infinity and out-of-bounds values per column', async () => {
    const sql = `SELECT * FROM (VALUES
      (1, 10.0::DOUBLE, 'a'), (2, NULL, 'b'), (3, 'NaN'::DOUBLE, NULL), (4, 'Infinity'::DOUBLE, 'd'),
      (5, '-Infinity'::DOUBLE, 'e'), (6, -5.0, 'f'), (7, 200.0, 'g'), (8, 50.0, NULL)) t(id, x, s)`;
    const table = await loadTable(fx.engine, { path: await writeTable(fx.engine, sql, join(fx.dir, 'p.parquet')) }, 'p');
    const profile = await profileTable(fx.engine, table, { x: { min: 0, max: 100 }, id: { max: 6 } });
    assert.equal(profile.rows, 8);
    const by = Object.fromEntries(profile.columns.map((c) => [c.name, c]));
    assert.equal(by['x']?.nulls, 1);
    assert.equal(by['x']?.nullRate, 1 / 8);
    assert.equal(by['x']?.nan, 1);
    assert.equal(by['x']?.posInf, 1);
    assert.equal(by['x']?.negInf, 1);
    // -5, 200 and ±Infinity are outside [0, 100]; NaN and NULL are not counted as out of bounds.
    assert.equal(by['x']?.outOfBounds, 4);
    assert.equal(by['id']?.outOfBounds, 2);
    assert.equal(by['s']?.nulls, 2);
    assert.equal(by['s']?.nan, 0);
  });

  it('refuses bounds on a missing or non-numeric column', async () => {
    const table = await loadTable(fx.engine, { path: await writeTable(fx.engine, "SELECT 'x' AS s", join(fx.dir, 'q.parquet')) }, 'q');
    await assert.rejects(profileTable(fx.engine, table, { nope: { min: 0 } }), { name: 'ConfigError' });
    await assert.rejects(profileTable(fx.engine, table, { s: { min: 0 } }), { name: 'ConfigError' });
  });
});
