/**
 * The SQL that differs between engines. Two generators are written once against this interface: the row diff
 * (../rows.ts: join, counts, duplicate keys, sample), which runs in DuckDB or, with both tables in one PostgreSQL
 * database, in PostgreSQL; and the segment checksums (segments.ts) of a database table against a file. Everything
 * else (the bisection, which rows move, how the result is judged) is engine-neutral.
 *
 * DESIGN — what is dialect-specific, and why:
 *  - Segment checksums. `text(column)`: a value as text. The checksum of a row is the md5 of its columns' texts, so
 *    two equal values must render identically in both engines for their segments to match (ints, DECIMALs with the
 *    same scale, text, dates, timestamps and booleans do in DuckDB and PostgreSQL; floats mostly do, NaN/Infinity
 *    do not). A value that renders differently only makes its segment look different, so its rows are pulled and
 *    compared by the normal row diff: a rendering mismatch costs transfer, never a wrong pass. A rendering that maps
 *    two different values to one text would be a wrong pass, so `text` must be lossless (no rounding, no truncation).
 *    `md5Hex(text)`, `hexToBigint(hex15)`: md5 of a text as 32 lowercase hex digits, and 15 hex digits (60 bits) as
 *    a BIGINT. Sums of 60-bit values cannot overflow where it matters (PostgreSQL sums BIGINT into NUMERIC, DuckDB
 *    into HUGEINT), so a segment's checksum is (row count, exact sum), compared as text. `sumText(expr)`: a sum
 *    rendered as text, so both engines hand back the same digits.
 *  - Row diff. Type names (`castText`, `castDouble`, `wideInteger`: an integer type no difference of two BIGINTs
 *    overflows — DuckDB HUGEINT, PostgreSQL NUMERIC), `number` literals (non-finite ones included), `isFinite`
 *    (DuckDB has isfinite(); PostgreSQL orders NaN above Infinity, so |x| < Infinity is the test), `trim` of a
 *    character set, `createTemp` (DuckDB has CREATE OR REPLACE), and `keysMatchNullSafe`: null-safe key equality
 *    that the engine can still run a FULL OUTER JOIN on (PostgreSQL only hash- or merge-joins plain `=`, and
 *    compares arrays with NULL elements as equal, so one-element arrays do it there).
 *    The rest of the row diff is written in the SQL both engines share (FILTER aggregates, IS DISTINCT FROM,
 *    EXISTS, DELETE … USING, row(), explicit GROUP BY and aliased subqueries).
 *  - `ident`, `literal`: quoting.
 * A new engine (Snowflake: md5 + TO_NUMBER(…, 'XXXX…'), EQUAL_NULL; BigQuery: TO_HEX(MD5(…)) + CAST(CONCAT('0x', …)
 * AS INT64), IS NOT DISTINCT FROM; Spark SQL: md5 + conv(…, 16, 10), <=>) implements these few functions; the row
 * text format (`rowText`) and both generators are shared.
 */

import { ident, literal, numberLiteral } from '../sql';

