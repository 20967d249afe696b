/**
 * On a throwaway PostgreSQL 15 (test/host/postgres.ts), 1M rows, 5 columns, differences injected by construction;
 * bytes are counted on the socket; every pair of methods must report the same counts.
 * A table in PostgreSQL against a Parquet file:
 *   - segment checksums (src/core/engine/remote): only the differing segments' rows leave the database;
 *   - pull whole: the whole table copied into DuckDB (the same `pg` text protocol), then the same row diff.
 * Two tables in the database:
 *   - in the database: the row diff run there as SQL (remote/inDatabase.ts), only counts and the sample come back;
 *   - pull both: both tables copied into DuckDB whole, then the same row diff in DuckDB.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { Client } from 'pg';
import type { Engine } from '../src/core/engine/duckdb';
import { openEngine } from '../src/core/engine/duckdb';
import { compareWithDatabase } from '../src/core/engine/remote/compare';
import { compareInDatabase } from '../src/core/engine/remote/inDatabase';
import { PostgresTable } from '../src/core/engine/remote/postgres';
import type { TableReference } from '../src/core/engine/remote/reference';
import { parseTableReference } from '../src/core/engine/remote/reference';
import { compareRows } from '../src/core/engine/rows';
import { compareSchemas } from '../src/core/engine/schema';
import type { LoadedTable, RowComparison } from '../src/core/engine/types';
import { createSampleLoans, startPostgres } from '../test/host/postgres';

const N = 1_000_000;

/** The peer of the in-database compare: both tables copied whole into DuckDB, typed, then the same row diff. */
async function pullBoth(engine: Engine, refs: readonly TableReference[]): Promise<{ rows: RowComparison; received: number; sent: number }> {
  const tables: LoadedTable[] = [];
  let received = 0;
  let sent = 0;
  for (const [i, ref] of refs.entries()) {
    const t = await PostgresTable.open(ref);
    try {
      const rows = await t.pull(engine, `raw_${i}`, 0, null);
      const relation = `"pulled_${i}"`;
      await engine.exec(`CREATE OR REPLACE TABLE ${relation} AS SELECT ${t.columns.map((c) => `CAST("${c.name}" AS ${c.type}) AS "${c.name}"`).join(', ')} FROM raw_${i}`);
      await engine.exec(`DROP TABLE raw_${i}`);
      tables.push({ source: { path: ref.display, label: `V${i + 1}` }, format: 'postgres', relation, files: [], columns: t.columns, rows });
      received += t.bytes.received;
      sent += t.bytes.sent;
    } finally {
      await t.close();
    }
  }
  const [v1, v2] = tables as [LoadedTable, LoadedTable];
  return { rows: await compareRows(engine, v1, v2, compareSchemas(v1.columns, v2.columns), { keys: ['id'] }), received, sent };
}

