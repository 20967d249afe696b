/**
 * Schema comparison, done before any row is compared: every column missing on a side and every type change is
 * reported, never coerced away silently. Numeric widening (INTEGER vs BIGINT, FLOAT vs DOUBLE, DECIMAL vs DOUBLE)
 * is a reported change that is still compared numerically; any other type change is compared as text and flagged
 * `incompatible`.
 *
 * API: `compareSchemas(v1Columns, v2Columns)` → SchemaComparison (pure).
 */
import { isNumericType } from './sql';
import type { ColumnInfo, SchemaColumn, SchemaComparison } from './types';

function kindOf(v1Type: string, v2Type: string): Pick<SchemaColumn, 'compareAs' | 'change'> {
  const numeric1 = isNumericType(v1Type);
  const numeric2 = isNumericType(v2Type);
  if (v1Type === v2Type) return { compareAs: numeric1 ? 'numeric' : 'exact', change: 'none' };
  if (numeric1 && numeric2) return { compareAs: 'numeric', change: 'widening' };
  return { compareAs: 'text', change: 'incompatible' };
}

export function compareSchemas(v1: readonly ColumnInfo[], v2: readonly ColumnInfo[]): SchemaComparison {
  const types2 = new Map(v2.map((c) => [c.name, c.type]));
  const names1 = new Set(v1.map((c) => c.name));
  const columns: SchemaColumn[] = [];
  for (const column of v1) {
    const v2Type = types2.get(column.name);
    if (v2Type === undefined) {
      columns.push({ name: column.name, v1Type: column.type, v2Type: null, compareAs: null, change: 'missingInV2' });
    } else {
      columns.push({ name: column.name, v1Type: column.type, v2Type, ...kindOf(column.type, v2Type) });
    }
  }
  for (const column of v2) {
    if (!names1.has(column.name)) columns.push({ name: column.name, v1Type: null, v2Type: column.type, compareAs: null, change: 'missingInV1' });
  }
  const typeChanges = columns
    .filter((c) => c.change === 'widening' || c.change === 'incompatible')
    .map((c) => ({ name: c.name, v1Type: c.v1Type as string, v2Type: c.v2Type as string, incompatible: c.change === 'incompatible' }));
  return {
    columns,
    missingInV1: columns.filter((c) => c.change === 'missingInV1').map((c) => c.name),
    missingInV2: columns.filter((c) => c.change === 'missingInV2').map((c) => c.name),
    typeChanges,
    identical: columns.every((c) => c.change === 'none'),
  };
}
