/**
 * The SQL that differs between engines, for segment checksums. Everything else in remote/ (the bisection, which
 * rows move, how the result is judged) is engine-neutral and written against this interface.
 *
 * DESIGN — what is dialect-specific, and why:
 *  - `text(column)`: a value as text. The checksum of a row is the md5 of its columns' texts, so two equal values
 *    must render identically in both engines for their segments to match (ints, DECIMALs with the same scale, text,
 *    dates, timestamps and booleans do in DuckDB and PostgreSQL; floats mostly do, NaN/Infinity do not). A value
 *    that renders differently only makes its segment look different, so its rows are pulled and compared by the
 *    normal row diff: a rendering mismatch costs transfer, never a wrong pass. A rendering that maps two different
 *    values to one text would be a wrong pass, so `text` must be lossless (no rounding, no truncation).
 *  - `md5Hex(text)`, `hexToBigint(hex15)`: md5 of a text as 32 lowercase hex digits, and 15 hex digits (60 bits) as a
 *    BIGINT. Sums of 60-bit values cannot overflow where it matters (PostgreSQL sums BIGINT into NUMERIC, DuckDB
 *    into HUGEINT), so a segment's checksum is (row count, exact sum), compared as text.
 *  - `ident`, `literal`: quoting.
 *  - `sumText(expr)`: a sum rendered as text, so both engines hand back the same digits.
 * A new engine (Snowflake: md5 + TO_NUMBER(…, 'XXXX…'); BigQuery: TO_HEX(MD5(…)) + CAST(CONCAT('0x', …) AS INT64);
 * Spark SQL: md5 + conv(…, 16, 10)) implements these few functions; the row text format (`rowText`) is shared.
 */

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
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  ident: quoteIdent,
  literal: quoteLiteral,
  text: (column) => `CAST(${quoteIdent(column)} AS VARCHAR)`,
  md5Hex: (textExpr) => `md5(${textExpr})`,
  hexToBigint: (hexExpr) => `CAST('0x' || ${hexExpr} AS BIGINT)`,
  sumText: (expr) => `CAST(sum(${expr}) AS VARCHAR)`,
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  ident: quoteIdent,
  literal: quoteLiteral,
  text: (column) => `(${quoteIdent(column)})::text`,
  md5Hex: (textExpr) => `md5(${textExpr})`,
  hexToBigint: (hexExpr) => `('x' || ${hexExpr})::bit(60)::bigint`,
  sumText: (expr) => `sum(${expr})::text`,
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
