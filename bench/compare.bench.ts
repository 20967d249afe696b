/**
 * `cutover compare` end to end against the bare DuckDB join on the same files, as whole processes, in every shape
 * a migration produces: integer, string and two-column keys; 0, 10 and 1% duplicate keys in V2; Parquet and CSV.
 *   - cutover: `node dist/cli.js compare v1 v2 --key K --json` (schema, duplicate keys, row diff, mismatch Parquet;
 *     from Parquet also the run record with input hashes, from CSV with `--no-record`);
 *   - bare DuckDB: node + @duckdb/node-api running the duplicate-key counts (a grouping per side) and one FULL OUTER
 *     JOIN with the same per-column counts: the yardstick (CSV parsed into tables once, as cutover does);
 *   - pandas, as a reference row: a datacompy-style outer merge with per-column np.isclose, by /usr/bin/python3, on
 *     the integer-key CSV without duplicates.
 * Data: 1M-row loan-level outputs (keys, balance, rate, dpd, status, product) with differences injected by
 * construction, generated once into bench/.data/compare/ and reused. Duplicate keys repeat rows that are otherwise
 * equal, so the counts known from construction hold for both tools (cutover leaves the duplicates out, the bare join
 * pairs identical rows). cutover and bare DuckDB runs alternate, so load on the machine falls on both alike.
 * Wall time is measured around the process; peak RSS is /usr/bin/time's maximum resident set size.
 * `CUTOVER_CLI` may point at another build of the CLI (default dist/cli.js; build it with `node scripts/build.mjs`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(__dirname, '.data', 'compare');
const CLI = path.resolve(ROOT, process.env['CUTOVER_CLI'] ?? 'dist/cli.js');
const N = 1_000_000;
const RUNS = 5;
const COLUMNS = ['balance', 'rate', 'dpd', 'status', 'product'] as const;

/** Key shapes: the key columns and how they are made from the row number i. */
const KEYS = {
  integer: { columns: ['loan_id'], sql: (i: string) => `${i} AS loan_id` },
  string: { columns: ['loan_ref'], sql: (i: string) => `'L' || lpad(${i}::VARCHAR, 9, '0') AS loan_ref` },
  'two-column': { columns: ['branch', 'seq'], sql: (i: string) => `'B' || lpad((${i} % 1000)::VARCHAR, 3, '0') AS branch, ${i} // 1000 AS seq` },
} as const;
type KeyShape = keyof typeof KEYS;

/** Duplicate keys in V2: none, 10, and 1% of the rows, chosen among V1's rows with no injected difference. */
const DUPLICATES = { '0': '', '10': `i < ${N} AND i % 100000 = 13`, '1%': `i < ${N} AND i % 100 = 13` } as const;
type DupShape = keyof typeof DUPLICATES;
const FORMATS = ['parquet', 'csv'] as const;
type Format = (typeof FORMATS)[number];

type Counts = { onlyV1: number; onlyV2: number; changed: number; columns: Record<string, number>; dupV2: number };

function log(message: string): void {
  process.stderr.write(`[compare.bench] ${message}\n`);
}

/** Counts known from construction (see generate): computed by arithmetic, independent of every tool. */
function expected(n: number, dup: DupShape): Counts {
  const count = (mod: number, rest: number): number => Math.floor((n - 1 - rest) / mod) + 1;
  const balance = count(1000, 1);
  const dpd = count(5000, 2);
  const status = count(20000, 7);
  const dupV2 = dup === '0' ? 0 : dup === '10' ? count(100000, 13) : count(100, 13);
  return { onlyV1: count(10000, 3), onlyV2: 50, changed: balance + dpd + status, columns: { balance, rate: 0, dpd, status, product: 0 }, dupV2 };
}

function file(side: 'v1' | 'v2', key: KeyShape, dup: DupShape, format: Format): string {
  const name = side === 'v1' ? `v1_${key}` : `v2_${key}_dup${dup.replace('%', 'pct')}`;
  return path.join(DATA, `${name}_${N}.${format}`);
}

