/**
 * Output channels at 1,000,000 loans (10 columns), each against a peer in the same run:
 *   - PostgreSQL write: COPY FROM STDIN through pg + pg-copy-streams (what the example's V2 delivery does) against
 *     `psql \copy` of the same CSV (a whole process);
 *   - PostgreSQL read-back: `validateChannels` on a Supabase channel (COPY … TO STDOUT, loaded into DuckDB with the
 *     local output's types, row count and keyed contents compared) — the whole check;
 *   - Azure (azurite): the Parquet output uploaded with its MD5 set, then length and MD5 read back (what publish
 *     does), against a plain `uploadFile` of the same file.
 *   - Supabase REST (supabase-js) on the first 100,000 loans: batched upserts at several batch sizes (the chosen one,
 *     UPSERT_BATCH_ROWS, marked) and the paginated read-back, against a pg COPY of the same rows. The server is the
 *     PostgREST stand-in of test/host/postgrest.ts (PostgREST cannot be installed here) over the same PostgreSQL.
 * Medians of 3. Backends are the throwaway PostgreSQL and azurite of test/host, on loopback.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import { Client } from 'pg';
import { from } from 'pg-copy-streams';
import { READ_PAGE_ROWS, readAllRows, restClient, UPSERT_BATCH_ROWS, upsertRows } from '../src/core/channels/rest';
import { Secrets } from '../src/core/channels/secrets';
import { validateChannels } from '../src/core/channels/validate';
import { parseConfig } from '../src/core/config/load';
import { openEngine } from '../src/core/engine/duckdb';
import { RunStore } from '../src/core/runs/store';
import { startAzurite } from '../test/host/azurite';
import { startPostgres } from '../test/host/postgres';
import { startPostgrest } from '../test/host/postgrest';

const N = 1_000_000;
const RUNS = 3;
/** Rows for the REST path: at tens of thousands of rows a second, a million would take minutes per batch size. */
const REST_N = 100_000;
const BATCH_SIZES = [100, UPSERT_BATCH_ROWS, 2_000, 10_000];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

async function md5(file: string): Promise<Buffer> {
  const hash = createHash('md5');
  await pipeline(createReadStream(file), hash);
  return hash.digest();
}

