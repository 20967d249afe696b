/**
 * Option parsing the table commands (compare, reconcile, perturb) share, and the KPI table options `compare --kpis`
 * and `reconcile` both take: declared and checked in one place so that both commands accept the same flags, with
 * the same defaults and the same usage errors.
 */
import type { Command } from 'commander';
import type { KpiTableLayout, KpiThresholds, Tolerance } from '../core/engine/types';
import { UsageError } from '../core/errors';

export function parseColumns(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function parseNumber(flag: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`${flag} must be a number ≥ ${min}, got "${value}"`);
  return n;
}

/** Commander's accumulator for a repeatable option (`--map a=b --map c=d`). */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** `name=value` pairs of a repeatable option, split at the last '=' (so a name may hold one, a value not). */
export function parsePairs(flag: string, values: readonly string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const at = item.lastIndexOf('=');
    const name = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (at < 0 || name === '' || value === '') throw new UsageError(`${flag} takes COLUMN=${what}, got "${item}"`);
    out[name] = value;
  }
  return out;
}

/** Per-column tolerances: `--tol balance=abs:0.01 --tol rate=rel:1e-6` (or `abs:0.01,rel:1e-6` for both). */
export function parseColumnTolerances(values: readonly string[] | undefined): Record<string, Tolerance> {
  const out: Record<string, Tolerance> = {};
  // One item at a time: the same column may be given twice (abs and rel).
  for (const [column, spec] of (values ?? []).flatMap((v) => Object.entries(parsePairs('--tol', [v], 'abs:X or rel:Y')))) {
    const tolerance: { abs?: number; rel?: number } = { ...out[column] };
    for (const part of spec.split(',')) {
      const m = /^\s*(abs|rel)\s*:\s*(.+)$/.exec(part);
      if (!m) throw new UsageError(`--tol ${column}=${spec}: each part is abs:X or rel:Y`);
      tolerance[m[1] as 'abs' | 'rel'] = parseNumber(`--tol ${column} ${m[1]}`, m[2]);
    }
    out[column] = tolerance;
  }
  return out;
}

export function parseFormat(value: string | undefined): 'parquet' | 'csv' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'parquet' && value !== 'csv') throw new UsageError(`--format must be parquet or csv, got "${value}"`);
  return value;
}

/** The KPI flags as commander hands them over. */
export interface KpiFlags {
  segment?: string;
  layout?: string;
  kpiColumn?: string;
  valueColumn?: string;
  absTol?: string;
  passLine?: string;
  failLine?: string;
}

export interface KpiSettings {
  readonly table: KpiTableLayout & { readonly layout: 'long' | 'wide'; readonly segmentColumns: readonly string[] };
  /** As given, undefined when not: compare's row comparison takes --abs-tol too, and the run records the defaults. */
  readonly abs: number | undefined;
  readonly passLine: number | undefined;
  readonly failLine: number | undefined;
  /** For the KPI judge: the lines left out when not given, so that its own defaults apply. */
  readonly judge: KpiThresholds;
}

/** Adds --segment, --layout, --kpi-column, --value-column, --pass-line and --fail-line (--abs-tol is the caller's). */
export function addKpiOptions(command: Command): Command {
  return command
    .option('--segment <cols>', 'KPI segment columns, comma-separated (default "segment"; "" for none)')
    .option('--layout <layout>', 'KPI table layout: long (segment, kpi, value) or wide (a column per KPI)', 'long')
    .option('--kpi-column <name>', 'long layout: KPI name column', 'kpi')
    .option('--value-column <name>', 'long layout: value column', 'value')
    .option('--pass-line <p>', 'KPI pass line as a fraction (default 0.001 = 0.1%)')
    .option('--fail-line <f>', 'KPI fail line as a fraction (default 0.01 = 1%)');
}

export function parseKpiFlags(flags: KpiFlags): KpiSettings {
  const abs = parseNumber('--abs-tol', flags.absTol);
  const passLine = parseNumber('--pass-line', flags.passLine);
  const failLine = parseNumber('--fail-line', flags.failLine);
  if (passLine !== undefined && failLine !== undefined && passLine > failLine) throw new UsageError('--pass-line must not exceed --fail-line');
  const layout = flags.layout ?? 'long';
  if (layout !== 'long' && layout !== 'wide') throw new UsageError(`--layout must be long or wide, got "${layout}"`);
  return {
    table: {
      layout,
      segmentColumns: flags.segment === undefined ? ['segment'] : parseColumns(flags.segment),
      kpiColumn: flags.kpiColumn ?? 'kpi',
      valueColumn: flags.valueColumn ?? 'value',
    },
    abs,
    passLine,
    failLine,
    judge: { abs: abs ?? 0, ...(passLine !== undefined ? { passLine } : {}), ...(failLine !== undefined ? { failLine } : {}) },
  };
}
