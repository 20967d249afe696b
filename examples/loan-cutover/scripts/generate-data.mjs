#!/usr/bin/env node
// Generates the example's loan-level input data with DuckDB SQL. Deterministic: every value comes from hash() of the
// row number (for the pinned DuckDB), and the days-past-due boundary loans are placed by arithmetic so their counts
// are known exactly (see README.md, "The generated data").
//
//   node scripts/generate-data.mjs                 sample-10k, daily-30d and the edge profiles
//   node scripts/generate-data.mjs --rows 100000   one portfolio of that size (10000 | 100000 | 1000000)
//   node scripts/generate-data.mjs --all           everything above, including the 100k and 1M portfolios
//   --out DIR                                      write under DIR instead of ./data
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = resolve(option('--out') ?? join(here, '..', 'data'));
const rowsArg = option('--rows');
const all = args.includes('--all');

/** Portfolio files by size; the 10k one is the default shadow input. */
const PORTFOLIOS = { 10000: 'sample-10k.parquet', 100000: 'portfolio-100k.parquet', 1000000: 'portfolio-1m.parquet' };
const AS_OF = '2025-12-01';

if (rowsArg !== undefined && !(rowsArg in PORTFOLIOS)) {
  console.error(`generate-data: --rows must be one of ${Object.keys(PORTFOLIOS).join(', ')}, got ${rowsArg}`);
  process.exit(2);
}

/**
 * The loans of one day. Knobs: `delinquent` = share of loans past due (outside the boundary loans), `shift` moves
 * the boundary residues so each day has different boundary loans, `edge` picks an edge profile's extra rules.
 */
function loansSql({ rows, asOf, delinquent = 0.18, shift = 0, edge = 'none' }) {
  const dpdBoundary =
    edge === 'boundary'
      ? `[0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91][1 + i % 11]`
      : `CASE WHEN (i + ${shift}) % 200 = 7 THEN 30 WHEN (i + ${shift}) % 200 = 57 THEN 60 WHEN (i + ${shift}) % 500 = 123 THEN 90 END`;
  return `
    WITH base AS (
      SELECT
        i,
        'L' || lpad(i::VARCHAR, 7, '0') AS loan_id,
        DATE '${asOf}' AS as_of_date,
        ['mortgage', 'auto', 'personal', 'card'][1 + (hash(i::VARCHAR || ':product') % 4)::BIGINT] AS product,
        ['north', 'south', 'east', 'west'][1 + (hash(i::VARCHAR || ':region') % 4)::BIGINT] AS region,
        (2018 + hash(i::VARCHAR || ':vintage') % 7)::INTEGER AS vintage,
        (hash(i::VARCHAR || ':u1') % 1000000) / 1000000.0 AS u1,
        (hash(i::VARCHAR || ':u2') % 1000000) / 1000000.0 AS u2,
        (hash(i::VARCHAR || ':${asOf}:dpd') % 1000000) / 1000000.0 AS u3,
        (1 + hash(i::VARCHAR || ':${asOf}:dpdv') % 150)::INTEGER AS dpd_raw,
        ${dpdBoundary} AS dpd_boundary
      FROM range(1, ${rows} + 1) t(i)
    ), priced AS (
      SELECT *,
        CASE product WHEN 'mortgage' THEN 150000 + 450000 * u1 WHEN 'auto' THEN 8000 + 37000 * u1
                     WHEN 'personal' THEN 2000 + 28000 * u1 ELSE 500 + 14500 * u1 END AS principal_raw,
        CASE product WHEN 'mortgage' THEN 0.045 WHEN 'auto' THEN 0.065 WHEN 'personal' THEN 0.11 ELSE 0.19 END
          + 0.04 * u2 AS rate_raw
      FROM base
    ), loans AS (
      SELECT
        loan_id, as_of_date, product, region, vintage,
        make_date(vintage, 1 + (hash(i::VARCHAR || ':month') % 12)::INTEGER, 1 + (hash(i::VARCHAR || ':day') % 28)::INTEGER) AS origination_date,
        round(principal_raw, 2)::DECIMAL(18, 2) AS principal,
        round(principal_raw * (0.15 + 0.85 * u2), 3)::DECIMAL(18, 3) AS balance,
        round(rate_raw, 4) AS interest_rate,
        COALESCE(dpd_boundary, CASE WHEN u3 >= ${delinquent} THEN 0
                                    WHEN dpd_raw IN (30, 60, 90) THEN dpd_raw + 1 ELSE dpd_raw END)::INTEGER AS days_past_due,
        i
      FROM priced
    )
    SELECT loan_id, as_of_date, product, ${edge === 'nulls' ? `CASE WHEN i % 100 = 11 THEN NULL ELSE region END AS region` : 'region'},
      vintage, origination_date, principal,
      ${edge === 'nulls' ? `CASE WHEN i % 1000 = 999 THEN balance * 1000 WHEN i % 2000 = 1500 THEN -balance ELSE balance END::DECIMAL(18, 3) AS balance`
        : edge === 'boundary' ? `[0.000, 0.005, 0.015, 0.025, 0.125, 999999.995][1 + i % 6]::DECIMAL(18, 3) AS balance` : 'balance'},
      ${edge === 'nulls' ? `CASE WHEN i % 50 = 3 THEN NULL WHEN i % 1000 = 777 THEN 4.5 ELSE interest_rate END AS interest_rate`
        : edge === 'boundary' ? `CASE WHEN i % 7 = 0 THEN 0.0 ELSE interest_rate END AS interest_rate` : 'interest_rate'},
      days_past_due,
      (days_past_due >= 120 OR hash(i::VARCHAR || ':writeoff') % 1000 < 3) AS defaulted
    FROM loans
    ORDER BY loan_id`;
}

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();

