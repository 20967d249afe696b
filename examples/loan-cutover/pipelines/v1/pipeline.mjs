#!/usr/bin/env node
// Loan-portfolio KPI pipeline, V1 (in production). Reads loan-level Parquet or CSV, writes a loan-level table and a
// long KPI table (segment, kpi, value): one query per dimension, glued with UNION ALL.
//
//   node pipelines/v1/pipeline.mjs --input FILE|FOLDER --output DIR [--config FILE]
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const input = option('--input');
const output = option('--output');
if (!input || !output) {
  console.error('usage: pipeline.mjs --input FILE|FOLDER --output DIR [--config FILE]');
  process.exit(2);
}
const configFile = option('--config') ?? join(dirname(fileURLToPath(import.meta.url)), 'pipeline.config.json');
const config = JSON.parse(readFileSync(configFile, 'utf8'));
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;

function source(path) {
  if (!existsSync(path)) throw new Error(`input not found: ${path}`);
  if (statSync(path).isDirectory()) return `read_parquet(${q(join(path, '**', '*.parquet'))}, hive_partitioning = true)`;
  return path.endsWith('.csv') ? `read_csv(${q(path)})` : `read_parquet(${q(path)})`;
}

// V1 counts a loan as 30+ only when it is MORE than 30 days past due ("greater-than").
const op = config.delinquency.pastDueWhen === 'at-least' ? '>=' : '>';
const [t30, t60, t90] = config.delinquency.thresholds;
const balance = config.rounding.loanBalance === 'cents-half-even' ? 'round_even(balance, 2)' : 'balance::DOUBLE';
const money = (e) => `round(${e}, ${config.rounding.moneyDecimals})`;
const ratio = (e) => `round(${e}, ${config.rounding.ratioDecimals})`;
const rateBase = config.weightedRate.nullRates === 'exclude' ? 'sum(balance) FILTER (WHERE rate IS NOT NULL)' : 'sum(balance)';

const KPI_SQL = {
  loan_count: 'count(*)::DOUBLE',
  outstanding_balance: money('sum(balance)'),
  dq30: ratio(`sum(balance) FILTER (WHERE dpd ${op} ${t30}) / sum(balance)`),
  dq60: ratio(`sum(balance) FILTER (WHERE dpd ${op} ${t60}) / sum(balance)`),
  dq90: ratio(`sum(balance) FILTER (WHERE dpd ${op} ${t90}) / sum(balance)`),
  default_rate: ratio('count(*) FILTER (WHERE defaulted) / count(*)'),
  weighted_rate: ratio(`sum(balance * rate) / ${rateBase}`),
  avg_loan_size: money('sum(balance) / count(*)'),
};

const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
mkdirSync(output, { recursive: true });
console.log(`v1 ${config.version}: reading ${resolve(input)}`);

await con.run(`
  CREATE TABLE loans AS
  SELECT loan_id, as_of_date, product, region, vintage,
         ${balance} AS balance, interest_rate AS rate, days_past_due AS dpd,
         CASE WHEN days_past_due ${op} ${t90} THEN '90+' WHEN days_past_due ${op} ${t60} THEN '60-89'
              WHEN days_past_due ${op} ${t30} THEN '30-59' WHEN days_past_due > 0 THEN '1-29' ELSE 'current' END AS bucket,
         defaulted
  FROM ${source(input)}`);

const segments = [`'total'`, ...config.dimensions.map((d) => `'${d}=' || COALESCE(${d}::VARCHAR, 'unknown')`)];
const groupBys = ['', ...config.dimensions.map((d) => `GROUP BY ${d}`)];
const perSegment = segments.map(
  (segment, i) => `SELECT ${segment} AS segment, ${config.kpis.map((k) => `${KPI_SQL[k]} AS ${k}`).join(', ')} FROM loans ${groupBys[i]}`,
);
await con.run(`CREATE TABLE kpis_wide AS ${perSegment.join(' UNION ALL ')}`);
await con.run(`CREATE TABLE kpis AS UNPIVOT kpis_wide ON ${config.kpis.join(', ')} INTO NAME kpi VALUE value`);

await con.run(`COPY (SELECT * FROM loans ORDER BY loan_id, as_of_date) TO ${q(join(output, 'loans.parquet'))} (FORMAT parquet)`);
await con.run(`COPY (SELECT segment, kpi, value FROM kpis ORDER BY segment, kpi) TO ${q(join(output, 'kpis.parquet'))} (FORMAT parquet)`);
const counts = (await con.runAndReadAll('SELECT (SELECT count(*) FROM loans) AS loans, (SELECT count(*) FROM kpis) AS kpis')).getRowObjectsJson()[0];
console.log(`v1: ${counts.loans} loans, ${counts.kpis} KPI values in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
con.closeSync();
instance.closeSync();
