/**
 * Opt-in (`npm run bench compare-100m`): `cutover compare` on two 100M-row Parquet outputs within a memory cap,
 * as a whole process: `node dist/cli.js compare v1 v2 --key loan_id --memory-limit 4GB --no-record --json`.
 * Goal: ≤ 90 s and peak RSS ≤ 4.5 GB on the 2-core, 24 GB machine. The data (the loan pair of compare.bench.ts at
 * 100M rows, differences injected by construction) is generated once into the bench cache
 * (`$CUTOVER_BENCH_CACHE`, default ~/.cache/cutover-bench) and reused; the section says how long generation took
 * and how much disk was free. `CUTOVER_BENCH_ROWS` measures another size (e.g. when the disk cannot hold 100M).
 * The counts are checked against those known from construction, and the spill folder must be gone afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.resolve(ROOT, process.env['CUTOVER_CLI'] ?? 'dist/cli.js');
const CACHE = process.env['CUTOVER_BENCH_CACHE'] ?? path.join(homedir(), '.cache', 'cutover-bench');
const N = Number(process.env['CUTOVER_BENCH_ROWS'] ?? 100_000_000);
const LIMIT = '4GB';

function log(message: string): void {
  process.stderr.write(`[compare-100m.bench] ${message}\n`);
}

const count = (mod: number, rest: number): number => Math.floor((N - 1 - rest) / mod) + 1;
const expected = { onlyV1: count(10000, 3), onlyV2: 50, changed: count(1000, 1) + count(5000, 2) + count(20000, 7) };

async function generate(v1: string, v2: string, meta: string): Promise<{ seconds: number }> {
  if (existsSync(v1) && existsSync(v2) && existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8')) as { seconds: number };
  log(`generating the ${N.toLocaleString('en-US')}-row pair into ${CACHE}`);
  const started = performance.now();
  const duckdb = await import('@duckdb/node-api');
  const instance = await duckdb.DuckDBInstance.create(':memory:', { memory_limit: '8GB', preserve_insertion_order: 'false', temp_directory: path.join(CACHE, 'gen-tmp') });
  const c = await instance.connect();
  const q = (p: string): string => `'${p.replaceAll("'", "''")}'`;
  const v1Sql = `SELECT i AS loan_id, round(1000 + (hash(i, 1) % 5000000) / 100.0, 2)::DOUBLE AS balance, round((hash(i, 2) % 2000) / 100.0, 2)::DOUBLE AS rate,
      (hash(i, 3) % 120)::INTEGER AS dpd, CASE WHEN hash(i, 4) % 10 = 0 THEN 'closed' ELSE 'open' END AS status,
      ['auto', 'home', 'card', 'student'][1 + (hash(i, 5) % 4)::INTEGER] AS product FROM range(${N}) t(i)`;
  const v2Sql = `SELECT loan_id, CASE WHEN loan_id % 1000 = 1 THEN balance + 1 ELSE balance END AS balance, rate,
      CASE WHEN loan_id % 5000 = 2 THEN dpd + 1 ELSE dpd END AS dpd,
      CASE WHEN loan_id % 20000 = 7 THEN (CASE WHEN status = 'open' THEN 'closed' ELSE 'open' END) ELSE status END AS status, product
    FROM (${v1Sql}) WHERE loan_id % 10000 <> 3
    UNION ALL SELECT ${N} + i, 100.0, 1.0, 0, 'open', 'auto' FROM range(50) t(i)`;
  await c.run(`COPY (${v1Sql}) TO ${q(`${v1}.tmp`)} (FORMAT parquet)`);
  await c.run(`COPY (${v2Sql}) TO ${q(`${v2}.tmp`)} (FORMAT parquet)`);
  c.closeSync();
  instance.closeSync();
  rmSync(path.join(CACHE, 'gen-tmp'), { recursive: true, force: true });
  renameSync(`${v1}.tmp`, v1);
  renameSync(`${v2}.tmp`, v2);
  const result = { seconds: (performance.now() - started) / 1000 };
  writeFileSync(meta, JSON.stringify(result));
  return result;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

async function main(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  const free = statfsSync(CACHE);
  const freeBefore = free.bavail * free.bsize;
  const v1 = path.join(CACHE, `v1_${N}.parquet`);
  const v2 = path.join(CACHE, `v2_${N}.parquet`);
  const gen = await generate(v1, v2, path.join(CACHE, `meta_${N}.json`));
  const size = statSync(v1).size + statSync(v2).size;
  const spillParent = path.join(tmpdir(), `cutover-bench-spill-${process.pid}`);
  mkdirSync(spillParent, { recursive: true });
  const timeFile = path.join(spillParent, 'time.txt');
  // The machine is shared: the load when the run starts says how much the wall time is to be trusted.
  const load = loadavg()[0] ?? 0;
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, CLI, 'compare', v1, v2, '--key', 'loan_id', '--memory-limit', LIMIT, '--temp-dir', spillParent, '--no-record', '--json'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - started) / 1000;
  const rssGb = Number.parseInt(readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '0', 10) * 1024 / 1e9;
  const leftover = readdirSync(spillParent).filter((f) => f.startsWith('cutover-spill-'));
  rmSync(spillParent, { recursive: true, force: true });
  if (r.status !== 1) throw new Error(`cutover exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  const rows = (JSON.parse(r.stdout) as { rows: { onlyV1: number; onlyV2: number; changed: number } }).rows;
  const agree = rows.onlyV1 === expected.onlyV1 && rows.onlyV2 === expected.onlyV2 && rows.changed === expected.changed;
  const ok = (good: boolean): string => (good ? 'met' : '**not met**');
  process.stdout.write([
    `## compare beyond memory: ${N.toLocaleString('en-US')} rows within --memory-limit ${LIMIT} (opt-in: \`npm run bench compare-100m\`)`,
    '',
    `Two Parquet outputs of ${N.toLocaleString('en-US')} loans (6 columns; ${gib(size)} together) in ${CACHE}, generated once by DuckDB in ${gen.seconds.toFixed(0)} s;`,
    `${gib(freeBefore)} free on that disk before the run. One whole process, /usr/bin/time's peak RSS; counts checked against construction.`,
    `Load average when the run started: ${load.toFixed(1)} on ${cpus().length} cores${load > cpus().length ? ': other work shared the machine, so the wall time is inflated' : ''}.`,
    '',
    '| run | wall s | peak RSS GB | counts agree | spill folder removed |',
    '|---|---|---|---|---|',
    `| cutover compare --memory-limit ${LIMIT} | ${seconds.toFixed(1)} | ${rssGb.toFixed(2)} | ${agree ? 'yes' : `**no** (${JSON.stringify(rows)})`} | ${leftover.length === 0 ? 'yes' : '**no**'} |`,
    '',
    `Goals: ≤ 90 s — ${ok(seconds <= 90)}; peak RSS ≤ 4.5 GB — ${ok(rssGb <= 4.5)}.`,
  ].join('\n'));
  process.stdout.write('\n');
}

void main().catch((error: unknown) => {
  log(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
