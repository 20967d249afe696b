/**
 * SQL text helpers. Every identifier and literal the engine puts into SQL goes through these, so a column named
 * `a"b` or a path with a quote or spaces is always safe.
 */

/** A double-quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A numeric SQL literal of a double type (DuckDB's DOUBLE unless named); non-finite numbers by their special names. */
export function numberLiteral(value: number, type = 'DOUBLE'): string {
  if (Number.isNaN(value)) return `'NaN'::${type}`;
  if (value === Infinity) return `'Infinity'::${type}`;
  if (value === -Infinity) return `'-Infinity'::${type}`;
  return `${value}::${type}`;
}

/** A list literal of strings, e.g. for read_parquet([...]). */
export function listLiteral(values: readonly string[]): string {
  return `[${values.map(literal).join(', ')}]`;
}

const numericTypes = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/i;
const floatingTypes = /^(FLOAT|REAL|DOUBLE)$/i;

export function isNumericType(type: string): boolean {
  return numericTypes.test(type);
}

/** Only floating columns can hold NaN and ±Infinity. */
export function isFloatingType(type: string): boolean {
  return floatingTypes.test(type);
}