async function main(): Promise<void> {
  const [pg, azurite] = await Promise.all([startPostgres(), startAzurite()]);
  const dir = mkdtempSync(join(tmpdir(), 'cutover-channels-bench-'));
  const load = loadavg()[0] ?? 0;
  try {
    writeFileSync(join(dir, 'cutover.json'), JSON.stringify({
      pipelines: {
        v1: { command: ['true'], outputs: { kpis: { path: 'kpis.parquet' }, loans: { path: 'loans.parquet' } } },
        v2: { command: ['true'], outputs: { kpis: { path: 'kpis.parquet' }, loans: { path: 'loans.parquet' } } },
      },
      compare: { keys: ['loan_id'] },
      channels: { db: { type: 'supabase', output: 'loans', table: 'loans', connectionStringEnv: 'CUTOVER_BENCH_DB' } },
    }));
    const store = new RunStore(dir);
    const run = await store.begin('shadow');
    const local = join(run.dir, 'v2', 'loans.parquet');
    const csv = join(dir, 'loans.csv');
    const engine = await openEngine();
    await engine.exec(`CREATE TABLE loans AS SELECT i::INTEGER AS loan_id, DATE '2025-12-01' AS as_of_date, ['car','home','card','student'][1 + i % 4] AS product,
      ['north','south','east','west'][1 + (i // 7) % 4] AS region, 2015 + i % 10 AS vintage, round(1000 + (hash(i) % 500000) / 100.0, 2)::DOUBLE AS balance,
      CASE WHEN i % 97 = 0 THEN NULL ELSE 0.01 + (hash(i, 1) % 2000) / 100000.0 END AS rate, (hash(i, 2) % 120)::INTEGER AS dpd,
      CASE WHEN hash(i, 2) % 120 >= 90 THEN '90+' WHEN hash(i, 2) % 120 >= 30 THEN '30-89' ELSE 'current' END AS bucket, i % 53 = 0 AS defaulted
      FROM range(1, ${N + 1}) t(i)`);
    await engine.exec(`COPY (FROM loans ORDER BY loan_id) TO '${csv}' (FORMAT csv, HEADER true)`);
    mkdirSync(join(run.dir, 'v2'), { recursive: true });
    await engine.exec(`COPY (FROM loans ORDER BY loan_id) TO '${local}' (FORMAT parquet)`);
    await run.addFile('outputs', local, { role: 'v2-loans', rows: N });
    const record = await run.finish({ verdict: { verdict: 'pass', reasons: ['bench'] }, results: {} });
    // The run folder was renamed into place when the run closed.
    const parquet = join(store.runDir(record.id), 'v2', 'loans.parquet');

    const client = new Client({ connectionString: pg.url });
    await client.connect();
    const create = `DROP TABLE IF EXISTS loans; CREATE TABLE loans (loan_id integer, as_of_date date, product text, region text, vintage integer,
      balance double precision, rate double precision, dpd integer, bucket text, defaulted boolean)`;
    const ours: number[] = [];
    const peer: number[] = [];
    const psql = '/usr/lib/postgresql/15/bin/psql';
    for (let i = 0; i < RUNS; i++) {
      await client.query(create);
      ours.push(await timed(() => pipeline(createReadStream(csv), client.query(from('COPY loans FROM STDIN WITH (FORMAT csv, HEADER true)')))));
      await client.query(create);
      peer.push(await timed(async () => {
        const r = spawnSync(psql, [pg.url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy loans FROM '${csv}' WITH (FORMAT csv, HEADER true)`], { stdio: 'ignore' });
        if (r.status !== 0) throw new Error(`psql \\copy exited ${r.status}`);
      }));
    }
    const counted = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM loans')).rows[0]?.n);
    if (counted !== N) throw new Error(`PostgreSQL holds ${counted} rows, not ${N}`);
    await client.end();

    const config = parseConfig(readFileSync(join(dir, 'cutover.json'), 'utf8'), join(dir, 'cutover.json'));
    const secrets = new Secrets({ CUTOVER_BENCH_DB: pg.url });
    const validate: number[] = [];
    let verdict = '';
    for (let i = 0; i < RUNS; i++) {
      const out = join(dir, `validate-${i}`);
      validate.push(await timed(async () => {
        const result = await validateChannels({ config, cwd: dir, run: record, runDir: store.runDir(record.id), outDir: out, secrets, engine, timeoutSeconds: 60 });
        verdict = result.verdict;
      }));
    }
    if (verdict !== 'pass') throw new Error(`the read-back did not pass: ${verdict}`);

    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('bench');
    await container.createIfNotExists();
    const bytes = statSync(parquet).size;
    const withMd5: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      withMd5.push(await timed(async () => {
        const sum = await md5(parquet);
        const blob = container.getBlockBlobClient(`ours-${i}.parquet`);
        await blob.uploadFile(parquet, { blobHTTPHeaders: { blobContentMD5: sum } });
        const props = await blob.getProperties();
        if (props.contentLength !== bytes || !Buffer.from(props.contentMD5 ?? []).equals(sum)) throw new Error('the blob did not verify');
      }));
      plain.push(await timed(async () => {
        await container.getBlockBlobClient(`plain-${i}.parquet`).uploadFile(parquet);
      }));
    }

    // Supabase REST: the same loans as JSON rows, upserted on their key, then read back page by page.
    const rest = await startPostgrest({ databaseUrl: pg.url, key: 'bench-key', maxRows: READ_PAGE_ROWS });
    const target = { url: rest.url, key: 'bench-key', schema: 'public', timeoutMs: 300_000 };
    const api = restClient(target);
    const json = (await engine.rows(`SELECT to_json(l)::VARCHAR AS j FROM loans l WHERE loan_id <= ${REST_N} ORDER BY loan_id`)).map((r) => JSON.parse(String(r['j'])) as Record<string, unknown>);
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    const createRest = `DROP TABLE IF EXISTS loans_rest; CREATE TABLE loans_rest (loan_id integer PRIMARY KEY, as_of_date date, product text, region text,
      vintage integer, balance double precision, rate double precision, dpd integer, bucket text, defaulted boolean)`;
    const upserts: { batch: number; seconds: number; retries: number }[] = [];
    for (const batch of BATCH_SIZES) {
      await db.query(createRest);
      let retries = 0;
      const note = (m: string): void => { retries++; process.stderr.write(`${m}\n`); };
      upserts.push({ batch, seconds: await timed(() => upsertRows(api, target, 'loans_rest', json, 'loan_id', note, batch)), retries });
    }
    const reads: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      reads.push(await timed(async () => {
        const n = await readAllRows(api, target, 'loans_rest', ['loan_id'], async () => undefined);
        if (n !== REST_N) throw new Error(`read back ${n} rows, not ${REST_N}`);
      }));
    }
    const restCsv = join(dir, 'loans-rest.csv');
    await engine.exec(`COPY (SELECT * FROM loans WHERE loan_id <= ${REST_N} ORDER BY loan_id) TO '${restCsv}' (FORMAT csv, HEADER true)`);
    const copies: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await db.query(createRest);
      copies.push(await timed(() => pipeline(createReadStream(restCsv), db.query(from('COPY loans_rest FROM STDIN WITH (FORMAT csv, HEADER true)')))));
    }
    await db.end();
    await rest.stop();
    engine.close();
    const s = (x: number): string => x.toFixed(2);
    const rate = (rows: number, x: number): string => Math.round(rows / x).toLocaleString('en-US');
    const mbps = (x: number): string => (bytes / 1e6 / x).toFixed(0);
    const list = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(', ');
    process.stdout.write([
      `## Output channels (${N.toLocaleString('en-US')} loans, 10 columns)`,
      '',
      `Throwaway PostgreSQL 15 and azurite on loopback; medians of ${RUNS}; CSV ${(statSync(csv).size / 1e6).toFixed(1)} MB, Parquet ${(bytes / 1e6).toFixed(1)} MB.`,
      `Load average when the run started: ${load.toFixed(1)} on ${cpus().length} cores${load > cpus().length ? ' (above the core count: other work shared the machine, times are inflated)' : ''}.`,
      '',
      '| measure | median s | runs (s) | target | met |',
      '|---|---:|---|---|---|',
      `| PostgreSQL write: COPY FROM STDIN (pg + pg-copy-streams) | ${s(median(ours))} | ${list(ours)} | ≤ 3 s | ${median(ours) <= 3 ? 'yes' : 'no'} |`,
      `| peer: psql \\copy (whole process) | ${s(median(peer))} | ${list(peer)} | — | — |`,
      `| PostgreSQL read back and compared (validateChannels, one Supabase channel) | ${s(median(validate))} | ${list(validate)} | ≤ 3 s | ${median(validate) <= 3 ? 'yes' : 'no'} |`,
      `| Azure: upload with MD5, length and MD5 read back | ${s(median(withMd5))} (${mbps(median(withMd5))} MB/s) | ${list(withMd5)} | — | — |`,
      `| peer: plain uploadFile | ${s(median(plain))} (${mbps(median(plain))} MB/s) | ${list(plain)} | — | — |`,
      '',
      `### Supabase REST (supabase-js), ${REST_N.toLocaleString('en-US')} of those loans`,
      '',
      'The server is the PostgREST stand-in of test/host/postgrest.ts (PostgREST cannot be installed here) over the same',
      `PostgreSQL: it parses each JSON body with json_populate_recordset as PostgREST does, but its own costs are not PostgREST's. max-rows ${READ_PAGE_ROWS}.`,
      '',
      '| measure | s | rows/s | batches sent again |',
      '|---|---:|---:|---:|',
      ...upserts.map((u) => `| upsert in batches of ${u.batch.toLocaleString('en-US')} rows${u.batch === UPSERT_BATCH_ROWS ? ' (**chosen**)' : ''} | ${s(u.seconds)} | ${rate(REST_N, u.seconds)} | ${u.retries} |`),
      `| read back page by page (${READ_PAGE_ROWS} rows a page, counted), median of ${RUNS} (${list(reads)}) | ${s(median(reads))} | ${rate(REST_N, median(reads))} | — |`,
      `| peer: pg COPY FROM STDIN of the same rows, median of ${RUNS} (${list(copies)}) | ${s(median(copies))} | ${rate(REST_N, median(copies))} | — |`,
      '',
      `Why ${UPSERT_BATCH_ROWS} rows a batch: the fastest size measured above. Small batches pay a round trip and a statement per`,
      'request; large ones a JSON body held and parsed whole and one long statement each, slower per row, and a batch that',
      'fails (a timeout, a dropped connection: "batches sent again") costs its whole body again. The REST path is for small',
      'tables and projects without a database URL; bulk work goes through the Postgres connection (COPY), several times faster.',
    ].join('\n'));
  } finally {
    await Promise.all([pg.stop(), azurite.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
