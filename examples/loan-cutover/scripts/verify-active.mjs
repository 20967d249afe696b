#!/usr/bin/env node
// Verifies a switch: active-pipeline.json names the expected pipeline, and that pipeline runs on the sample and
// writes a non-empty KPI table and a loan-level table with one row per input loan. Exit 0 = verified.
//
//   node scripts/verify-active.mjs v1|v2 [--input FILE]
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const expected = process.argv[2];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--input');
const input = i >= 0 ? process.argv[i + 1] : join(root, 'data', 'sample-10k.parquet');
const fail = (message) => {
  console.error(`verify: ${message}`);
  process.exit(1);
};

const stateFile = join(root, 'active-pipeline.json');
if (!existsSync(stateFile)) fail('active-pipeline.json not found: run scripts/switch-pipeline.mjs first');
const state = JSON.parse(readFileSync(stateFile, 'utf8'));
if (state.active !== expected) fail(`active pipeline is ${state.active}, expected ${expected}`);
if (!existsSync(input)) fail(`input not found: ${input} (run node scripts/generate-data.mjs)`);

const out = join(root, 'output', `verify-${expected}`);
rmSync(out, { recursive: true, force: true });
const [cmd, ...args] = state.command;
const run = spawnSync(cmd === 'node' ? process.execPath : cmd, [...args, '--input', input, '--output', out, '--config', state.config], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) fail(`${state.active} exited with ${run.status ?? run.signal}`);

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const [row] = (
  await con.runAndReadAll(
    `SELECT (SELECT count(*) FROM read_parquet(${lit(input)})) AS input_rows,
            (SELECT count(*) FROM read_parquet(${lit(join(out, 'loans.parquet'))})) AS loan_rows,
            (SELECT count(*) FROM read_parquet(${lit(join(out, 'kpis.parquet'))})) AS kpi_rows`,
  )
).getRowObjectsJson();
con.closeSync();
db.closeSync();
if (Number(row.kpi_rows) === 0) fail('the KPI table is empty');
if (row.loan_rows !== row.input_rows) fail(`loan-level output has ${row.loan_rows} rows, input has ${row.input_rows}`);
console.log(`verified: ${expected} is active and produced ${row.kpi_rows} KPI values for ${row.loan_rows} loans`);
