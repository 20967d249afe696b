/**
 * A table in PostgreSQL against a Parquet file (1M rows, 5 columns, differences injected by construction):
 *   - segment checksums (src/core/engine/remote): only the differing segments' rows leave the database;
 *   - pull whole: the whole table copied into DuckDB (the same `pg` text protocol), then the same row diff.
 * Both in this process on a throwaway PostgreSQL 15 (test/host/postgres.ts); bytes are counted on the socket.
 * Both must report the same counts.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { openEngine } from '../src/core/engine/duckdb';
import { compareWithDatabase } from '../src/core/engine/remote/compare';
import { parseTableReference } from '../src/core/engine/remote/reference';
import { createSampleLoans, startPostgres } from '../test/host/postgres';

const N = 1_000_000;

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
