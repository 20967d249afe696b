/**
 * `cutover perturb <input> --out <dir>`: writes edge-case variants of any dataset (scaled, nulls, outliers,
 * boundary), deterministic for a seed. See src/core/engine/perturb.ts for what each variant holds.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Engine } from '../../core/engine/duckdb';
import { openEngine } from '../../core/engine/duckdb';
import type { VariantName } from '../../core/engine/perturb';
import { perturb, variantNames } from '../../core/engine/perturb';
import { loadTable } from '../../core/engine/source';
import { ExitCode, UsageError } from '../../core/errors';
import type { CliContext } from '../context';
import { parseColumns, parseFormat, parseNumber } from '../options';
import { fmtNumber, textTable } from '../textTable';

interface PerturbFlags {
  out: string;
  rows?: string;
  nullRate?: string;
  outlierRate?: string;
  outlierFactor?: string;
  columns?: string;
  key?: string;
  seed?: string;
  variants?: string;
  format?: string;
  json?: boolean;
}

function fraction(flag: string, value: string | undefined): number | undefined {
  const n = parseNumber(flag, value);
  if (n !== undefined && n > 1) throw new UsageError(`${flag} must be between 0 and 1, got "${value}"`);
  return n;
}

export function registerPerturb(program: Command, ctx: CliContext): void {
  program
    .command('perturb')
    .description('Write edge-case variants of a dataset: scaled, nulls, outliers, boundary values')
    .argument('<input>', 'input table: file, glob or folder')
    .requiredOption('--out <dir>', 'folder to write the variants into')
    .option('--rows <n>', 'rows of the scaled variant (default 10 × input)')
    .option('--null-rate <r>', 'share of values set to NULL per column (default 0.05)')
    .option('--outlier-rate <r>', 'share of values made outliers per numeric column (default 0.01)')
    .option('--outlier-factor <f>', 'outliers are the value times this (default 1000)')
    .option('--columns <cols>', 'columns to perturb, comma-separated (default: all but keys)')
    .option('--key <cols>', 'key columns: fresh unique values in scaled and boundary, never perturbed')
    .option('--seed <s>', 'seed of the deterministic pseudo-randomness', '1')
    .option('--variants <names>', `variants to write, comma-separated (default ${variantNames.join(',')})`)
    .option('--format <format>', 'output format: parquet or csv (default: the input\'s)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (input: string, flags: PerturbFlags) => {
      const rows = parseNumber('--rows', flags.rows, 1);
      if (rows !== undefined && !Number.isInteger(rows)) throw new UsageError(`--rows must be a whole number, got "${flags.rows}"`);
      const seed = parseNumber('--seed', flags.seed) ?? 1;
      if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number ≥ 0, got "${flags.seed}"`);
      const nullRate = fraction('--null-rate', flags.nullRate);
      const outlierRate = fraction('--outlier-rate', flags.outlierRate);
      const outlierFactor = parseNumber('--outlier-factor', flags.outlierFactor);
      const variants = parseColumns(flags.variants);
      for (const v of variants) {
        if (!(variantNames as readonly string[]).includes(v)) throw new UsageError(`unknown variant "${v}"; choose from ${variantNames.join(', ')}`);
      }
      const format = parseFormat(flags.format);
      const columns = parseColumns(flags.columns);
      let engine: Engine | undefined;
      try {
        engine = await openEngine();
        const table = await loadTable(engine, { path: input }, 'input', { cwd: ctx.cwd });
        const result = await perturb(engine, table, resolve(ctx.cwd, flags.out), {
          seed,
          keys: parseColumns(flags.key),
          ...(columns.length > 0 ? { columns } : {}),
          ...(variants.length > 0 ? { variants: variants as VariantName[] } : {}),
          ...(rows !== undefined ? { rows } : {}),
          ...(nullRate !== undefined ? { nullRate } : {}),
          ...(outlierRate !== undefined ? { outlierRate } : {}),
          ...(outlierFactor !== undefined ? { outlierFactor } : {}),
          ...(format ? { format } : {}),
        });
        if (flags.json) {
          ctx.stdout.write(`${JSON.stringify({ input: table.source.path, rows: table.rows, seed, variants: result.variants }, null, 2)}\n`);
        } else {
          ctx.stdout.write(`${textTable([['variant', 'rows', 'file'], ...result.variants.map((v) => [v.name, fmtNumber(v.rows), v.path])])}\n`);
        }
        ctx.setExitCode(ExitCode.pass);
      } finally {
        engine?.close();
      }
    });
}
