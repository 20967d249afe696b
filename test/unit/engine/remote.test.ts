import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { compareTables } from '../../../src/core/engine/compare';
import { duckdbDialect, isFreeText, postgresDialect, rowText } from '../../../src/core/engine/remote/dialect';
import { compareWithDatabase } from '../../../src/core/engine/remote/compare';
import { duckdbTypeOf } from '../../../src/core/engine/remote/postgres';
import { parseTableReference } from '../../../src/core/engine/remote/reference';
import { UsageError } from '../../../src/core/errors';
import type { Postgres } from '../../host/postgres';
import { runCli } from '../cli';
import { createSampleLoans, startPostgres } from '../../host/postgres';
import { useEngine, writeTable } from './helpers';

describe('engine/remote: table references', () => {
  it('splits schema and table, defaults the schema, and shows no password', () => {
    const r = parseTableReference('postgres://app@db.example:5433/prod#sales."Loans 2024"');
    assert.deepEqual([r.schema, r.table, r.url], ['sales', 'Loans 2024', 'postgres://app@db.example:5433/prod']);
    assert.equal(r.display, 'postgres://app@db.example:5433/prod#sales.Loans 2024');
    assert.equal(parseTableReference('postgresql:///prod#loans').schema, 'public');
  });

  it('refuses a password in the reference and a missing table', () => {
    assert.throws(() => parseTableReference('postgres://app:s3cret@db/prod#loans'), (e: unknown) => e instanceof UsageError && /PGPASSWORD/.test(e.message) && !e.message.includes('s3cret'));
    assert.throws(() => parseTableReference('postgres://db/prod'), UsageError);
  });

  it('length-prefixes only values whose text could hold the separator', () => {
    assert.equal(isFreeText('BIGINT', 'INTEGER'), false);
    assert.equal(isFreeText('DECIMAL(12,2)', 'DATE'), false);
    assert.equal(isFreeText('BIGINT', 'VARCHAR'), true);
    assert.equal(isFreeText('VARCHAR', 'VARCHAR'), true);
    // NULL, "N" and "|"-bearing strings stay apart.
    const text = rowText(duckdbDialect, [{ name: 'a', free: true }, { name: 'b', free: false }]);
    assert.match(text, /'V' \|\| length/);
    assert.match(text, /coalesce\(CAST\("b" AS VARCHAR\), 'N'\) \|\| '\|'/);
  });

  it('maps PostgreSQL types without rounding exact ones', () => {
    assert.equal(duckdbTypeOf('numeric(12,2)'), 'DECIMAL(12,2)');
    assert.equal(duckdbTypeOf('numeric'), 'VARCHAR');
    assert.equal(duckdbTypeOf('numeric(50,0)'), 'VARCHAR');
    assert.equal(duckdbTypeOf('timestamp(3) with time zone'), 'TIMESTAMPTZ');
    assert.equal(duckdbTypeOf('bigint'), 'BIGINT');
  });
});

/**
 * V1 is generated in PostgreSQL, V2 the same rows by the same formulas in DuckDB (Parquet), with differences
 * injected by construction: rows with id % 1000 = 3 dropped, 5 new ids, balance +0.01 at id % 997 = 1, status
 * flipped at id % 4001 = 2, one duplicated key in V2.
 */
