/**
 * Declarative KPIs: SQL aggregate expressions over a loan-level table, computed on each side in DuckDB for the
 * total and one segmentation per dimension (labels like `product=auto`), plus composites over other KPI names
 * (e.g. `dq30_rate - dq90_rate`, evaluated in order, so a composite may use earlier composites). The two sides
 * are then compared like KPI tables.
 *
 * API: `compareDeclarative(engine, v1, v2, definitions, judgeOptions)` → KpiComparison;
 * `declarativeRelation(engine, table, definitions, dayColumn?)` → SQL yielding (__seg, __kpi, __val[, __day]),
 * after checking each KPI and composite (invalid SQL → ConfigError naming it).
 */
import { ConfigError } from '../errors';
import type { Engine } from './duckdb';
import { QueryError } from './duckdb';
import { summarize } from './judge';
import { compareKpiRelations } from './kpis';
import { ident, literal } from './sql';
import type { DeclarativeKpis, KpiComparison, KpiJudgeOptions, LoadedTable } from './types';

function firstLine(error: unknown): string {
  const text = error instanceof QueryError ? error.detail : error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).replace(/^[A-Za-z ]+Error: /, '');
}

function checkName(name: string, what: string, seen: Set<string>): void {
  if (name.trim() === '') throw new ConfigError(`${what} has an empty name`);
  if (seen.has(name)) throw new ConfigError(`${what} "${name}" is defined twice`);
  seen.add(name);
}

/** One statement only: the expression is spliced into a SELECT. */
function checkExpression(text: string, what: string): void {
  if (text.includes(';')) throw new ConfigError(`${what}: the expression must not contain ";"`);
}

export async function declarativeRelation(engine: Engine, table: LoadedTable, defs: DeclarativeKpis, dayColumn?: string): Promise<string> {
  if (defs.kpis.length === 0) throw new ConfigError('no declarative KPIs defined');
  const seen = new Set<string>();
  const empty = `(SELECT * FROM ${table.relation} LIMIT 0)`;
  for (const k of defs.kpis) {
    checkName(k.name, 'KPI', seen);
    checkExpression(k.sql, `KPI "${k.name}"`);
    try {
      // count(*) beside it makes a non-aggregate expression a binder error, as it would be in the real query.
      await engine.rows(`SELECT count(*), (${k.sql}) FROM ${empty}`);
    } catch (error) {
      throw new ConfigError(`KPI "${k.name}": ${firstLine(error)}`);
    }
  }
  for (const d of defs.dimensions ?? []) {
    if (!table.columns.some((c) => c.name === d)) throw new ConfigError(`dimension "${d}" is not a column of ${table.source.label ?? table.source.path}`);
  }
  const day = dayColumn === undefined ? [] : [`CAST(${ident(dayColumn)} AS VARCHAR)`];
  const aggregates = defs.kpis.map((k) => `CAST((${k.sql}) AS DOUBLE) AS ${ident(k.name)}`).join(', ');
  const dayOut = dayColumn === undefined ? '' : `, ${day[0]} AS "__day"`;
  const groupBy = (cols: readonly string[]): string => (cols.length === 0 ? '' : ` GROUP BY ${cols.join(', ')}`);
  const parts = [`SELECT 'total' AS "__seg"${dayOut}, ${aggregates} FROM ${table.relation}${groupBy(day)}`];
  for (const d of defs.dimensions ?? []) {
    const seg = `${literal(`${d}=`)} || coalesce(CAST(${ident(d)} AS VARCHAR), '(null)')`;
    parts.push(`SELECT ${seg} AS "__seg"${dayOut}, ${aggregates} FROM ${table.relation}${groupBy([ident(d), ...day])}`);
  }
  let current = `(${parts.join(' UNION ALL ')})`;
  for (const c of defs.composites ?? []) {
    checkName(c.name, 'composite KPI', seen);
    checkExpression(c.expr, `composite KPI "${c.name}"`);
    const next = `(SELECT *, CAST((${c.expr}) AS DOUBLE) AS ${ident(c.name)} FROM ${current})`;
    try {
      await engine.rows(`SELECT * FROM ${next} LIMIT 0`);
    } catch (error) {
      throw new ConfigError(`composite KPI "${c.name}": ${firstLine(error)}`);
    }
    current = next;
  }
  // Computed once into a small table; the long form below reads it once per KPI.
  const computed = ident(`__cutover_decl_${table.relation.replaceAll('"', '')}`);
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${computed} AS SELECT * FROM ${current}`);
  const names = [...defs.kpis.map((k) => k.name), ...(defs.composites ?? []).map((c) => c.name)];
  const dayCol = dayColumn === undefined ? '' : ', "__day"';
  return names.map((n) => `SELECT "__seg", ${literal(n)} AS "__kpi", ${ident(n)} AS "__val"${dayCol} FROM ${computed}`).join(' UNION ALL ');
}

export async function compareDeclarative(
  engine: Engine,
  v1: LoadedTable,
  v2: LoadedTable,
  defs: DeclarativeKpis,
  options: KpiJudgeOptions = {},
): Promise<KpiComparison> {
  const sql1 = await declarativeRelation(engine, v1, defs);
  const sql2 = await declarativeRelation(engine, v2, defs);
  return summarize(await compareKpiRelations(engine, sql1, sql2, options, false));
}
