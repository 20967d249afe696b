/**
 * Edge-case variants of any dataset (generic, nothing loan-specific), written by DuckDB next to each other:
 *   scaled    resampled to N rows, with fresh unique values in the key columns
 *   nulls     each perturbed column set to NULL at `nullRate`
 *   outliers  numeric perturbed columns multiplied by `outlierFactor` at `outlierRate`
 *   boundary  per numeric perturbed column: rows with its min, max, 0 and a negative value (+ NaN, ±Infinity for
 *             floating columns), other columns copied from a sampled row, fresh keys
 * Pseudo-randomness is DuckDB's `hash(seed, row number, column)`, so a seed gives the same files every time
 * (for a given input and DuckDB version). Key columns are never nulled or scaled.
 *
 * API: `perturb(engine, input, outDir, options)` → { variants: [{ name, path, rows }] }.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { columnNotFound } from './columns';
import type { Engine } from './duckdb';
import { ident, isFloatingType, isNumericType, literal, numberLiteral } from './sql';
import type { LoadedTable } from './types';

export const variantNames = ['scaled', 'nulls', 'outliers', 'boundary'] as const;
export type VariantName = (typeof variantNames)[number];

export interface PerturbOptions {
  readonly variants?: readonly VariantName[];
  /** Rows of the `scaled` variant (default 10 × the input). */
  readonly rows?: number;
  readonly nullRate?: number;
  readonly outlierRate?: number;
  readonly outlierFactor?: number;
  /** Columns to perturb (default: every non-key column). */
  readonly columns?: readonly string[];
  /** Key columns: given fresh unique values in `scaled` and `boundary`, never perturbed. */
  readonly keys?: readonly string[];
  readonly seed?: number;
  /** Output format (default: the input's). */
  readonly format?: 'parquet' | 'csv';
}

export interface PerturbResult {
  readonly variants: readonly { name: VariantName; path: string; rows: number }[];
}

const src = '"__cutover_perturb_src"';

function rate(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new ConfigError(`${name} must be between 0 and 1, got ${value}`);
  return value;
}

/** True for a fraction `r` of rows, decided by hash(seed, row, salt). */
function chance(seed: number, salt: string, r: number): string {
  return `(hash(${seed}, "__rn", ${literal(salt)}) % 1000000) < ${Math.round(r * 1_000_000)}`;
}

function freshKey(name: string, type: string, index: string, seed: number): string {
  if (isNumericType(type)) return `CAST(${index} + 1 AS ${type}) AS ${ident(name)}`;
  if (type === 'VARCHAR') return `${literal(`p${seed}-`)} || CAST(${index} AS VARCHAR) AS ${ident(name)}`;
  throw new ConfigError(`cannot make fresh keys for key column "${name}" of type ${type} (numeric or VARCHAR keys only)`);
}

export async function perturb(engine: Engine, input: LoadedTable, outDir: string, options: PerturbOptions = {}): Promise<PerturbResult> {
  const seed = Math.trunc(options.seed ?? 1);
  const keys = options.keys ?? [];
  const names = new Set(input.columns.map((c) => c.name));
  for (const k of [...keys, ...(options.columns ?? [])]) {
    if (!names.has(k)) throw columnNotFound(input, k, keys.includes(k) ? 'key' : 'perturbed');
  }
  const keySet = new Set(keys);
  const targets = input.columns.filter((c) => !keySet.has(c.name) && (options.columns ? options.columns.includes(c.name) : true));
  const numeric = targets.filter((c) => isNumericType(c.type));
  const format = options.format ?? input.format;
  const ext = format === 'csv' ? 'csv' : 'parquet';
  const copyOptions = format === 'csv' ? '(FORMAT csv, HEADER true)' : '(FORMAT parquet)';
  await mkdir(outDir, { recursive: true });
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${src} AS SELECT row_number() OVER () AS "__rn", * FROM ${input.relation}`);
  const count = input.rows;
  if (count === 0) throw new ConfigError(`${input.source.label ?? input.source.path} has no rows to perturb`);

  const all = (replace: (name: string, type: string) => string | undefined): string =>
    input.columns.map((c) => replace(c.name, c.type) ?? ident(c.name)).join(', ');
  const queries: Record<VariantName, () => string> = {
    scaled: () => {
      const n = options.rows ?? count * 10;
      if (!Number.isInteger(n) || n < 1) throw new ConfigError(`rows must be a positive integer, got ${n}`);
      const cols = all((name, type) => (keySet.has(name) ? freshKey(name, type, 'r.i', seed) : undefined));
      return `SELECT ${cols} FROM range(${n}) AS r(i) JOIN ${src} AS s ON s."__rn" = 1 + hash(${seed}, r.i, 'scaled') % ${count} ORDER BY r.i`;
    },
    nulls: () => {
      const r = rate('null rate', options.nullRate ?? 0.05);
      const set = new Set(targets.map((c) => c.name));
      return `SELECT ${all((name) => (set.has(name) ? `CASE WHEN ${chance(seed, `null:${name}`, r)} THEN NULL ELSE ${ident(name)} END AS ${ident(name)}` : undefined))} FROM ${src} ORDER BY "__rn"`;
    },
    outliers: () => {
      const r = rate('outlier rate', options.outlierRate ?? 0.01);
      const factor = options.outlierFactor ?? 1000;
      const set = new Set(numeric.map((c) => c.name));
      // Through DOUBLE so integer columns cannot overflow mid-expression; a value past the type's range becomes NULL.
      return `SELECT ${all((name, type) => (set.has(name) ? `CASE WHEN ${chance(seed, `outlier:${name}`, r)} THEN TRY_CAST(CAST(${ident(name)} AS DOUBLE) * ${numberLiteral(factor)} AS ${type}) ELSE ${ident(name)} END AS ${ident(name)}` : undefined))} FROM ${src} ORDER BY "__rn"`;
    },
    boundary: () => {
      if (numeric.length === 0) throw new ConfigError('boundary values need at least one numeric column to perturb');
      const rowsSql: string[] = [];
      let index = 0;
      for (const c of numeric) {
        const col = ident(c.name);
        const values = [`(SELECT min(${col}) FROM ${src})`, `(SELECT max(${col}) FROM ${src})`, '0', `-greatest(abs((SELECT max(CAST(${col} AS DOUBLE)) FROM ${src})), 1)`];
        if (isFloatingType(c.type)) values.push("'NaN'::DOUBLE", "'Infinity'::DOUBLE", "'-Infinity'::DOUBLE");
        for (const value of values) {
          const cols = all((name, type) => {
            if (keySet.has(name)) return freshKey(name, type, String(index), seed);
            if (name === c.name) return `TRY_CAST(${value} AS ${type}) AS ${col}`;
            return undefined;
          });
          rowsSql.push(`SELECT ${index} AS "__i", ${cols} FROM ${src} WHERE "__rn" = 1 + hash(${seed}, ${index}, 'boundary') % ${count}`);
          index++;
        }
      }
      return `SELECT * EXCLUDE ("__i") FROM (${rowsSql.join(' UNION ALL ')}) ORDER BY "__i"`;
    },
  };

  const out: { name: VariantName; path: string; rows: number }[] = [];
  for (const name of options.variants ?? variantNames) {
    const path = join(outDir, `${name}.${ext}`);
    const temp = `${path}.tmp-${process.pid}`;
    try {
      const written = await engine.rows(`COPY (${queries[name]()}) TO ${literal(temp)} ${copyOptions}`);
      await rename(temp, path);
      out.push({ name, path, rows: Number(written[0]?.['Count'] ?? 0) });
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
  return { variants: out };
}
