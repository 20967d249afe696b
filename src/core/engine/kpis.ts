/**
 * KPI comparison of two KPI tables (long: segment…, kpi, value; or wide: one column per KPI), joined in SQL on
 * (segment, kpi) and judged per KPI by `judgeKpi`.
 *
 * API:
 *   compareKpiTables(engine, v1, v2, layout, judgeOptions) → KpiComparison
 *   kpiRelation(table, layout, dayColumn?) → SQL yielding (__seg, __kpi, __val[, __day]), also used by reconcile
 *   compareKpiRelations(engine, sql1, sql2, judgeOptions, withDay) → KPI results (with `day` when withDay)
 * Segment labels: no segment column → "total"; one column → its value as text; several → "a=x, b=y". A null
 * segment value is labelled "(null)". A value that is not a number (after TRY_CAST to DOUBLE) counts as null.
 */
import { columnNotFound } from './columns';
import type { Engine } from './duckdb';
import { judgeKpi, resolveThresholds, summarize } from './judge';
import { ident, isNumericType, literal } from './sql';
import type { KpiComparison, KpiJudgeOptions, KpiResult, KpiTableLayout, LoadedTable } from './types';

function requireColumns(table: LoadedTable, names: readonly string[], role: string): void {
  for (const name of names) {
    if (!table.columns.some((c) => c.name === name)) throw columnNotFound(table, name, role);
  }
}

export function segmentLabel(columns: readonly string[]): string {
  const text = (c: string): string => `coalesce(CAST(${ident(c)} AS VARCHAR), '(null)')`;
  if (columns.length === 0) return "'total'";
  if (columns.length === 1) return text(columns[0] as string);
  return columns.map((c, i) => `${literal(`${i === 0 ? '' : ', '}${c}=`)} || ${text(c)}`).join(' || ');
}

export function kpiRelation(table: LoadedTable, layout: KpiTableLayout, dayColumn?: string): string {
  const segments = layout.segmentColumns ?? ['segment'];
  requireColumns(table, segments, 'segment');
  if (dayColumn !== undefined) requireColumns(table, [dayColumn], 'date');
  const day = dayColumn === undefined ? '' : `, CAST(${ident(dayColumn)} AS VARCHAR) AS "__day"`;
  const seg = segmentLabel(segments);
  if ((layout.layout ?? 'long') === 'long') {
    const kpi = layout.kpiColumn ?? 'kpi';
    const value = layout.valueColumn ?? 'value';
    requireColumns(table, [kpi, value], 'KPI table');
    return `SELECT ${seg} AS "__seg", CAST(${ident(kpi)} AS VARCHAR) AS "__kpi", TRY_CAST(${ident(value)} AS DOUBLE) AS "__val"${day} FROM ${table.relation}`;
  }
  const skip = new Set([...segments, ...(dayColumn === undefined ? [] : [dayColumn])]);
  // A KPI named in the layout but absent on this side simply has no rows here: the join reports it missing.
  const names = layout.kpis
    ? layout.kpis.filter((k) => table.columns.some((c) => c.name === k))
    : table.columns.filter((c) => !skip.has(c.name) && isNumericType(c.type)).map((c) => c.name);
  if (names.length === 0) return `SELECT CAST(NULL AS VARCHAR) AS "__seg", CAST(NULL AS VARCHAR) AS "__kpi", CAST(NULL AS DOUBLE) AS "__val"${dayColumn === undefined ? '' : ', CAST(NULL AS VARCHAR) AS "__day"'} WHERE false`;
  return names
    .map((k) => `SELECT ${seg} AS "__seg", ${literal(k)} AS "__kpi", TRY_CAST(${ident(k)} AS DOUBLE) AS "__val"${day} FROM ${table.relation}`)
    .join(' UNION ALL ');
}

export async function compareKpiRelations(
  engine: Engine,
  v1Sql: string,
  v2Sql: string,
  options: KpiJudgeOptions,
  withDay: boolean,
): Promise<(KpiResult & { day?: string })[]> {
  const keys = ['"__seg"', '"__kpi"', ...(withDay ? ['"__day"'] : [])];
  const group = (sql: string): string => `SELECT ${keys.join(', ')}, count(*)::DOUBLE AS n, any_value("__val") AS v FROM (${sql}) GROUP BY ALL`;
  const on = keys.map((k) => `a.${k} IS NOT DISTINCT FROM b.${k}`).join(' AND ');
  const select = keys.map((k) => `coalesce(a.${k}, b.${k}) AS ${k}`).join(', ');
  const rows = await engine.rows(
    `SELECT * FROM (SELECT ${select}, coalesce(a.n, 0) AS n1, coalesce(b.n, 0) AS n2, a.v AS v1, b.v AS v2 FROM (${group(v1Sql)}) AS a FULL OUTER JOIN (${group(v2Sql)}) AS b ON ${on}) ORDER BY ${withDay ? '"__day", ' : ''}"__seg" <> 'total', "__seg", "__kpi"`,
  );
  return rows.map((r) => {
    const kpi = String(r['__kpi']);
    const result = judgeKpi(
      {
        segment: String(r['__seg']),
        kpi,
        rowsV1: Number(r['n1']),
        rowsV2: Number(r['n2']),
        v1: (r['v1'] as number | null) ?? null,
        v2: (r['v2'] as number | null) ?? null,
      },
      resolveThresholds(kpi, options),
    );
    return withDay ? { day: String(r['__day']), ...result } : result;
  });
}

export async function compareKpiTables(
  engine: Engine,
  v1: LoadedTable,
  v2: LoadedTable,
  layout: KpiTableLayout,
  options: KpiJudgeOptions = {},
): Promise<KpiComparison> {
  return summarize(await compareKpiRelations(engine, kpiRelation(v1, layout), kpiRelation(v2, layout), options, false));
}