async function generate(): Promise<void> {
  const all = (Object.keys(KEYS) as KeyShape[]).flatMap((k) => (Object.keys(DUPLICATES) as DupShape[]).flatMap((d) => FORMATS.flatMap((f) => [file('v1', k, d, f), file('v2', k, d, f)])));
  if (all.every((p) => existsSync(p))) return;
  log(`generating ${N.toLocaleString('en-US')}-row pairs`);
  const started = performance.now();
  const duckdb = await import('@duckdb/node-api');
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const q = (p: string): string => `'${p.replaceAll("'", "''")}'`;
  await c.run(`CREATE TABLE v1 AS SELECT i,
      round(1000 + (hash(i, 1) % 5000000) / 100.0, 2)::DOUBLE AS balance,
      round((hash(i, 2) % 2000) / 100.0, 2)::DOUBLE AS rate,
      (hash(i, 3) % 120)::INTEGER AS dpd,
      CASE WHEN hash(i, 4) % 10 = 0 THEN 'closed' ELSE 'open' END AS status,
      ['auto', 'home', 'card', 'student'][1 + (hash(i, 5) % 4)::INTEGER] AS product
    FROM range(${N}) t(i)`);
  // V2: loans with i % 10000 = 3 dropped, 50 new loans, balance +1 at i % 1000 = 1, dpd +1 at i % 5000 = 2,
  // status flipped at i % 20000 = 7.
  await c.run(`CREATE TABLE v2 AS SELECT i,
      CASE WHEN i % 1000 = 1 THEN balance + 1 ELSE balance END AS balance, rate,
      CASE WHEN i % 5000 = 2 THEN dpd + 1 ELSE dpd END AS dpd,
      CASE WHEN i % 20000 = 7 THEN (CASE WHEN status = 'open' THEN 'closed' ELSE 'open' END) ELSE status END AS status, product
    FROM v1 WHERE i % 10000 <> 3
    UNION ALL SELECT ${N} + i, 100.0, 1.0, 0, 'open', 'auto' FROM range(50) t(i)`);
  const values = COLUMNS.join(', ');
  const write = async (sql: string, target: string, format: Format): Promise<void> => {
    if (existsSync(target)) return;
    await c.run(`COPY (${sql}) TO ${q(`${target}.tmp`)} (FORMAT ${format}${format === 'csv' ? ', HEADER true' : ''})`);
    renameSync(`${target}.tmp`, target);
  };
  for (const key of Object.keys(KEYS) as KeyShape[]) {
    const keys = KEYS[key].sql('i');
    for (const format of FORMATS) {
      await write(`SELECT ${keys}, ${values} FROM v1 ORDER BY i`, file('v1', key, '0', format), format);
      for (const [dup, where] of Object.entries(DUPLICATES) as [DupShape, string][]) {
        const extra = where === '' ? '' : ` UNION ALL SELECT * FROM v2 WHERE ${where}`;
        await write(`SELECT ${keys}, ${values} FROM (SELECT * FROM v2${extra}) ORDER BY i`, file('v2', key, dup, format), format);
      }
    }
  }
  c.closeSync();
  instance.closeSync();
  log(`generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

const BARE = `
const duckdb = require(${JSON.stringify(path.join(ROOT, 'node_modules', '@duckdb', 'node-api'))});
(async () => {
  const [v1, v2, fmt, keyList] = process.argv.slice(2);
  const keys = keyList.split(',');
  const read = (p) => fmt === 'csv' ? "read_csv('" + p + "')" : "read_parquet('" + p + "')";
  const inst = await duckdb.DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const make = fmt === 'csv' ? 'TABLE' : 'VIEW';
  await c.run('CREATE ' + make + ' a AS SELECT * FROM ' + read(v1));
  await c.run('CREATE ' + make + ' b AS SELECT * FROM ' + read(v2));
  const k = keys.join(', ');
  const d = await c.runAndReadAll('SELECT (SELECT count(*) FROM (SELECT ' + k + ' FROM a GROUP BY ALL HAVING count(*) > 1))::DOUBLE d1, (SELECT count(*) FROM (SELECT ' + k + ' FROM b GROUP BY ALL HAVING count(*) > 1))::DOUBLE d2');
  const cols = ${JSON.stringify(COLUMNS)};
  const m = (x) => '(a.' + x + ' IS DISTINCT FROM b.' + x + ')';
  const on = keys.map((x) => 'a.' + x + ' = b.' + x).join(' AND ');
  const both = 'a.' + keys[0] + ' IS NOT NULL AND b.' + keys[0] + ' IS NOT NULL';
  const r = await c.runAndReadAll('SELECT count(*) FILTER (WHERE b.' + keys[0] + ' IS NULL)::DOUBLE AS "onlyV1", count(*) FILTER (WHERE a.' + keys[0] + ' IS NULL)::DOUBLE AS "onlyV2", '
    + 'count(*) FILTER (WHERE ' + both + ' AND (' + cols.map(m).join(' OR ') + '))::DOUBLE AS changed, '
    + cols.map((x) => 'count(*) FILTER (WHERE ' + both + ' AND ' + m(x) + ')::DOUBLE AS "c_' + x + '"').join(', ')
    + ' FROM a FULL OUTER JOIN b ON ' + on);
  const row = r.getRowObjectsJS()[0];
  const columns = {};
  for (const x of cols) columns[x] = row['c_' + x];
  process.stdout.write(JSON.stringify({ onlyV1: row.onlyV1, onlyV2: row.onlyV2, changed: row.changed, columns, dupV2: d.getRowsJS()[0][1] }));
})();
`;

const PANDAS = `
import json, sys
try:
    import numpy as np
    import pandas as pd
except ImportError as e:
    print(json.dumps({"unavailable": str(e)})); sys.exit(0)
v1, v2 = sys.argv[1], sys.argv[2]
cols = ${JSON.stringify(COLUMNS)}
a = pd.read_csv(v1)
b = pd.read_csv(v2)
dups = int(b.duplicated(subset=["loan_id"], keep=False).groupby(b["loan_id"]).any().sum())
m = a.merge(b, on="loan_id", how="outer", suffixes=("_1", "_2"), indicator=True)
both = m[m["_merge"] == "both"]
changed = np.zeros(len(both), dtype=bool)
out = {}
for c in cols:
    x, y = both[c + "_1"], both[c + "_2"]
    if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
        diff = ~np.isclose(x.to_numpy(dtype=float), y.to_numpy(dtype=float), rtol=0, atol=0, equal_nan=True)
    else:
        diff = ((x != y) & ~(x.isna() & y.isna())).to_numpy()
    out[c] = int(diff.sum())
    changed |= diff
print(json.dumps({"onlyV1": int((m["_merge"] == "left_only").sum()), "onlyV2": int((m["_merge"] == "right_only").sum()), "changed": int(changed.sum()), "columns": out, "dupV2": dups}))
`;

interface Sample { seconds: number; cpu: number; rssMb: number; counts: Counts | undefined; error?: string }

function measure(command: string, args: string[], cwd: string): Sample {
  const timeFile = path.join(DATA, 'time.txt');
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const seconds = (performance.now() - started) / 1000;
  const [rss, user, sys] = (readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
  const rssMb = (rss ?? 0) / 1024;
  const cpu = (user ?? NaN) + (sys ?? NaN);
  // cutover exits 1 for "differences found", which is the expected verdict here.
  if (r.status !== 0 && r.status !== 1) return { seconds, cpu, rssMb, counts: undefined, error: `exit ${r.status}: ${(r.stderr || r.stdout).slice(0, 300)}` };
  try {
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    if (doc['unavailable']) return { seconds, cpu, rssMb, counts: undefined, error: `pandas not importable: ${String(doc['unavailable'])}` };
    if (doc['rows']) {
      const rows = doc['rows'] as Record<string, number>;
      const columns = Object.fromEntries((doc['columns'] as { name: string; mismatches: number }[]).map((c) => [c.name, c.mismatches]));
      return { seconds, cpu, rssMb, counts: { onlyV1: rows['onlyV1'] ?? -1, onlyV2: rows['onlyV2'] ?? -1, changed: rows['changed'] ?? -1, columns, dupV2: rows['duplicateKeysV2'] ?? -1 } };
    }
    return { seconds, cpu, rssMb, counts: doc as unknown as Counts };
  } catch (error) {
    return { seconds, cpu, rssMb, counts: undefined, error: `unreadable output (${String(error)}): ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 200)}` };
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function same(a: Counts, b: Counts): boolean {
  return a.onlyV1 === b.onlyV1 && a.onlyV2 === b.onlyV2 && a.changed === b.changed && a.dupV2 === b.dupV2 && COLUMNS.every((c) => a.columns[c] === b.columns[c]);
}

interface Result { seconds: number; cpu: number; rssMb: number; runs: number; agree: boolean; samples: readonly Sample[]; error?: string }

interface Tool { readonly label: string; readonly command: string; readonly args: string[] }

/** Runs the tools in turn, `runs` times, so that load on the machine falls on each alike; median per tool. */
function runAlternating(tools: readonly Tool[], runs: number, want: Counts, cwd: string): Result[] {
  const samples: Sample[][] = tools.map(() => []);
  for (let i = 0; i < runs; i++) {
    tools.forEach((tool, t) => {
      if (samples[t]?.some((s) => s.error)) return;
      const s = measure(tool.command, tool.args, cwd);
      log(`${tool.label} run ${i + 1}/${runs}: ${s.seconds.toFixed(2)} s, ${s.rssMb.toFixed(0)} MB${s.error ? ` — ${s.error}` : ''}`);
      samples[t]?.push(s);
    });
  }
  return samples.map((list) => {
    const error = list.find((s) => s.error)?.error;
    if (error !== undefined) return { seconds: NaN, cpu: NaN, rssMb: NaN, runs: list.length, agree: false, samples: list, error };
    return {
      seconds: median(list.map((s) => s.seconds)),
      cpu: median(list.map((s) => s.cpu)),
      rssMb: median(list.map((s) => s.rssMb)),
      samples: list,
      runs: list.length,
      agree: list.every((s) => s.counts !== undefined && same(s.counts, want)),
    };
  });
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const bare = path.join(DATA, 'bare-duckdb.cjs');
  const pandas = path.join(DATA, 'pandas-compare.py');
  writeFileSync(bare, BARE);
  writeFileSync(pandas, PANDAS);
  const ws = path.join(DATA, 'workspace');
  if (!existsSync(CLI)) throw new Error(`${CLI} not found (node scripts/build.mjs)`);
  await generate();
  const loadBefore = loadavg()[0] ?? NaN;
  const started = performance.now();
  const rows: string[] = [];
  const checks: { text: string; met: boolean | undefined }[] = [];
  let pandasRow = '';
  for (const format of FORMATS) {
    for (const key of Object.keys(KEYS) as KeyShape[]) {
      for (const dup of Object.keys(DUPLICATES) as DupShape[]) {
        const want = expected(N, dup);
        const v1 = file('v1', key, dup, format);
        const v2 = file('v2', key, dup, format);
        const keyList = KEYS[key].columns.join(',');
        rmSync(ws, { recursive: true, force: true });
        mkdirSync(ws, { recursive: true });
        const shape = `${format} ${key} key, ${dup} duplicate keys`;
        const record = format === 'csv' ? ['--no-record'] : [];
        const [ours, floor] = runAlternating([
          { label: `cutover ${shape}`, command: process.execPath, args: [CLI, 'compare', v1, v2, '--key', keyList, '--json', ...record] },
          { label: `bare duckdb ${shape}`, command: process.execPath, args: [bare, v1, v2, format, keyList] },
        ], RUNS, want, ws) as [Result, Result];
        // Each cutover run and the bare run right after it see about the same load: the median of their ratios
        // is steadier on a shared machine than the ratio of two medians.
        const ratio = median(ours.samples.map((o, i) => o.seconds / (floor.samples[i]?.seconds ?? NaN)));
        const cpuRatio = median(ours.samples.map((o, i) => o.cpu / (floor.samples[i]?.cpu ?? NaN)));
        const fmt = (r: Result): string => (r.error ? 'error' : r.seconds.toFixed(2));
        rows.push(`| ${format} | ${key} | ${dup} | ${fmt(ours)} | ${ours.cpu.toFixed(2)} | ${ours.rssMb.toFixed(0)} | ${fmt(floor)} | ${floor.cpu.toFixed(2)} | ${floor.rssMb.toFixed(0)} | ${ratio.toFixed(2)}× | ${cpuRatio.toFixed(2)}× | ${ours.agree && floor.agree ? 'yes' : 'NO'} |`);
        checks.push({ text: `${shape}: ≤ 1.5× bare DuckDB — ${ratio.toFixed(2)}×`, met: Number.isNaN(ratio) ? undefined : ratio <= 1.5 });
        for (const [name, r] of [['cutover', ours], ['bare DuckDB', floor]] as const) {
          if (r.error) checks.push({ text: `${shape}: ${name} failed: ${r.error}`, met: undefined });
          else if (!r.agree) checks.push({ text: `${shape}: ${name} counts differ from the construction`, met: false });
        }
        if (format === 'csv' && key === 'integer' && dup === '0') {
          const [pd] = runAlternating([{ label: 'pandas csv integer key', command: '/usr/bin/python3', args: [pandas, v1, v2] }], 3, want, ws) as [Result];
          pandasRow = pd.error
            ? `pandas (reference): ${pd.error}`
            : `pandas (reference, datacompy-style merge + np.isclose on the integer-key CSV without duplicates): ${pd.seconds.toFixed(2)} s, ${pd.rssMb.toFixed(0)} MB peak, counts ${pd.agree ? 'agree' : 'DIFFER'}; cutover is ${(pd.seconds / ours.seconds).toFixed(1)}× faster, bare DuckDB ${(pd.seconds / floor.seconds).toFixed(1)}×.`;
        }
        rmSync(ws, { recursive: true, force: true });
      }
    }
  }
  const minutes = (performance.now() - started) / 60000;
  const out = [
    '### cutover compare: row-level diff of loan-level outputs, end to end, by shape',
    '',
    'Whole processes on the same 1,000,000-row files: `node dist/cli.js compare v1 v2 --key K --json` (schema check,',
    'duplicate-key check, FULL OUTER JOIN diff, mismatch Parquet; from Parquet also the run record with sha256 of the',
    'inputs, from CSV with `--no-record`) against a bare DuckDB script (node + @duckdb/node-api: duplicate-key counts by',
    'grouping each side, and one FULL OUTER JOIN with the same per-column counts; CSV parsed into tables once, as cutover',
    'does). Keys: `loan_id` BIGINT, `loan_ref` VARCHAR, (`branch` VARCHAR, `seq` BIGINT). V2 repeats 0, 10 or 10,000',
    '(1%) keys. Differences injected by construction (50 new loans, 100 dropped, 1,000 balances, 200 dpd, 50 statuses',
    'changed); both tools\' counts were checked against the construction ("agree"). Medians of 5 runs, cutover and bare',
    'DuckDB alternating; "cutover / bare" is the median of the 5 paired ratios (each cutover run over the bare run right',
    'after it), in wall time and in CPU time (user + system). Peak RSS and CPU time from `/usr/bin/time`.',
    `Load: 1-minute load average ${loadBefore.toFixed(1)} at the start and ${(loadavg()[0] ?? NaN).toFixed(1)} at the end on 2 cores`,
    `(the machine is shared with other work, so times carry noise); the runs took ${minutes.toFixed(1)} min.`,
    '',
    '| format | key | duplicate keys | cutover s | CPU s | RSS MB | bare DuckDB s | CPU s | RSS MB | cutover / bare | CPU ratio | agree |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|',
    ...rows,
    '',
    pandasRow,
    '',
    'Targets:',
    '',
    ...checks.map((c) => `- ${c.met === undefined ? '❔' : c.met ? '✅' : '❌'} ${c.text}`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

void main();
