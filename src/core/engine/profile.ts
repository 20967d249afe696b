/**
 * Data-quality profile of a table in one SQL pass: rows, per column null count and rate, NaN and ±Infinity
 * counts for floating columns, and non-null values outside configured bounds.
 *
 * API: `profileTable(engine, table, bounds?)` → TableProfile. Bounds name columns: `{ balance: { min: 0 } }`;
 * a bound on a missing or non-numeric column is a ConfigError.
 */
import { ConfigError } from '../errors';
import { columnNotFound } from './columns';
import type { Engine } from './duckdb';
import { ident, isFloatingType, isNumericType, numberLiteral } from './sql';
import type { Bounds, ColumnProfile, LoadedTable, TableProfile } from './types';

export async function profileTable(engine: Engine, table: LoadedTable, bounds: Readonly<Record<string, Bounds>> = {}): Promise<TableProfile> {
  for (const name of Object.keys(bounds)) {
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw columnNotFound(table, name, 'bounded');
    if (!isNumericType(column.type)) throw new ConfigError(`bounds given for column "${name}" of type ${column.type}; bounds apply to numeric columns`);
  }
  const parts = ['count(*)::DOUBLE AS "rows"'];
  table.columns.forEach((c, j) => {
    const col = ident(c.name);
    parts.push(`count(*) FILTER (WHERE ${col} IS NULL)::DOUBLE AS n${j}`);
    if (isFloatingType(c.type)) {
      parts.push(
        `count(*) FILTER (WHERE isnan(${col}))::DOUBLE AS nan${j}`,
        `count(*) FILTER (WHERE ${col} = 'Infinity'::DOUBLE)::DOUBLE AS pi${j}`,
        `count(*) FILTER (WHERE ${col} = '-Infinity'::DOUBLE)::DOUBLE AS ni${j}`,
      );
    }
    const b = bounds[c.name];
    const out = [
      ...(b?.min !== undefined ? [`${col} < ${numberLiteral(b.min)}`] : []),
      ...(b?.max !== undefined ? [`${col} > ${numberLiteral(b.max)}`] : []),
    ];
    // NaN is counted as NaN, not as out of bounds (DuckDB orders it above every number).
    const notNaN = isFloatingType(c.type) ? ` AND NOT isnan(${col})` : '';
    if (out.length > 0) parts.push(`count(*) FILTER (WHERE (${out.join(' OR ')})${notNaN})::DOUBLE AS oob${j}`);
  });
  const row = (await engine.rows(`SELECT ${parts.join(', ')} FROM ${table.relation}`))[0] ?? {};
  const rows = Number(row['rows'] ?? 0);
  const n = (key: string): number => Number(row[key] ?? 0);
  const columns: ColumnProfile[] = table.columns.map((c, j) => {
    const nulls = n(`n${j}`);
    const b = bounds[c.name];
    return {
      name: c.name,
      type: c.type,
      nulls,
      nullRate: rows === 0 ? 0 : nulls / rows,
      nan: n(`nan${j}`),
      posInf: n(`pi${j}`),
      negInf: n(`ni${j}`),
      outOfBounds: n(`oob${j}`),
      ...(b ? { bounds: b } : {}),
    };
  });
  return { rows, columns };
}
