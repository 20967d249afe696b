#!/usr/bin/env node
// Loan-portfolio KPI pipeline, V2 (the replacement). Same inputs and outputs as V1, rewritten around one
// GROUPING SETS query. Behaviour changes against V1 (all driven by pipeline.config.json, see README.md):
//   - delinquency thresholds are inclusive ("at-least"): a loan exactly 30/60/90 days past due is 30+/60+/90+;
//   - loan balances are rounded to cents, half-even, before anything is summed;
//   - weighted_rate leaves loans without a rate out of the denominator.
//
//   node pipelines/v2/pipeline.mjs --input FILE|FOLDER --output DIR [--config FILE]
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deliver } from './deliver.mjs';

const { values: opts } = parseArgs({ options: { input: { type: 'string' }, output: { type: 'string' }, config: { type: 'string' } } });
if (!opts.input || !opts.output) {
  console.error('usage: pipeline.mjs --input FILE|FOLDER --output DIR [--config FILE]');
  process.exit(2);
}
const config = JSON.parse(readFileSync(opts.config ?? join(dirname(fileURLToPath(import.meta.url)), 'pipeline.config.json'), 'utf8'));
const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;

function readInput(path) {
  if (!existsSync(path)) throw new Error(`input not found: ${path}`);
  if (statSync(path).isDirectory()) return `read_parquet(${lit(join(path, '**', '*.parquet'))}, hive_partitioning = true)`;
  return path.endsWith('.csv') ? `read_csv(${lit(path)})` : `read_parquet(${lit(path)})`;
}

const cmp = config.delinquency.pastDueWhen === 'at-least' ? '>=' : '>';
const [d30, d60, d90] = config.delinquency.thresholds;
const { moneyDecimals, ratioDecimals, loanBalance } = config.rounding;
const rateDenominator = config.weightedRate.nullRates === 'exclude' ? 'sum(balance) FILTER (WHERE rate IS NOT NULL)' : 'sum(balance)';
const kpiExpr = {
  loan_count: 'count(*)::DOUBLE',
  outstanding_balance: `round(sum(balance), ${moneyDecimals})`,
  dq30: `round(sum(balance) FILTER (WHERE dpd ${cmp} ${d30}) / sum(balance), ${ratioDecimals})`,
  dq60: `round(sum(balance) FILTER (WHERE dpd ${cmp} ${d60}) / sum(balance), ${ratioDecimals})`,
  dq90: `round(sum(balance) FILTER (WHERE dpd ${cmp} ${d90}) / sum(balance), ${ratioDecimals})`,
  default_rate: `round(count(*) FILTER (WHERE defaulted) / count(*), ${ratioDecimals})`,
  weighted_rate: `round(sum(balance * rate) / ${rateDenominator}, ${ratioDecimals})`,
  avg_loan_size: `round(sum(balance) / count(*), ${moneyDecimals})`,
};

const started = performance.now();
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
mkdirSync(opts.output, { recursive: true });
console.log(`v2 ${config.version}: reading ${resolve(opts.input)}`);

await con.run(`
  CREATE TABLE loans AS
  SELECT loan_id, as_of_date, product, region, vintage,
         ${loanBalance === 'cents-half-even' ? 'round_even(balance, 2)' : 'balance::DOUBLE'} AS balance,
         interest_rate AS rate, days_past_due AS dpd,
         CASE WHEN days_past_due ${cmp} ${d90} THEN '90+' WHEN days_past_due ${cmp} ${d60} THEN '60-89'
              WHEN days_past_due ${cmp} ${d30} THEN '30-59' WHEN days_past_due > 0 THEN '1-29' ELSE 'current' END AS bucket,
         defaulted
  FROM ${readInput(opts.input)}`);

// One pass: the empty grouping set is the total, each dimension its own set; GROUPING() tells which one a row is.
const dims = config.dimensions;
const segment = `CASE ${dims.map((d) => `WHEN GROUPING(${d}) = 0 THEN '${d}=' || COALESCE(${d}::VARCHAR, 'unknown')`).join(' ')} ELSE 'total' END`;
await con.run(`
  CREATE TABLE kpis AS
  UNPIVOT (
    SELECT ${segment} AS segment, ${config.kpis.map((k) => `${kpiExpr[k]} AS ${k}`).join(', ')}
    FROM loans
    GROUP BY GROUPING SETS ((), ${dims.map((d) => `(${d})`).join(', ')})
  ) ON ${config.kpis.join(', ')} INTO NAME kpi VALUE value`);

await con.run(`COPY (FROM loans ORDER BY loan_id, as_of_date) TO ${lit(join(opts.output, 'loans.parquet'))} (FORMAT parquet)`);
await con.run(`COPY (SELECT segment, kpi, value FROM kpis ORDER BY segment, kpi) TO ${lit(join(opts.output, 'kpis.parquet'))} (FORMAT parquet)`);
// A shadow run's V2 (output `.cutover/runs/.tmp-<run id>/v2`) delivers; a reconciliation's day partitions and a load
// test's copies do not, so they never race each other for the channels.
if (config.delivery && /[\\/]\.tmp-[^\\/]+[\\/]v2$/.test(resolve(opts.output))) {
  await deliver(con, { output: opts.output, input: resolve(opts.input), settings: config.delivery, pipeline: config.pipeline, version: config.version });
}
const [row] = (await con.runAndReadAll('SELECT (FROM loans SELECT count(*)) AS loans, (FROM kpis SELECT count(*)) AS kpis')).getRowObjectsJson();
console.log(`v2: ${row.loans} loans, ${row.kpis} KPI values in ${((performance.now() - started) / 1000).toFixed(2)} s`);
con.closeSync();
db.closeSync();
