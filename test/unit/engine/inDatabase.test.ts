import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { compareTables } from '../../../src/core/engine/compare';
import { compareInDatabase } from '../../../src/core/engine/remote/inDatabase';
import { PostgresTable } from '../../../src/core/engine/remote/postgres';
import { parseTableReference } from '../../../src/core/engine/remote/reference';
import type { RowCompareOptions } from '../../../src/core/engine/types';
import { UsageError } from '../../../src/core/errors';
import type { Postgres } from '../../host/postgres';
import { createSampleLoans, startPostgres } from '../../host/postgres';
import { runCli } from '../cli';
import { useEngine, writeTable } from './helpers';

/**
 * V1 (`loans`) and V2 tables in one real PostgreSQL, differences injected by construction: rows with
 * id % 1000 = 3 dropped, 5 new ids, balance +0.01 at id % 997 = 1, status flipped at id % 4001 = 2, key 500 twice.
 * `loans_case` is `loans` with status upper-cased and space-padded at id % 7 = 0 and dpd renamed DPD.
 * The oracle is the DuckDB compare of the same two tables pulled out whole.
 */
describe('engine/remote: both tables in one PostgreSQL database (real server)', function () {
  this.timeout(90_000);
  const fx = useEngine('cutover-indb-');
  let pg: Postgres;
  const N = 20_000;
  const ref = (table: string) => parseTableReference(`${pg.url}#public.${table}`);

  async function sql(text: string): Promise<void> {
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  }

  before(async () => {
    pg = await startPostgres();
    await createSampleLoans(pg, N);
    await sql(`CREATE TABLE loans_v2 AS
      SELECT id, (CASE WHEN id % 997 = 1 THEN balance + 0.01 ELSE balance END)::numeric(12,2) AS balance,
        CASE WHEN id % 4001 = 2 THEN 'closed' ELSE status END AS status, opened, dpd FROM loans WHERE id % 1000 <> 3
      UNION ALL SELECT ${N} + i, 1.00::numeric(12,2), 'open', DATE '2024-06-01', 0 FROM generate_series(1, 5) AS t(i)
      UNION ALL SELECT * FROM loans WHERE id = 500;
      CREATE TABLE loans_case AS SELECT id, balance, CASE WHEN id % 7 = 0 THEN ' ' || upper(status) || '  ' ELSE status END AS status, opened, dpd AS "DPD" FROM loans;
      CREATE TABLE float_a AS SELECT id, balance::double precision AS balance, status FROM loans;
      CREATE TABLE float_b AS SELECT id, CASE WHEN id % 500 = 7 THEN 'NaN' WHEN id % 900 = 8 THEN 'Infinity' ELSE balance * (1 + 1e-9 * (id % 3)) END::double precision AS balance, status FROM loans_v2;
      CREATE TABLE empty_a AS SELECT * FROM loans WHERE false;
      CREATE TABLE empty_b AS SELECT * FROM loans WHERE false;`);
    await sql('CREATE DATABASE other');
  });
  after(async () => {
    await pg?.stop();
  });

  /** The table pulled whole into a Parquet file with the types the database side has in DuckDB. */
  async function pulled(table: string): Promise<string> {
    const t = await PostgresTable.open(ref(table));
    try {
      await t.pull(fx.engine, `raw_${table}`, 0, null);
      const cols = t.columns.map((c) => `CAST("${c.name}" AS ${c.type}) AS "${c.name}"`).join(', ');
      return await writeTable(fx.engine, `SELECT ${cols} FROM raw_${table}`, join(fx.dir, `${table}.parquet`));
    } finally {
      await t.close();
    }
  }

  const cases: { name: string; v1?: string; v2: string; rows: RowCompareOptions; matching?: { ignoreColumnCase?: boolean; columnMap?: Record<string, string> } }[] = [
    { name: 'one integer key', v2: 'loans_v2', rows: { keys: ['id'] } },
    { name: 'two keys, a tolerance that covers the balance changes', v2: 'loans_v2', rows: { keys: ['status', 'id'], tolerance: { abs: 0.01, rel: 0 } } },
    { name: 'a per-column relative tolerance', v2: 'loans_v2', rows: { keys: ['id'], columnTolerances: { balance: { rel: 1e-6 } } } },
    { name: 'doubles with NaN and Infinity, a relative tolerance', v1: 'float_a', v2: 'float_b', rows: { keys: ['id'], tolerance: { abs: 0, rel: 1e-8 } } },
    { name: 'a key with null parts, null-safe', v2: 'loans_v2', rows: { keys: ['dpd', 'id'], nullKeysMatch: true } },
    { name: 'a key with null parts, never matching', v2: 'loans_v2', rows: { keys: ['dpd', 'id'] } },
    { name: 'case and padding ignored, column names matched ignoring case', v2: 'loans_case', rows: { keys: ['id'], ignoreCase: true, ignoreSpaces: true }, matching: { ignoreColumnCase: true } },
    { name: 'case and padding compared, a renamed column mapped', v2: 'loans_case', rows: { keys: ['status', 'id'] }, matching: { columnMap: { dpd: 'DPD' } } },
  ];
  for (const c of cases) {
    it(`gives the counts, statistics and sample of a DuckDB compare of the same tables (${c.name})`, async () => {
      const v1 = c.v1 ?? 'loans';
      const out = await compareInDatabase({ v1: ref(v1), v2: ref(c.v2), rows: c.rows, ...(c.matching ? { matching: c.matching } : {}) });
      const local = await compareTables(fx.engine, { v1: { path: await pulled(v1) }, v2: { path: await pulled(c.v2) }, rows: c.rows, ...(c.matching ? { matching: c.matching } : {}) });
      assert.equal(out.verdict, local.verdict);
      assert.deepEqual(out.rows?.rows, local.rows?.rows);
      assert.deepEqual(out.rows?.columns, local.rows?.columns);
      // The one display difference: each engine names non-finite doubles its own way (NaN/Infinity, nan/inf).
      const spelled = (sample: unknown): string => JSON.stringify(sample).replaceAll('"nan"', '"NaN"').replaceAll('"inf"', '"Infinity"').replaceAll('"-inf"', '"-Infinity"');
      assert.equal(spelled(out.rows?.sample), spelled(local.rows?.sample));
      assert.deepEqual(out.reasons, local.reasons);
      assert.equal(out.remote.method, 'in-database');
      assert.equal(out.remote.rowsPulled, 0);
      assert.ok(out.rows !== undefined && out.rows.rows.matched > 0);
    });
  }

  it('finds the injected differences (not merely agreeing with DuckDB)', async () => {
    const out = await compareInDatabase({ v1: ref('loans'), v2: ref('loans_v2'), rows: { keys: ['id'] } });
    const r = out.rows?.rows;
    assert.equal(out.verdict, 'fail');
    assert.deepEqual([r?.onlyV1, r?.onlyV2, r?.duplicateKeysV2, r?.excludedV1, r?.excludedV2], [20, 5, 1, 1, 2]);
    // balance at id % 997 = 1 (ids 1, 998, …); status at id % 4001 = 2 where it was open (2, 12005, 16006; 4003 dropped).
    assert.deepEqual(out.rows?.columns.map((col) => [col.name, col.mismatches]), [['balance', 21], ['status', 3], ['opened', 0], ['dpd', 0]]);
    assert.equal(out.rows?.sample.length, 20);
    assert.ok(out.remote.bytesReceived > 0 && out.remote.bytesReceived < 200_000, `${out.remote.bytesReceived} bytes received`);
    const same = await compareInDatabase({ v1: ref('loans'), v2: ref('loans'), rows: { keys: ['id'] } });
    assert.equal(same.verdict, 'pass');
    assert.equal(same.rows?.rows.matched, N);
  });

  it('calls two empty tables no data (inconclusive), and refuses tables in two databases', async () => {
    const empty = await compareInDatabase({ v1: ref('empty_a'), v2: ref('empty_b'), rows: { keys: ['id'] } });
    assert.equal(empty.verdict, 'inconclusive');
    assert.match(empty.reasons.join('; '), /no data/);
    const elsewhere = parseTableReference(`${pg.url.replace(/\/postgres$/, '/other')}#public.loans`);
    await assert.rejects(compareInDatabase({ v1: ref('loans'), v2: elsewhere, rows: { keys: ['id'] } }), (e: unknown) => e instanceof UsageError && /different databases/.test(e.message));
  });

  it('cutover compare runs two tables of one database there, by reference or by channel name, and refuses what cannot run there by name', async () => {
    const r = await runCli(['compare', `${pg.url}#public.loans`, `${pg.url}#public.loans_v2`, '--key', 'id', '--json'], fx.dir);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { rows: { onlyV1: number; onlyV2: number }; remote: { method: string; rowsPulled: number }; v1: { format: string }; mismatches: unknown };
    assert.deepEqual([doc.rows.onlyV1, doc.rows.onlyV2, doc.remote.method, doc.v1.format, doc.mismatches], [20, 5, 'in-database', 'postgres', null]);

    // A supabase channel with ${side}: loans_${side} is loans_v1 as V1 and loans_v2 as V2; the secret from the environment.
    await sql('CREATE VIEW loans_v1 AS SELECT * FROM loans');
    const secret = pg.url.replace('postgres@', 'postgres:not-a-real-password-42@');
    writeFileSync(join(fx.dir, 'cutover.json'), JSON.stringify({
      pipelines: { v1: { command: ['true'], outputs: { kpis: { path: 'k.csv' } } }, v2: { command: ['true'], outputs: { kpis: { path: 'k.csv' } } } },
      channels: { warehouse: { type: 'supabase', output: 'loans', sides: ['v1', 'v2'], table: 'loans_${side}', connectionStringEnv: 'CUTOVER_TEST_WAREHOUSE' } },
    }));
    process.env['CUTOVER_TEST_WAREHOUSE'] = secret;
    try {
      const byChannel = await runCli(['compare', 'warehouse', 'warehouse', '--key', 'id', '--json', '--no-record'], fx.dir);
      assert.equal(byChannel.code, 1, byChannel.stderr);
      const d2 = JSON.parse(byChannel.stdout) as { rows: { onlyV1: number }; v1: { path: string }; v2: { path: string } };
      assert.deepEqual([d2.rows.onlyV1, d2.v1.path, d2.v2.path], [20, 'channel warehouse (public.loans_v1)', 'channel warehouse (public.loans_v2)']);
      assert.ok(!byChannel.stdout.includes('not-a-real-password-42'));
      const missing = await runCli(['compare', 'warehouse', `${pg.url}#public.nope`, '--key', 'id', '--no-record'], fx.dir);
      assert.equal(missing.code, 3);
      assert.match(missing.stderr, /nope/);
      assert.ok(!missing.stderr.includes('not-a-real-password-42'), missing.stderr);
    } finally {
      delete process.env['CUTOVER_TEST_WAREHOUSE'];
    }

    const typed = await runCli(['compare', `${pg.url}#public.loans`, `${pg.url}#public.loans_v2`, '--key', 'id', '--type', 'id=VARCHAR', '--no-record'], fx.dir);
    assert.equal(typed.code, 3);
    assert.match(typed.stderr, /--type/);
    const file = await pulled('loans_case');
    const mapped = await runCli(['compare', `${pg.url}#public.loans`, file, '--key', 'id', '--map', 'dpd=DPD', '--no-record'], fx.dir);
    assert.equal(mapped.code, 3);
    assert.match(mapped.stderr, /--map: not supported between a database table and a file/);
  });
});
