/**
 * Schema comparison, done before any row is compared: every column missing on a side and every type change is
 * reported, never coerced away silently. Numeric widening (INTEGER vs BIGINT, FLOAT vs DOUBLE, DECIMAL vs DOUBLE)
 * is a reported change that is still compared numerically; DATE against TIMESTAMP is a reported change compared as
 * timestamps (a DATE is its midnight); any other type change is compared as text and flagged `incompatible`.
 * V2's columns pair with V1's by name, or through `columnMap` (renamed columns), or ignoring case.
 *
 * API: `compareSchemas(v1Columns, v2Columns, matching?)` → SchemaComparison (pure); `isExactNumericType(type)`;
 * `typeChangeNote(change)` → how a type change is compared, for every surface that prints it.
 */
import { isNumericType } from './sql';
import type { ColumnInfo, ColumnMatching, SchemaColumn, SchemaComparison } from './types';

const exactNumeric = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL(\(\d+,\s*\d+\))?)$/i;
const dateOrTimestamp = /^(DATE|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|DATETIME)$/i;

/** Integers and DECIMAL: values that can be compared and subtracted without rounding. */
export function isExactNumericType(type: string): boolean {
  return exactNumeric.test(type);
}

function kindOf(v1Type: string, v2Type: string): Pick<SchemaColumn, 'compareAs' | 'change'> {
  const numeric1 = isNumericType(v1Type);
  const numeric2 = isNumericType(v2Type);
  if (v1Type === v2Type) return { compareAs: numeric1 ? 'numeric' : 'exact', change: 'none' };
  if (numeric1 && numeric2) return { compareAs: 'numeric', change: 'widening' };
  // DuckDB compares a DATE with a TIMESTAMP (without time zone) as its midnight.
  if (dateOrTimestamp.test(v1Type) && dateOrTimestamp.test(v2Type)) return { compareAs: 'exact', change: 'widening' };
  return { compareAs: 'text', change: 'incompatible' };
}

/** How a reported type change is compared, e.g. "widening: compared numerically". */
export function typeChangeNote(change: { v1Type: string; incompatible: boolean }): string {
  if (change.incompatible) return 'incompatible: compared as text';
  return isNumericType(change.v1Type) ? 'widening: compared numerically' : 'compared as timestamps, a DATE as its midnight';
}

/** V1 column name → the V2 column it is compared with. */
function pairColumns(v1: readonly ColumnInfo[], v2: readonly ColumnInfo[], matching: ColumnMatching): Map<string, ColumnInfo> {
  const byName = new Map(v2.map((c) => [c.name, c]));
  const pairs = new Map<string, ColumnInfo>();
  const taken = new Set<string>();
  const take = (name: string, c: ColumnInfo | undefined): void => {
    if (c === undefined || taken.has(c.name)) return;
    pairs.set(name, c);
    taken.add(c.name);
  };
  for (const [from, to] of Object.entries(matching.columnMap ?? {})) take(from, byName.get(to));
  const mapped = new Set(Object.keys(matching.columnMap ?? {}));
  for (const c of v1) if (!mapped.has(c.name)) take(c.name, byName.get(c.name));
  if (matching.ignoreColumnCase) {
    for (const c of v1) {
      if (pairs.has(c.name) || mapped.has(c.name)) continue;
      take(c.name, v2.find((d) => !taken.has(d.name) && d.name.toLowerCase() === c.name.toLowerCase()));
    }
  }
  return pairs;
}

export function compareSchemas(v1: readonly ColumnInfo[], v2: readonly ColumnInfo[], matching: ColumnMatching = {}): SchemaComparison {
  const pairs = pairColumns(v1, v2, matching);
  const paired = new Set([...pairs.values()].map((c) => c.name));
  const columns: SchemaColumn[] = [];
  for (const column of v1) {
    const other = pairs.get(column.name);
    if (other === undefined) {
      columns.push({ name: column.name, v1Type: column.type, v2Type: null, compareAs: null, change: 'missingInV2' });
    } else {
      const renamed = other.name !== column.name ? { v2Name: other.name } : {};
      columns.push({ name: column.name, ...renamed, v1Type: column.type, v2Type: other.type, ...kindOf(column.type, other.type) });
    }
  }
  for (const column of v2) {
    if (!paired.has(column.name)) columns.push({ name: column.name, v1Type: null, v2Type: column.type, compareAs: null, change: 'missingInV1' });
  }
  const typeChanges = columns
    .filter((c) => c.change === 'widening' || c.change === 'incompatible')
    .map((c) => ({ name: c.name, v1Type: c.v1Type as string, v2Type: c.v2Type as string, incompatible: c.change === 'incompatible' }));
  return {
    columns,
    missingInV1: columns.filter((c) => c.change === 'missingInV1').map((c) => c.name),
    missingInV2: columns.filter((c) => c.change === 'missingInV2').map((c) => c.name),
    typeChanges,
    // A renamed column is a difference a reader should see, even when the data match.
    identical: columns.every((c) => c.change === 'none' && c.v2Name === undefined),
  };
}