/** COPY into a temporary name, then rename: a reader never sees a half-written file or folder. */
async function write(name, sql, partitioned = false) {
  const target = join(out, name);
  const tmp = `${target}.tmp-${process.pid}`;
  mkdirSync(dirname(target), { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  const t0 = performance.now();
  const options = partitioned ? `FORMAT parquet, PARTITION_BY (as_of_date)` : 'FORMAT parquet';
  await con.run(`COPY (${sql}) TO '${tmp.replaceAll("'", "''")}' (${options})`);
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
  console.log(`wrote ${target} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}

const jobs = [];
if (rowsArg !== undefined) {
  jobs.push(() => write(PORTFOLIOS[rowsArg], loansSql({ rows: Number(rowsArg), asOf: AS_OF })));
} else {
  jobs.push(() => write(PORTFOLIOS[10000], loansSql({ rows: 10000, asOf: AS_OF })));
  // 30 days ending at AS_OF, one hive partition per day; each day moves the boundary loans by one row.
  const days = Array.from({ length: 30 }, (_, d) => {
    const date = new Date(Date.parse(`${AS_OF}T00:00:00Z`) - (29 - d) * 86400000).toISOString().slice(0, 10);
    return loansSql({ rows: 10000, asOf: date, shift: d });
  });
  jobs.push(() => write('daily-30d', days.map((s) => `(${s})`).join(' UNION ALL '), true));
  jobs.push(() => write('edge/large-25k.parquet', loansSql({ rows: 25000, asOf: AS_OF })));
  jobs.push(() => write('edge/high-delinquency.parquet', loansSql({ rows: 10000, asOf: AS_OF, delinquent: 0.55 })));
  jobs.push(() => write('edge/nulls-outliers.parquet', loansSql({ rows: 10000, asOf: AS_OF, edge: 'nulls' })));
  jobs.push(() => write('edge/boundary-values.parquet', loansSql({ rows: 10000, asOf: AS_OF, edge: 'boundary' })));
  if (all) {
    jobs.push(() => write(PORTFOLIOS[100000], loansSql({ rows: 100000, asOf: AS_OF })));
    jobs.push(() => write(PORTFOLIOS[1000000], loansSql({ rows: 1000000, asOf: AS_OF })));
  }
}
for (const job of jobs) await job();
con.closeSync();
instance.closeSync();
