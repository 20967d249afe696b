import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataType, tableFromIPC, type Table } from 'apache-arrow';
import { mismatchesIpc } from '../../../src/core/engine/mismatchesIpc';
import { literal } from '../../../src/core/engine/sql';
import { InputError } from '../../../src/core/errors';
import { useEngine, writeTable } from './helpers';

describe('engine/mismatchesIpc', () => {
  const fx = useEngine('cutover-mismatches-ipc-');
  const ROWS = 5003; // three DuckDB chunks, the last one not a whole number of bytes of validity bits
  const record = { outputs: [{ path: 'mismatches.parquet', role: 'mismatches' }] };

  // The engine's long form with keys of the types a key can have, nulls in every column at different rows, text
  // of every length (empty, inline up to 12 bytes, longer ones DuckDB keeps behind a pointer, multi-byte UTF-8).
  const fileSql = `SELECT
      CASE WHEN i % 97 = 5 THEN NULL ELSE 9007199254740993 + i END::BIGINT AS id,
      CASE WHEN i % 89 = 6 THEN NULL ELSE (i * 1.25)::DECIMAL(18, 2) END AS amount,
      CASE WHEN i % 83 = 7 THEN NULL ELSE DATE '2025-12-01' + (i % 400)::INTEGER END AS as_of_date,
      CASE WHEN i % 79 = 8 THEN NULL ELSE TIMESTAMP '2025-12-01 10:30:00' + to_seconds(i) END AS booked_at,
      CASE WHEN i % 73 = 9 THEN NULL WHEN i % 5 = 0 THEN '' WHEN i % 5 = 1 THEN 'L' || i
        ELSE 'Prêt n° ' || i || ' — ' || repeat('é', i % 23) END AS loan_ref,
      CASE WHEN i % 3 = 0 THEN 'only_v1' ELSE 'changed' END AS kind,
      CASE WHEN i % 3 = 0 THEN NULL ELSE 'balance' END AS "column",
      CASE WHEN i % 3 = 0 THEN NULL ELSE (1000 + i)::VARCHAR END AS v1,
      CASE WHEN i % 3 = 0 OR i % 11 = 0 THEN NULL ELSE (1000.5 + i)::VARCHAR END AS v2,
      CASE WHEN i % 3 = 0 THEN NULL ELSE 0.5 + i / 8 END::DOUBLE AS abs_diff
    FROM range(${ROWS}) t(i)`;

  let dir = '';
  let file = '';
  before(async () => {
    dir = fx.dir;
    file = await writeTable(fx.engine, fileSql, join(dir, 'mismatches.parquet'));
  });

  /** The same rows read back with plain DuckDB SQL: every column as DuckDB prints it, abs_diff as a number. */
  async function expected(offset: number, limit: number): Promise<Record<string, unknown>[]> {
    return fx.engine.rows(`SELECT COLUMNS(c -> c <> 'abs_diff')::VARCHAR, abs_diff FROM read_parquet(${literal(file)}) LIMIT ${limit} OFFSET ${offset}`);
  }

  function assertSameRows(table: Table, rows: Record<string, unknown>[]): void {
    assert.equal(table.numRows, rows.length);
    const names = table.schema.fields.map((f) => f.name);
    assert.deepEqual(names, ['id', 'amount', 'as_of_date', 'booked_at', 'loan_ref', 'kind', 'column', 'v1', 'v2', 'abs_diff']);
    for (const name of names) {
      const column = table.getChild(name);
      assert.ok(column, name);
      const want = rows.map((r) => r[name] ?? null);
      const got = Array.from({ length: table.numRows }, (_, i) => column.get(i) as unknown);
      assert.deepEqual(got, want, `column ${name}`);
      assert.equal(column.nullCount, want.filter((v) => v === null).length, `nulls in ${name}`);
    }
  }

  it('decodes to the Parquet file\'s values: keys as DuckDB prints them, abs_diff a double, nulls kept', async () => {
    const { ipc, total, rows } = await mismatchesIpc(dir, record);
    assert.equal(total, ROWS);
    assert.equal(rows, ROWS);
    const table = tableFromIPC(ipc);
    for (const field of table.schema.fields) {
      assert.ok(field.name === 'abs_diff' ? DataType.isFloat(field.type) : DataType.isUtf8(field.type), `${field.name}: ${String(field.type)}`);
    }
    assertSameRows(table, await expected(0, ROWS));
    // Spot checks that do not go through a cast the module also makes.
    const row = (i: number) => table.get(i)?.toJSON() as Record<string, unknown>;
    assert.deepEqual(row(2), {
      id: '9007199254740995', amount: '2.50', as_of_date: '2025-12-03', booked_at: '2025-12-01 10:30:02',
      loan_ref: 'Prêt n° 2 — éé', kind: 'changed', column: 'balance', v1: '1002', v2: '1002.5', abs_diff: 0.75,
    });
    assert.deepEqual(row(3), {
      id: '9007199254740996', amount: '3.75', as_of_date: '2025-12-04', booked_at: '2025-12-01 10:30:03',
      loan_ref: 'Prêt n° 3 — ééé', kind: 'only_v1', column: null, v1: null, v2: null, abs_diff: null,
    });
    assert.equal(row(5)['id'], null);
    assert.equal(row(5)['loan_ref'], '');
    assert.equal(row(ROWS - 2)['loan_ref'], `L${ROWS - 2}`);
  });

  it('pages join up: an offset and a limit give exactly those rows of the file, with its total', async () => {
    const { ipc, total, rows } = await mismatchesIpc(dir, record, 3000, 1500);
    assert.equal(total, ROWS);
    assert.equal(rows, 1500);
    assertSameRows(tableFromIPC(ipc), await expected(3000, 1500));
  });

  it('an empty mismatch file gives its columns and no rows', async () => {
    const emptyDir = join(dir, 'empty');
    mkdirSync(emptyDir);
    await writeTable(fx.engine, `${fileSql} LIMIT 0`, join(emptyDir, 'mismatches.parquet'));
    const { ipc, total, rows } = await mismatchesIpc(emptyDir, record);
    const table = tableFromIPC(ipc);
    assert.equal(total, 0);
    assert.equal(rows, 0);
    assert.equal(table.numRows, 0);
    assert.equal(table.schema.fields.length, 10);
  });

  it('a run without a mismatch file is an input error naming the file', async () => {
    await assert.rejects(mismatchesIpc(join(dir, 'nowhere'), record), (error: unknown) =>
      error instanceof InputError && error.message.includes(join(dir, 'nowhere', 'mismatches.parquet')));
  });
});