async function main(): Promise<void> {
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'cutover-pg-bench-'));
  const engine = await openEngine();
  try {
    await createSampleLoans(pg, N);
    const file = join(dir, 'v2.parquet');
    // V2: 1 in 10,000 loans dropped, 5 new ones, balance +0.01 at id % 9973 = 1.
    await engine.exec(`COPY (SELECT id, CASE WHEN id % 9973 = 1 THEN balance + 0.01 ELSE balance END AS balance, status, opened, dpd FROM (
      SELECT i::BIGINT AS id, CAST(1000 + (i * 37) % 5000 / 100.0 AS DECIMAL(12,2)) AS balance, CASE WHEN i % 3 = 0 THEN 'closed' ELSE 'open' END AS status,
      CAST(DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS DATE) AS opened, CAST(CASE WHEN i % 50 = 0 THEN NULL ELSE i % 7 END AS INTEGER) AS dpd FROM range(1, ${N + 1}) AS g(i))
      WHERE id % 10000 <> 3 UNION ALL SELECT ${N} + i, 1.00, 'open', DATE '2024-06-01', 0 FROM range(1, 6) AS t(i)) TO '${file}' (FORMAT parquet)`);
    const request = { v1: { database: parseTableReference(`${pg.url}#public.loans`) }, v2: { file: { path: file } }, rows: { keys: ['id'] } };
    const load = loadavg()[0] ?? 0;
    const rows: string[] = [];
    let reference = '';
    for (const [label, bisect] of [['segment checksums', {}], ['pull whole table', { maxDigits: 0 }]] as const) {
      const started = performance.now();
      const out = await compareWithDatabase(engine, { ...request, bisect });
      const seconds = (performance.now() - started) / 1000;
      const counts = JSON.stringify({ onlyV1: out.rows?.rows.onlyV1, onlyV2: out.rows?.rows.onlyV2, changed: out.rows?.rows.changed });
      reference ||= counts;
      const mb = (b: number): string => (b / 1e6).toFixed(1);
      rows.push(`| ${label} | ${seconds.toFixed(2)} | ${out.remote.rowsPulled.toLocaleString('en-US')} | ${mb(out.remote.bytesReceived)} | ${mb(out.remote.bytesSent)} | ${out.remote.rounds.length} | ${counts === reference ? 'yes' : `**no** ${counts}`} |`);
    }
    // The same differences as the file, made in the database.
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    await c.query(`CREATE TABLE loans_v2 AS SELECT id, (CASE WHEN id % 9973 = 1 THEN balance + 0.01 ELSE balance END)::numeric(12,2) AS balance, status, opened, dpd
      FROM loans WHERE id % 10000 <> 3 UNION ALL SELECT ${N} + i, 1.00::numeric(12,2), 'open', DATE '2024-06-01', 0 FROM generate_series(1, 5) AS t(i); ANALYZE loans; ANALYZE loans_v2`);
    await c.end();
    const refs = [parseTableReference(`${pg.url}#public.loans`), parseTableReference(`${pg.url}#public.loans_v2`)];
    const loadBoth = loadavg()[0] ?? 0;
    const both: string[] = [];
    let referenceBoth = '';
    for (const label of ['in the database', 'pull both into DuckDB'] as const) {
      const started = performance.now();
      const out = label === 'in the database'
        ? await compareInDatabase({ v1: refs[0] as TableReference, v2: refs[1] as TableReference, rows: { keys: ['id'] } }).then((o) => ({ rows: o.rows as RowComparison, received: o.remote.bytesReceived, sent: o.remote.bytesSent }))
        : await pullBoth(engine, refs);
      const seconds = (performance.now() - started) / 1000;
      const r = out.rows.rows;
      const counts = JSON.stringify({ onlyV1: r.onlyV1, onlyV2: r.onlyV2, changed: r.changed, matched: r.matched });
      referenceBoth ||= counts;
      const kb = (b: number): string => (b / 1e3).toLocaleString('en-US', { maximumFractionDigits: 1 });
      both.push(`| ${label} | ${seconds.toFixed(2)} | ${kb(out.received)} | ${kb(out.sent)} | ${counts === referenceBoth ? 'yes' : `**no** ${counts}`} |`);
    }
    process.stdout.write([
      `## compare a PostgreSQL table with a file (${N.toLocaleString('en-US')} rows)`,
      '',
      'PostgreSQL 15 (throwaway cluster on loopback, test/host/postgres.ts) against Parquet; 1 in 10,000 rows dropped, 5 added,',
      '1 in 9,973 balances changed. "pull whole table" is the same code with the checksums off (every row moves). Same process, same engine, loopback: the saving is in bytes (what a network would carry); on loopback the checksum rounds cost CPU in PostgreSQL.',
      '',
      `Load average when the runs started: ${load.toFixed(1)} on ${cpus().length} cores${load > cpus().length ? ': other work shared the machine, so the times are inflated' : ''}.`,
      '',
      '| method | wall s | rows pulled | MB received | MB sent | checksum rounds | same counts |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `### both tables in one PostgreSQL database (${N.toLocaleString('en-US')} rows each)`,
      '',
      'The same differences made in the database (loans_v2). "in the database": the row diff runs there as SQL (remote/inDatabase.ts),',
      'only counts and 20 sample rows come back. "pull both": each table copied whole into DuckDB (pg text protocol), then the same row diff there.',
      `Load average when these runs started: ${loadBoth.toFixed(1)} on ${cpus().length} cores.`,
      '',
      '| method | wall s | kB received | kB sent | same counts |',
      '|---|---|---|---|---|',
      ...both,
      '',
    ].join('\n'));
  } finally {
    engine.close();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