export interface Dialect {
  readonly name: string;
  ident(name: string): string;
  literal(value: string): string;
  /** The column's value as lossless text (NULL stays NULL). */
  text(column: string): string;
  md5Hex(textExpr: string): string;
  /** 15 hex digits (a text expression) as a non-negative BIGINT. */
  hexToBigint(hexExpr: string): string;
  /** `sum(expr)` as text, exact. */
  sumText(expr: string): string;
  castText(expr: string): string;
  castDouble(expr: string): string;
  /** An integer type wide enough for the difference of two BIGINTs. */
  wideInteger(expr: string): string;
  /** A number literal of the engine's double type; NaN and ±Infinity included. */
  number(value: number): string;
  /** True for a finite double, false for NaN/±Infinity, NULL for NULL. */
  isFinite(expr: string): string;
  /** `expr` without leading and trailing characters of `chars`. */
  trim(expr: string, chars: string): string;
  /** Statement(s) making temp table `name` from `select`, replacing one of that name. */
  createTemp(name: string, select: string): string;
  /** Null-safe equality of a key on each side, usable as a FULL OUTER JOIN condition. */
  keysMatchNullSafe(a: string, b: string): string;
}

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  ident,
  literal,
  text: (column) => `CAST(${ident(column)} AS VARCHAR)`,
  md5Hex: (textExpr) => `md5(${textExpr})`,
  hexToBigint: (hexExpr) => `CAST('0x' || ${hexExpr} AS BIGINT)`,
  sumText: (expr) => `CAST(sum(${expr}) AS VARCHAR)`,
  castText: (expr) => `CAST(${expr} AS VARCHAR)`,
  castDouble: (expr) => `CAST(${expr} AS DOUBLE)`,
  wideInteger: (expr) => `CAST(${expr} AS HUGEINT)`,
  number: (value) => numberLiteral(value),
  isFinite: (expr) => `isfinite(${expr})`,
  trim: (expr, chars) => `trim(${expr}, ${literal(chars)})`,
  createTemp: (name, select) => `CREATE OR REPLACE TEMP TABLE ${name} AS ${select}`,
  keysMatchNullSafe: (a, b) => `${a} IS NOT DISTINCT FROM ${b}`,
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  ident,
  literal,
  text: (column) => `(${ident(column)})::text`,
  md5Hex: (textExpr) => `md5(${textExpr})`,
  hexToBigint: (hexExpr) => `('x' || ${hexExpr})::bit(60)::bigint`,
  sumText: (expr) => `sum(${expr})::text`,
  castText: (expr) => `CAST(${expr} AS text)`,
  castDouble: (expr) => `CAST(${expr} AS double precision)`,
  wideInteger: (expr) => `CAST(${expr} AS numeric)`,
  number: (value) => numberLiteral(value, 'double precision'),
  isFinite: (expr) => `(abs(${expr}) < 'Infinity'::double precision)`,
  trim: (expr, chars) => `btrim(${expr}, ${literal(chars)})`,
  createTemp: (name, select) => `DROP TABLE IF EXISTS ${name}; CREATE TEMP TABLE ${name} AS ${select}`,
  keysMatchNullSafe: (a, b) => `ARRAY[${a}] = ARRAY[${b}]`,
};

/** A column in a row text; `free` when its text may hold any character (strings), so it needs a length prefix. */
export interface TextColumn {
  readonly name: string;
  readonly free: boolean;
}

/** DuckDB types whose text never contains "|" and is never just "N": numbers, dates and times, booleans, UUIDs. */
const plainText = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\)|DATE|TIME|TIMESTAMP|TIMESTAMPTZ|TIMESTAMP WITH TIME ZONE|BOOLEAN|UUID)$/i;

/** Whether a column needs the length-prefixed form, given its DuckDB type on each side (text if either side is). */
export function isFreeText(...types: readonly string[]): boolean {
  return !types.every((t) => plainText.test(t));
}

/**
 * An unambiguous text of several columns, so that neither a NULL and a value, nor ("ab", "c") and ("a", "bc"), can
 * give the same string. A free-text column is `N` for NULL or `V<length>:<text>`; any other column is its text or
 * `N`, then `|` (its text has no `|` and is never just `N`), which saves PostgreSQL rendering it twice.
 * Uses only `||`, CASE, coalesce and length(), which every dialect has.
 */
export function rowText(d: Dialect, columns: readonly TextColumn[]): string {
  if (columns.length === 0) return "''";
  return columns
    .map((c) => {
      const t = d.text(c.name);
      return c.free ? `(CASE WHEN ${d.ident(c.name)} IS NULL THEN 'N' ELSE 'V' || length(${t}) || ':' || ${t} END)` : `coalesce(${t}, 'N') || '|'`;
    })
    .join(' || ');
}