describe('engine/remote: one side in PostgreSQL (real server)', function () {
  this.timeout(60_000);
  const fx = useEngine('cutover-remote-');
  let pg: Postgres;
  const N = 20_000;

  before(async () => {
    pg = await startPostgres();
    await createSampleLoans(pg, N);
  });
  after(async () => {
    await pg?.stop();
  });

  async function v2File(name: string, changes: boolean): Promise<string> {
    const base = `SELECT i::BIGINT AS id, CAST(1000 + (i * 37) % 5000 / 100.0 AS DECIMAL(12,2)) AS balance,
      CASE WHEN i % 3 = 0 THEN 'closed' ELSE 'open' END AS status, CAST(DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS DATE) AS opened,
      CAST(CASE WHEN i % 50 = 0 THEN NULL ELSE i % 7 END AS INTEGER) AS dpd FROM range(1, ${N + 1}) AS g(i)`;
    const sql = changes
      ? `SELECT id, CASE WHEN id % 997 = 1 THEN balance + 0.01 ELSE balance END AS balance,
           CASE WHEN id % 4001 = 2 THEN 'closed' ELSE status END AS status, opened, dpd FROM (${base}) WHERE id % 1000 <> 3
         UNION ALL SELECT ${N} + i, 1.00, 'open', DATE '2024-06-01', 0 FROM range(1, 6) AS t(i)
         UNION ALL SELECT id, balance, status, opened, dpd FROM (${base}) WHERE id = 500`
      : base;
    return writeTable(fx.engine, sql, join(fx.dir, name));
  }

  it('renders a row to the same checksum text in both engines', async () => {
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    try {
      const cols = [{ name: 'id', free: false }, { name: 'balance', free: false }, { name: 'status', free: true }, { name: 'opened', free: false }, { name: 'dpd', free: false }];
      const inPg = await c.query(`SELECT md5(${rowText(postgresDialect, cols)}) AS h FROM loans WHERE id IN (50, 51) ORDER BY id`);
      const file = await v2File('same.parquet', false);
      const inDuck = await fx.engine.rows(`SELECT md5(${rowText(duckdbDialect, cols)}) AS h FROM read_parquet('${file}') WHERE id IN (50, 51) ORDER BY id`);
      assert.deepEqual(inPg.rows.map((r: { h: string }) => r.h), inDuck.map((r) => r['h']));
    } finally {
      await c.end();
    }
  });

  it('pulls nothing when the tables are equal, and passes', async () => {
    const file = await v2File('equal.parquet', false);
    const out = await compareWithDatabase(fx.engine, { v1: { database: parseTableReference(`${pg.url}#public.loans`) }, v2: { file: { path: file } }, rows: { keys: ['id'] } });
    assert.equal(out.verdict, 'pass');
    assert.equal(out.remote.rowsPulled, 0);
    assert.equal(out.rows?.rows.matched, N);
    assert.equal(out.remote.rounds.length, 1);
  });

  // One integer key: segments by remainder; two keys: segments by key hash.
  for (const keys of [['id'], ['status', 'id']]) {
    it(`finds exactly the differences a local compare finds, pulling only differing segments (keys ${keys.join(', ')})`, async () => {
      const file = await v2File('changed.parquet', true);
      const out = await compareWithDatabase(fx.engine, {
        v1: { database: parseTableReference(`${pg.url}#public.loans`) },
        v2: { file: { path: file } },
        rows: { keys },
        bisect: { pullThreshold: 500 },
      });
      // The oracle: the same V1 rows as a file, compared locally.
      const v1File = await writeTable(fx.engine, `SELECT * FROM ${out.tables.v1.relation}`, join(fx.dir, 'v1-copy.parquet'));
      const local = await compareTables(fx.engine, { v1: { path: v1File }, v2: { path: file }, rows: { keys } });
      assert.equal(out.verdict, 'fail');
      assert.deepEqual(out.rows?.rows, local.rows?.rows);
      assert.deepEqual(out.rows?.columns.map((c) => [c.name, c.mismatches]), local.rows?.columns.map((c) => [c.name, c.mismatches]));
      assert.equal(out.rows?.rows.duplicateKeysV2, 1);
      if (keys.length === 1) assert.equal(out.rows?.rows.onlyV1, 20);
      assert.ok(out.remote.rowsPulled > 0 && out.remote.rowsPulled < N / 4, `pulled ${out.remote.rowsPulled} of ${N}`);
    });
  }

  it('cutover compare takes a postgres:// table on either side, records the run, and prints no password', async () => {
    const file = await v2File('cli.parquet', true);
    const ref = `${pg.url}#public.loans`;
    const r = await runCli(['compare', file, ref, '--key', 'id', '--json', '--memory-limit', '1GB'], fx.dir);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { rows: { onlyV2: number; onlyV1: number }; v2: { path: string; format: string }; remote: { rowsPulled: number }; runDir: string };
    // Sides swapped: the dropped rows are now only in V2 (the database).
    assert.equal(doc.rows.onlyV2, 20);
    assert.equal(doc.v2.format, 'postgres');
    assert.ok(doc.remote.rowsPulled < N / 4);
    assert.ok(doc.runDir.startsWith(join(fx.dir, '.cutover', 'runs')));
    const record = JSON.parse(readFileSync(join(doc.runDir, 'run.json'), 'utf8')) as { inputs: { role: string }[]; results: { remote?: { rowsPulled: number }; v2: { path: string } } };
    assert.deepEqual(record.inputs.map((i) => i.role), ['v1'], 'the file side is recorded as an input, with its hash');
    assert.equal(record.results.remote?.rowsPulled, doc.remote.rowsPulled);
    assert.equal(record.results.v2.path, `${pg.url}#public.loans`);
    const refused = await runCli(['compare', 'postgres://postgres:hunter2@127.0.0.1/postgres#loans', file, '--key', 'id', '--no-record'], fx.dir);
    assert.equal(refused.code, 3);
    assert.ok(!refused.stderr.includes('hunter2'), refused.stderr);
  });
});
