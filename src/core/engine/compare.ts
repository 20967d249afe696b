/**
 * One comparison of two tables, as `cutover compare` and `cutover shadow` need it: load both sides, compare
 * schemas, then rows (keyed) or KPIs, and return one JSON-safe outcome with its verdict.
 *
 * API: `await compareTables(engine, { v1, v2, cwd?, matching?, rows? | kpis?, outDir?, onPhase? })` → CompareOutcome.
 * With `rows`, the full mismatch set goes to `<outDir>/mismatches.parquet` when `outDir` is given.
 * Verdict: row mode → the row comparison's verdict (any only-on-one-side, changed or duplicate-key row, or a
 * column missing in V2 fails; a column only in V2 or an incompatible type change is inconclusive); KPI mode →
 * any KPI fail → fail, else any inconclusive → inconclusive, else pass; no rows or no KPI lines on either side is
 * inconclusive (no data), never a pass.
 */
import { join } from 'node:path';
import { checkColumnMap } from './columns';
import type { Engine } from './duckdb';
import { compareKpiTables } from './kpis';
import { compareRows } from './rows';
import { compareSchemas } from './schema';
import { loadTable } from './source';
import type { ColumnMatching, KpiComparison, KpiJudgeOptions, KpiTableLayout, LoadedTable, RowCompareOptions, RowComparison, SchemaComparison, TableSource, Verdict } from './types';

export interface CompareRequest {
  readonly v1: TableSource;
  readonly v2: TableSource;
  readonly cwd?: string;
  /** How V2's columns pair with V1's (renamed columns, names in another case). */
  readonly matching?: ColumnMatching;
  /** Row-level comparison options (mutually exclusive with `kpis`). */
  readonly rows?: Omit<RowCompareOptions, 'mismatchesPath'>;
  readonly kpis?: { readonly layout: KpiTableLayout; readonly judge: KpiJudgeOptions };
  /** Folder for result files (mismatches.parquet). */
  readonly outDir?: string;
  /** Called as each phase ends, e.g. for progress display. */
  readonly onPhase?: (name: string, ms: number) => void;
  /** Called once both tables are loaded (before comparing), e.g. to hash their files meanwhile. */
  readonly onLoaded?: (v1: LoadedTable, v2: LoadedTable) => void;
}

export interface TableSummary {
  readonly path: string;
  readonly format: 'parquet' | 'csv' | 'postgres';
  readonly files: number;
  readonly rows: number;
  readonly columns: LoadedTable['columns'];
}

export interface CompareOutcome {
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  readonly v1: TableSummary;
  readonly v2: TableSummary;
  readonly schema: SchemaComparison;
  readonly rows?: RowComparison;
  readonly kpis?: KpiComparison;
  /** The loaded tables, e.g. to hash their files. */
  readonly tables: { readonly v1: LoadedTable; readonly v2: LoadedTable };
}

export function summarizeTable(t: LoadedTable): TableSummary {
  return { path: t.source.path, format: t.format, files: t.files.length, rows: t.rows, columns: t.columns };
}

export async function compareTables(engine: Engine, request: CompareRequest): Promise<CompareOutcome> {
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    request.onPhase?.(name, performance.now() - started);
    return result;
  };
  const load = { cwd: request.cwd ?? process.cwd() };
  const v1 = await phase('load v1', () => loadTable(engine, { label: 'V1', ...request.v1 }, 'v1', load));
  const v2 = await phase('load v2', () => loadTable(engine, { label: 'V2', ...request.v2 }, 'v2', load));
  request.onLoaded?.(v1, v2);
  checkColumnMap(v1, v2, request.matching?.columnMap);
  const schema = compareSchemas(v1.columns, v2.columns, request.matching);
  const base = { v1: summarizeTable(v1), v2: summarizeTable(v2), schema, tables: { v1, v2 } };
  if (request.kpis) {
    const { layout, judge } = request.kpis;
    const kpis = await phase('compare KPIs', () => compareKpiTables(engine, v1, v2, layout, judge));
    const reasons = kpis.kpis.filter((k) => k.verdict !== 'pass').map((k) => `${k.kpi} (${k.segment}): ${k.reason}`);
    if (kpis.counts.total === 0) reasons.push('no data: no KPI lines in V1 or V2');
    return { ...base, verdict: kpis.verdict, reasons: reasons.length > 0 ? reasons : [`${kpis.counts.total} KPIs pass`], kpis };
  }
  const options = request.rows ?? { keys: [] };
  const rows = await phase('compare rows', () =>
    compareRows(engine, v1, v2, schema, request.outDir === undefined ? options : { ...options, mismatchesPath: join(request.outDir, 'mismatches.parquet') }),
  );
  return { ...base, verdict: rows.verdict, reasons: rows.reasons, rows };
}
