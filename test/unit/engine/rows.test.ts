import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compareRows } from '../../../src/core/engine/rows';
import { compareSchemas } from '../../../src/core/engine/schema';
import { loadTable } from '../../../src/core/engine/source';
import type { RowCompareOptions } from '../../../src/core/engine/types';
import { useEngine, writeTable } from './helpers';

describe('engine/rows', () => {
  const fx = useEngine();

  async function compare(v1Sql: string, v2Sql: string, options: RowCompareOptions) {
    const p1 = await writeTable(fx.engine, v1Sql, join(fx.dir, `a${Math.random()}.parquet`));
    const p2 = await writeTable(fx.engine, v2Sql, join(fx.dir, `b${Math.random()}.parquet`));
    const v1 = await loadTable(fx.engine, { path: p1 }, 'v1');
    const v2 = await loadTable(fx.engine, { path: p2 }, 'v2');
    const schema = compareSchemas(v1.columns, v2.columns);
    return { schema, result: await compareRows(fx.engine, v1, v2, schema, options) };
  }

  // V1: ids 1..100 plus a second id 5. V2: ids 3..102 plus two more id 6. Differences injected by construction:
  // a +1 at 10, 20, 30 and NaN in V1 only at 90 (NaN on both sides at 80 is equal); b +5 at 40; s at 50, 60;
  // n null in V2 at 70.
  const v1Sql = `SELECT id, CASE WHEN id IN (80, 90) THEN 'NaN'::DOUBLE ELSE id * 1.5 END AS a, id::INTEGER AS b, 'x' || id AS s, id::DOUBLE AS n
    FROM range(1, 101) t(id) UNION ALL SELECT 5, 7.5, 5, 'x5', 5`;
  const v2Sql = `SELECT id, CASE WHEN id = 80 THEN 'NaN'::DOUBLE WHEN id IN (10, 20, 30) THEN id * 1.5 + 1 ELSE id * 1.5 END AS a,
      (CASE WHEN id = 40 THEN id + 5 ELSE id END)::INTEGER AS b, CASE WHEN id IN (50, 60) THEN 'y' || id ELSE 'x' || id END AS s,
      CASE WHEN id = 70 THEN NULL ELSE id::DOUBLE END AS n
    FROM range(3, 103) t(id) UNION ALL SELECT 6, 9, 6, 'x6', 6 UNION ALL SELECT 6, 9, 6, 'x6', 6`;

  it('counts matched, only-on-one-side, changed and duplicate-key rows exactly', async () => {
    const { result } = await compare(v1Sql, v2Sql, { keys: ['id'], sampleSize: 3, mismatchesPath: join(fx.dir, 'mismatches.parquet') });
    assert.deepEqual(result.rows, {
      v1: 101, v2: 102, matched: 96, onlyV1: 2, onlyV2: 2, changed: 8,
      duplicateKeysV1: 1, duplicateKeysV2: 1, excludedV1: 3, excludedV2: 4, nullKeysV1: 0, nullKeysV2: 0,
    });
    const cols = Object.fromEntries(result.columns.map((c) => [c.name, c]));
    assert.equal(cols['a']?.mismatches, 4);
    assert.equal(cols['a']?.nullMismatches, 0);
    assert.equal(cols['a']?.maxAbsDiff, 1);
    assert.equal(cols['b']?.mismatches, 1);
    assert.equal(cols['b']?.maxAbsDiff, 5);
    assert.equal(cols['b']?.maxRelDiff, 5 / 40);
    assert.equal(cols['s']?.mismatches, 2);
    assert.equal(cols['s']?.compareAs, 'exact');
    assert.equal(cols['s']?.maxAbsDiff, null);
    assert.equal(cols['n']?.mismatches, 1);
    assert.equal(cols['n']?.nullMismatches, 1);
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.sample.map((r) => r.keys['id']), [10, 20, 30]);
    assert.deepEqual(result.sample[0]?.columns, [{ name: 'a', v1: '15.0', v2: '16.0' }]);
    // 4 + 1 + 2 + 1 changed values, 2 + 2 one-sided rows.
    assert.equal(result.mismatches?.rows, 12);
    const written = await fx.engine.rows(`SELECT kind, "column", v1, v2, abs_diff FROM read_parquet('${join(fx.dir, 'mismatches.parquet')}') WHERE id = 40`);
    assert.deepEqual(written, [{ kind: 'changed', column: 'b', v1: '40', v2: '45', abs_diff: 5 }]);
  });

  it('ignores columns and passes identical tables', async () => {
    const { result } = await compare('SELECT id, id * 2 AS x, 1 AS y FROM range(10) t(id)', 'SELECT id, id * 2 AS x, 2 AS y FROM range(10) t(id)', { keys: ['id'], ignore: ['y'] });
    assert.equal(result.verdict, 'pass');
    assert.equal(result.rows.matched, 10);
    assert.deepEqual(result.columns.map((c) => c.name), ['x']);
  });

  it('treats a difference exactly at the absolute tolerance as equal and just above it as a mismatch', async () => {
    const v1 = 'SELECT * FROM (VALUES (1, 100.0::DOUBLE), (2, 100.0), (3, -100.0), (4, 0.0), (5, 0.0)) t(id, x)';
    const v2 = 'SELECT * FROM (VALUES (1, 100.5::DOUBLE), (2, 100.5001), (3, -100.5), (4, 0.5), (5, -0.6)) t(id, x)';
    const { result } = await compare(v1, v2, { keys: ['id'], tolerance: { abs: 0.5 } });
    assert.equal(result.columns[0]?.mismatches, 2);
    assert.deepEqual(result.sample.map((r) => r.keys['id']), [2, 5]);
  });

  it('scales the relative tolerance by |v1| (negative and zero V1 included)', async () => {
    const v1 = 'SELECT * FROM (VALUES (1, 1000.0::DOUBLE), (2, 1000.0), (3, -1000.0), (4, 0.0), (5, 2000.0)) t(id, x)';
    const v2 = 'SELECT * FROM (VALUES (1, 1001.0::DOUBLE), (2, 1001.01), (3, -1001.0), (4, 0.0001), (5, 2002.0)) t(id, x)';
    const { result } = await compare(v1, v2, { keys: ['id'], tolerance: { rel: 0.001 } });
    assert.deepEqual(result.sample.map((r) => r.keys['id']), [2, 4]);
    assert.ok(Math.abs((result.columns[0]?.maxRelDiff ?? 0) - 0.00101) < 1e-12);
  });

  it('reports schema differences: widening compared numerically, incompatible as text, missing columns', async () => {
    const { schema, result } = await compare(
      "SELECT id, id::INTEGER AS w, 1.5::DOUBLE AS t, 1 AS dropped FROM range(3) t(id)",
      "SELECT id, (CASE WHEN id = 2 THEN 7 ELSE id END)::BIGINT AS w, '1.5' AS t, 2 AS added FROM range(3) t(id)",
      { keys: ['id'] },
    );
    assert.deepEqual(schema.missingInV2, ['dropped']);
    assert.deepEqual(schema.missingInV1, ['added']);
    assert.deepEqual(schema.typeChanges, [
      { name: 'w', v1Type: 'INTEGER', v2Type: 'BIGINT', incompatible: false },
      { name: 't', v1Type: 'DOUBLE', v2Type: 'VARCHAR', incompatible: true },
    ]);
    const w = result.columns.find((c) => c.name === 'w');
    assert.equal(w?.compareAs, 'numeric');
    assert.equal(w?.mismatches, 1);
    assert.equal(result.columns.find((c) => c.name === 't')?.compareAs, 'text');
    assert.equal(result.columns.find((c) => c.name === 't')?.mismatches, 0);
    assert.equal(result.verdict, 'fail');
    assert.ok(result.reasons.includes('column dropped missing in V2'));
    assert.ok(result.reasons.includes('column t: DOUBLE in V1, VARCHAR in V2 (compared as text)'));
  });

  it('quotes identifiers and paths: a column named a"b, a key with a space, a path with a quote and spaces', async () => {
    const sql = (x: number) => `SELECT id AS "my key", id * ${x} AS "a""b" FROM range(4) t(id)`;
    const p1 = await writeTable(fx.engine, sql(1), join(fx.dir, "it's v1.parquet"));
    const p2 = await writeTable(fx.engine, sql(2), join(fx.dir, "it's v2.parquet"));
    const v1 = await loadTable(fx.engine, { path: p1 }, 'weird one');
    const v2 = await loadTable(fx.engine, { path: p2 }, 'weird"two');
    const result = await compareRows(fx.engine, v1, v2, compareSchemas(v1.columns, v2.columns), { keys: ['my key'], mismatchesPath: join(fx.dir, "it's out.parquet") });
    assert.equal(result.columns[0]?.name, 'a"b');
    assert.equal(result.columns[0]?.mismatches, 3);
    assert.equal(result.mismatches?.rows, 3);
  });

  it('finds every kind of repeated key, however the join hides it, and never counts a null key as one', async () => {
    // 1: twice in V1 with identical values, once in V2 (matched rows look equal); 2: twice in V2 only (both rows
    // one-sided); 3: twice on each side; 4, 5: unique. Rows with a null key never match and are never duplicates.
    const v1 = "SELECT * FROM (VALUES (1, 'x'), (1, 'x'), (3, 'c'), (3, 'c'), (4, 'd'), (NULL, 'n'), (NULL, 'n')) t(id, v)";
    const v2 = "SELECT * FROM (VALUES (1, 'x'), (2, 'b'), (2, 'b'), (3, 'c'), (3, 'c'), (4, 'd'), (5, 'e'), (NULL, 'n')) t(id, v)";
    const { result } = await compare(v1, v2, { keys: ['id'], mismatchesPath: join(fx.dir, 'dups.parquet') });
    assert.deepEqual(result.rows, {
      v1: 7, v2: 8, matched: 1, onlyV1: 2, onlyV2: 2, changed: 0,
      duplicateKeysV1: 2, duplicateKeysV2: 2, excludedV1: 4, excludedV2: 5, nullKeysV1: 2, nullKeysV2: 1,
    });
    assert.deepEqual(result.sample.map((r) => [r.keys['id'], r.kind]), [[null, 'onlyV1'], [null, 'onlyV1'], [5, 'onlyV2'], [null, 'onlyV2']]);
    assert.equal(result.mismatches?.rows, 4);
    // A key repeated only where the other side lacks it inflates no count: its rows are all one-sided.
    const oneSided = await compare('SELECT * FROM (VALUES (1), (2), (2)) t(id)', 'SELECT 1 AS id', { keys: ['id'] });
    assert.deepEqual(oneSided.result.rows, {
      v1: 3, v2: 1, matched: 1, onlyV1: 0, onlyV2: 0, changed: 0,
      duplicateKeysV1: 1, duplicateKeysV2: 0, excludedV1: 2, excludedV2: 0, nullKeysV1: 0, nullKeysV2: 0,
    });
  });

  it('counts the rows a key repeated on one side only covers on the other side, whether or not it has that key', async () => {
    // V2 repeats 5 and 9 (V1 has each once) and 7 (V1 lacks it); V1's keys are unique. Then the mirror image.
    const unique = "SELECT * FROM (VALUES (1, 'a'), (5, 'e'), (9, 'i'), (10, 'j')) t(id, v)";
    const repeated = "SELECT * FROM (VALUES (1, 'a'), (5, 'e'), (5, 'e'), (7, 'g'), (7, 'g'), (9, 'i'), (9, 'i'), (9, 'x'), (10, 'k')) t(id, v)";
    const counts = { v1: 4, v2: 9, matched: 2, onlyV1: 0, onlyV2: 0, changed: 1, duplicateKeysV1: 0, duplicateKeysV2: 3, excludedV1: 2, excludedV2: 7, nullKeysV1: 0, nullKeysV2: 0 };
    assert.deepEqual((await compare(unique, repeated, { keys: ['id'] })).result.rows, counts);
    assert.deepEqual((await compare(repeated, unique, { keys: ['id'] })).result.rows, {
      ...counts, v1: 9, v2: 4, duplicateKeysV1: 3, duplicateKeysV2: 0, excludedV1: 7, excludedV2: 2,
    });
    const nullSafe = await compare("SELECT * FROM (VALUES (NULL, 'n'), (1, 'a')) t(id, v)", "SELECT * FROM (VALUES (NULL, 'n'), (NULL, 'n'), (1, 'a')) t(id, v)", { keys: ['id'], nullKeysMatch: true });
    assert.deepEqual([nullSafe.result.rows.duplicateKeysV2, nullSafe.result.rows.excludedV1, nullSafe.result.rows.excludedV2, nullSafe.result.rows.matched], [1, 1, 2, 1]);
  });

  it('matches on a composite key, a null in any key column never matching', async () => {
    const v1 = "SELECT * FROM (VALUES ('a', 1, 10.0), ('a', 2, 20.0), ('b', 1, 30.0), ('b', NULL, 40.0)) t(p, n, x)";
    const v2 = "SELECT * FROM (VALUES ('a', 1, 10.0), ('a', 2, 21.0), ('b', 1, 30.0), ('b', NULL, 40.0), ('b', 1, 30.0)) t(p, n, x)";
    const { result } = await compare(v1, v2, { keys: ['p', 'n'] });
    assert.deepEqual(result.rows, {
      v1: 4, v2: 5, matched: 2, onlyV1: 1, onlyV2: 1, changed: 1,
      duplicateKeysV1: 0, duplicateKeysV2: 1, excludedV1: 1, excludedV2: 2, nullKeysV1: 1, nullKeysV2: 1,
    });
    assert.deepEqual(result.sample.map((r) => [r.keys, r.kind, r.columns]), [
      [{ p: 'a', n: 2 }, 'changed', [{ name: 'x', v1: '20.0', v2: '21.0' }]],
      [{ p: 'b', n: null }, 'onlyV1', []],
      [{ p: 'b', n: null }, 'onlyV2', []],
    ]);
  });

  it('rejects an unknown key column with a ConfigError naming it', async () => {
    await assert.rejects(compare('SELECT 1 AS id', 'SELECT 1 AS id', { keys: ['nope'] }), { name: 'ConfigError', message: /key column "nope" is not in V1/ });
  });
});
