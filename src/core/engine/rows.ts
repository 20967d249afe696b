/**
 * Row-level comparison of two tables keyed by columns, done in SQL with no JS row loops. One FULL OUTER JOIN keeps
 * the rows that differ at all (one side only, or any compared column distinct) in a temp table; counts, per-column
 * statistics, the sample and the Parquet mismatch set come from that (usually small) table. Repeated keys are found
 * by one grouping of each side's keys (GROUP BY … HAVING count(*) > 1, as any duplicate check does), and their rows
 * are deleted from the diff table; the join is never repeated. So each table is read twice (join, key grouping)
 * whether or not keys repeat: the work of a bare join plus a duplicate check, the same in every shape.
 *
 * API: `await compareRows(engine, v1, v2, schema, { keys, ignore?, tolerance?, columnTolerances?, ignoreSpaces?,
 * ignoreCase?, nullKeysMatch?, sampleSize?, mismatchesPath? }, dialect?)` → RowComparison. Names are V1's; the
 * schema says which V2 column each is compared with (renamed or matched ignoring case).
 *
 * One generator, several engines: every statement is built here once, with what differs between engines taken from
 * the Dialect (remote/dialect.ts says which parts those are). `engine` is DuckDB by default; with both tables in one
 * PostgreSQL database it is that database's session and `postgresDialect`, so the diff runs there and only counts
 * and the sample come back (the Parquet mismatch set is DuckDB's COPY, so it is written only there).
 *
 * Semantics: with zero tolerance a value differs when IS DISTINCT FROM on the native types (NaN = NaN, ±Infinity
 * equal only to itself; incompatible types compared as text). With a tolerance, numeric columns mismatch when
 * |v1 − v2| > abs + rel·|v1|, V1 being the reference (datacompy scales by its second frame); exact types (integers,
 * DECIMAL) are subtracted exactly, others as DOUBLE (a non-finite difference is never within tolerance), and
 * max |Δ| of exact types is kept exactly (`maxAbsDiffExact`). A value null on one side only is a mismatch and also
 * counted in `nullMismatches`. `ignoreSpaces`/`ignoreCase` normalise string values and keys before comparing. Keys
 * that occur more than once on either side are counted (`duplicateKeysV1/V2`) and their rows left out of the
 * matching on both sides (`excludedV1/V2`), so a duplicate never pairs with an arbitrary partner. A row with a null
 * in any key column never matches (it counts as only on its side, never as a duplicate) unless `nullKeysMatch`;
 * either way such rows are counted (`nullKeysV1/V2`). Both sides empty is no data: inconclusive, never a pass.
 */
import { rename, rm } from 'node:fs/promises';
import { ConfigError, RuntimeError } from '../errors';
import { closeMatches, columnNotFound, tablePath } from './columns';
import type { Engine, Row } from './duckdb';
import type { Dialect } from './remote/dialect';
import { duckdbDialect } from './remote/dialect';
import { isExactNumericType, typeChangeNote } from './schema';
import { ident, literal } from './sql';
import type { ColumnStats, LoadedTable, RowComparison, RowCompareOptions, SampleRow, SchemaColumn, SchemaComparison, Verdict } from './types';

const diffTable = '"__cutover_diff"';
const dupTable = '"__cutover_dupkeys"';
const present = '"__cutover_present"';

interface Compared {
  readonly column: SchemaColumn;
  readonly abs: number;
  readonly rel: number;
}

/** How values and keys are normalised before they are compared. */
interface Normalise {
  readonly ignoreSpaces: boolean;
  readonly ignoreCase: boolean;
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The column's name on side `t` ('a' = V1, 'b' = V2). */
function nameOn(t: 'a' | 'b', c: SchemaColumn): string {
  return t === 'a' ? c.name : c.v2Name ?? c.name;
}

function isString(c: SchemaColumn): boolean {
  return c.compareAs === 'text' || /^VARCHAR/i.test(c.v1Type ?? '');
}

/** Column `c` of side `t` read through `alias`, in the type it is compared in, normalised as asked. */
function columnExpr(d: Dialect, alias: string, t: 'a' | 'b', c: SchemaColumn, n: Normalise): string {
  let expr = `${alias}.${d.ident(nameOn(t, c))}`;
  if (c.compareAs === 'text') expr = d.castText(expr);
  if (isString(c) && n.ignoreSpaces) expr = d.trim(expr, ' \t\r\n');
  if (isString(c) && n.ignoreCase) expr = `lower(${expr})`;
  return expr;
}

/** Both sides of exact types (integers, DECIMAL): subtracted without rounding. */
function isExactPair(c: SchemaColumn): boolean {
  return c.compareAs === 'numeric' && isExactNumericType(c.v1Type ?? '') && isExactNumericType(c.v2Type ?? '');
}

/** |a − b|: exact for exact pairs (integers through HUGEINT, so BIGINT cannot overflow), else as DOUBLE. */
function absDiff(d: Dialect, a: string, b: string, c: SchemaColumn): string {
  if (!isExactPair(c)) return `abs(${d.castDouble(a)} - ${d.castDouble(b)})`;
  const integers = !/DECIMAL|UHUGEINT/i.test(`${c.v1Type} ${c.v2Type}`);
  return integers ? `abs(${d.wideInteger(a)} - ${d.wideInteger(b)})` : `abs(${a} - ${b})`;
}

function mismatchExpr(d: Dialect, a: string, b: string, c: Compared): string {
  const distinct = `(${a} IS DISTINCT FROM ${b})`;
  // Zero tolerance: distinct on the native types is the whole rule (no DOUBLE test may overrule it).
  if (c.column.compareAs !== 'numeric' || (c.abs === 0 && c.rel === 0)) return distinct;
  const diff = absDiff(d, a, b, c.column);
  const bound = `${d.number(c.abs)} + ${d.number(c.rel)} * abs(${d.castDouble(a)})`;
  // DuckDB and PostgreSQL order NaN as equal to NaN, so NaN <= NaN would hold: a non-finite difference is never within tolerance.
  const within = isExactPair(c.column) ? `${diff} <= ${bound}` : `${d.isFinite(diff)} AND ${diff} <= ${bound}`;
  return `(${distinct} AND NOT coalesce(${within}, false))`;
}

/** Decimal text without trailing fractional zeros, to tell whether a JSON number holds it exactly. */
function canonical(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** Checks that every named column exists where it must, naming the file and close matches when not. */
function checkNames(v1: LoadedTable, v2: LoadedTable, schema: SchemaComparison, options: RowCompareOptions): void {
  const inV1 = (name: string, role: string): SchemaColumn => {
    const column = schema.columns.find((c) => c.name === name && c.v1Type !== null);
    if (!column) throw columnNotFound(v1, name, role, 'V1');
    return column;
  };
  for (const key of options.keys) {
    const column = inV1(key, 'key');
    if (column.compareAs === null) throw columnNotFound(v2, nameOn('b', column), 'key', 'V2');
  }
  for (const name of options.ignore ?? []) {
    if (!schema.columns.some((c) => c.name === name)) {
      const close = closeMatches(name, schema.columns.map((c) => c.name));
      throw new ConfigError(`ignored column "${name}" is in neither ${tablePath(v1)} nor ${tablePath(v2)}${close.length > 0 ? `; close matches: ${close.map((n) => `"${n}"`).join(', ')}` : ''}`);
    }
  }
  for (const name of Object.keys(options.columnTolerances ?? {})) {
    const column = inV1(name, 'tolerance');
    if (column.compareAs !== 'numeric') throw new ConfigError(`tolerance for column "${name}": it is ${column.v1Type} in V1 and ${column.v2Type ?? 'missing'} in V2; tolerances apply to numeric columns`, { file: tablePath(v1) });
  }
}

/** What the row diff needs of an engine: statements and rows back (DuckDB's Engine, or a database session). */
export type SqlRunner = Pick<Engine, 'exec' | 'rows'>;

export async function compareRows(
  engine: SqlRunner,
  v1: LoadedTable,
  v2: LoadedTable,
  schema: SchemaComparison,
  options: RowCompareOptions,
  dialect: Dialect = duckdbDialect,
): Promise<RowComparison> {
  const keys = options.keys;
  if (keys.length === 0) throw new ConfigError('row comparison needs at least one key column');
  checkNames(v1, v2, schema, options);
  const ignore = new Set(options.ignore ?? []);
  const keySet = new Set(keys);
  const compared: Compared[] = schema.columns
    .filter((c) => c.compareAs !== null && !keySet.has(c.name) && !ignore.has(c.name))
    .map((column) => {
      const t = options.columnTolerances?.[column.name] ?? options.tolerance ?? {};
      return { column, abs: t.abs ?? options.tolerance?.abs ?? 0, rel: t.rel ?? options.tolerance?.rel ?? 0 };
    });
  const shape: JoinShape = {
    d: dialect,
    keyColumns: keys.map((k) => schema.columns.find((c) => c.name === k && c.v1Type !== null) as SchemaColumn),
    compared,
    normalise: { ignoreSpaces: options.ignoreSpaces ?? false, ignoreCase: options.ignoreCase ?? false },
    nullKeysMatch: options.nullKeysMatch ?? false,
  };

  await keepDifferingRows(engine, shape, { v1: v1.relation, v2: v2.relation });
  const duplicates = await excludeDuplicates(engine, shape, v1, v2);
  const stats = await diffStats(engine, shape);

  const row = stats.row;
  const columns: ColumnStats[] = compared.map((c, j) => {
    const exact = isExactPair(c.column) && typeof row[`x${j}`] === 'string' ? (row[`x${j}`] as string) : undefined;
    const maxAbsDiff = exact !== undefined ? Number(exact) : finiteOrNull(row[`x${j}`]);
    return {
      name: c.column.name,
      compareAs: c.column.compareAs as ColumnStats['compareAs'],
      mismatches: num(row[`m${j}`]),
      nullMismatches: num(row[`n${j}`]),
      maxAbsDiff: c.column.compareAs === 'numeric' ? maxAbsDiff ?? 0 : null,
      ...(exact !== undefined && canonical(exact) !== String(Number(exact)) ? { maxAbsDiffExact: canonical(exact) } : {}),
      maxRelDiff: c.column.compareAs === 'numeric' ? finiteOrNull(row[`r${j}`]) ?? 0 : null,
      tolerance: { abs: c.abs, rel: c.rel },
    };
  });
  const nullKeys = shape.nullKeysMatch ? await nullKeyRows(engine, shape, v1, v2) : { v1: num(row['nk1']), v2: num(row['nk2']) };
  const sample = await readSample(engine, shape, options.sampleSize ?? 20);
  if (options.mismatchesPath !== undefined && dialect !== duckdbDialect) throw new RuntimeError(`the mismatch set (${options.mismatchesPath}) is written by DuckDB only, not in ${dialect.name}`);
  const mismatches = options.mismatchesPath === undefined ? null : await writeMismatches(engine, options.mismatchesPath, keys, shape);
  const rows = {
    v1: v1.rows,
    v2: v2.rows,
    matched: v1.rows - duplicates.excludedV1 - stats.only1,
    onlyV1: stats.only1,
    onlyV2: stats.only2,
    changed: stats.changed,
    duplicateKeysV1: duplicates.keysV1,
    duplicateKeysV2: duplicates.keysV2,
    excludedV1: duplicates.excludedV1,
    excludedV2: duplicates.excludedV2,
    nullKeysV1: nullKeys.v1,
    nullKeysV2: nullKeys.v2,
  };
  const { verdict, reasons } = judgeRows(rows, columns, schema, shape.nullKeysMatch);
  return { verdict, reasons, keys: [...keys], rows, columns, sample, mismatches };
}

/** True in a diff-table row where any compared column mismatches beyond its tolerance. */
function anyMismatch(compared: readonly Compared[]): string {
  return compared.length === 0 ? 'false' : compared.map((_, j) => `"__m${j}"`).join(' OR ');
}

interface JoinShape {
  readonly d: Dialect;
  readonly keyColumns: readonly SchemaColumn[];
  readonly compared: readonly Compared[];
  readonly normalise: Normalise;
  readonly nullKeysMatch: boolean;
}

type Sources = { readonly v1: string; readonly v2: string };

/** Key columns of V1 (alias `a`) and V2 (alias `b`) equal; null-safe when asked. */
function keysEqual(shape: JoinShape): string {
  return shape.keyColumns.map((c) => keyEqual(shape, columnExpr(shape.d, 'a', 'a', c, shape.normalise), columnExpr(shape.d, 'b', 'b', c, shape.normalise))).join(' AND ');
}

function keyEqual(shape: JoinShape, a: string, b: string): string {
  return shape.nullKeysMatch ? shape.d.keysMatchNullSafe(a, b) : `${a} = ${b}`;
}

/**
 * One row per row of the FULL OUTER JOIN: keys "__k<i>", presence "__in1"/"__in2", compared values "__a<j>"/"__b<j>",
 * mismatch beyond tolerance "__m<j>", and "__d": the row differs at all (one side only, or any value distinct, within
 * tolerance included, so maxAbsDiff sees it).
 */
function joinedRows(shape: JoinShape, sources: Sources): string {
  const { d, normalise: n } = shape;
  const inner = [
    ...shape.keyColumns.map((c, i) => `coalesce(${columnExpr(d, 'a', 'a', c, n)}, ${columnExpr(d, 'b', 'b', c, n)}) AS "__k${i}"`),
    `a.${present} IS NOT NULL AS "__in1"`,
    `b.${present} IS NOT NULL AS "__in2"`,
    ...shape.compared.flatMap((c, j) => [`${columnExpr(d, 'a', 'a', c.column, n)} AS "__a${j}"`, `${columnExpr(d, 'b', 'b', c.column, n)} AS "__b${j}"`]),
  ];
  const on = keysEqual(shape);
  const differs = ['NOT "__in1"', 'NOT "__in2"', ...shape.compared.map((_, j) => `"__a${j}" IS DISTINCT FROM "__b${j}"`)].join(' OR ');
  const outer = ['*', ...shape.compared.map((c, j) => `${mismatchExpr(d, `"__a${j}"`, `"__b${j}"`, c)} AS "__m${j}"`), `(${differs}) AS "__d"`];
  const side = (relation: string): string => `(SELECT true AS ${present}, s.* FROM ${relation} AS s)`;
  return `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${side(sources.v1)} AS a FULL OUTER JOIN ${side(sources.v2)} AS b ON ${on}) AS j`;
}

/** The rows of the join that differ at all, into the diff temp table. */
async function keepDifferingRows(engine: SqlRunner, shape: JoinShape, sources: Sources): Promise<void> {
  await engine.exec(shape.d.createTemp(diffTable, `SELECT * FROM (${joinedRows(shape, sources)}) AS r WHERE "__d"`));
}

/** Rows of each whole side with a null in any key column (null-safe matching: they may be matched, so not in the diff table). */
async function nullKeyRows(engine: SqlRunner, shape: JoinShape, v1: LoadedTable, v2: LoadedTable): Promise<{ v1: number; v2: number }> {
  const { d } = shape;
  const anyNull = (t: 'a' | 'b'): string => shape.keyColumns.map((c) => `${d.ident(nameOn(t, c))} IS NULL`).join(' OR ');
  const count = (t: LoadedTable, s: 'a' | 'b'): string => d.castDouble(`(SELECT count(*) FROM ${t.relation} AS s WHERE ${anyNull(s)})`);
  const r = (await engine.rows(`SELECT ${count(v1, 'a')} AS n1, ${count(v2, 'b')} AS n2`))[0] ?? {};
  return { v1: num(r['n1']), v2: num(r['n2']) };
}

interface DiffStats {
  readonly row: Row;
  readonly only1: number;
  readonly only2: number;
  readonly changed: number;
}

/** Counts and per-column statistics from the diff table. */
async function diffStats(engine: SqlRunner, shape: JoinShape): Promise<DiffStats> {
  const { d } = shape;
  const dbl = (aggregate: string, name: string): string => `${d.castDouble(aggregate)} AS ${name}`;
  const both = '"__in1" AND "__in2"';
  const anyNullKey = shape.keyColumns.map((_, i) => `"__k${i}" IS NULL`).join(' OR ');
  const aggregates = [
    // Without null-safe matching every row with a null key part is one-sided, so the diff table holds them all.
    dbl(`count(*) FILTER (WHERE "__in1" AND NOT "__in2" AND (${anyNullKey}))`, 'nk1'),
    dbl(`count(*) FILTER (WHERE "__in2" AND NOT "__in1" AND (${anyNullKey}))`, 'nk2'),
    dbl('count(*) FILTER (WHERE "__in1" AND NOT "__in2")', 'only1'),
    dbl('count(*) FILTER (WHERE "__in2" AND NOT "__in1")', 'only2'),
    dbl(`count(*) FILTER (WHERE ${both} AND (${anyMismatch(shape.compared)}))`, 'changed'),
    ...shape.compared.flatMap((c, j) => {
      const out = [
        dbl(`count(*) FILTER (WHERE ${both} AND "__m${j}")`, `m${j}`),
        dbl(`count(*) FILTER (WHERE ${both} AND ("__a${j}" IS NULL) <> ("__b${j}" IS NULL))`, `n${j}`),
      ];
      if (isExactPair(c.column)) {
        const diff = absDiff(d, `"__a${j}"`, `"__b${j}"`, c.column);
        const valued = `${both} AND "__a${j}" IS NOT NULL AND "__b${j}" IS NOT NULL`;
        // As text: a HUGEINT or DECIMAL(38,s) difference keeps every digit on its way to JSON.
        out.push(`${d.castText(`max(${diff}) FILTER (WHERE ${valued})`)} AS x${j}`, `max(${d.castDouble(diff)} / abs(${d.castDouble(`"__a${j}"`)})) FILTER (WHERE ${valued} AND "__a${j}" <> 0) AS r${j}`);
      } else if (c.column.compareAs === 'numeric') {
        const a = d.castDouble(`"__a${j}"`);
        const b = d.castDouble(`"__b${j}"`);
        const finite = `${both} AND ${d.isFinite(a)} AND ${d.isFinite(b)}`;
        out.push(`max(abs(${a} - ${b})) FILTER (WHERE ${finite}) AS x${j}`, `max(abs(${a} - ${b}) / abs(${a})) FILTER (WHERE ${finite} AND ${a} <> 0) AS r${j}`);
      }
      return out;
    }),
  ];
  const row = (await engine.rows(`SELECT ${aggregates.join(', ')} FROM ${diffTable}`))[0] ?? {};
  return { row, only1: num(row['only1']), only2: num(row['only2']), changed: num(row['changed']) };
}

/**
 * Counts the keys that occur more than once on each side (null keys only under null-safe matching) and the rows on
 * each side whose key is repeated on either side, and drops those keys' rows from the diff table. Each side's keys
 * are grouped once (GROUP BY … HAVING count(*) > 1, the duplicate check any tool makes) and the two small results
 * are joined; the big join is never redone. A key repeated on neither side joins the same rows whether or not the
 * others are left out, so the diff table minus the repeated keys' rows is what a join without them gives. A key
 * repeated on one side only has at most one row on the other, and it has none exactly when the repeating side's
 * rows of that key are one-sided in the diff table, so the other side's excluded rows are read off the (small)
 * diff table, not the inputs. Keys are taken as compared (normalised), so "A " and "a" are one key when spaces
 * and case are ignored.
 */
async function excludeDuplicates(engine: SqlRunner, shape: JoinShape, v1: LoadedTable, v2: LoadedTable): Promise<{ keysV1: number; keysV2: number; excludedV1: number; excludedV2: number }> {
  const { d: sql, normalise: n } = shape;
  const keyNames = shape.keyColumns.map((_, i) => `"__k${i}"`);
  const repeated = (t: LoadedTable, s: 'a' | 'b'): string => {
    const exprs = shape.keyColumns.map((c) => columnExpr(sql, 's', s, c, n));
    const nonNull = shape.nullKeysMatch ? 'true' : shape.keyColumns.map((c) => `s.${sql.ident(nameOn(s, c))} IS NOT NULL`).join(' AND ');
    return `SELECT ${exprs.map((e, i) => `${e} AS "__k${i}"`).join(', ')}, count(*) AS n FROM ${t.relation} AS s WHERE ${nonNull} GROUP BY ${exprs.join(', ')} HAVING count(*) > 1`;
  };
  const pairs = keyNames.map((k) => keyEqual(shape, `g1.${k}`, `g2.${k}`)).join(' AND ');
  await engine.exec(sql.createTemp(dupTable,
    `SELECT ${keyNames.map((k) => `coalesce(g1.${k}, g2.${k}) AS ${k}`).join(', ')}, g1.n AS n1, g2.n AS n2 FROM (${repeated(v1, 'a')}) AS g1 FULL OUTER JOIN (${repeated(v2, 'b')}) AS g2 ON ${pairs}`));
  const dbl = (aggregate: string, name: string): string => `${sql.castDouble(aggregate)} AS ${name}`;
  const r = (await engine.rows(`SELECT ${[
    dbl('count(n1)', 'd1'), dbl('count(n2)', 'd2'), dbl('coalesce(sum(n1), 0)', 'e1'), dbl('coalesce(sum(n2), 0)', 'e2'),
    dbl('count(*) FILTER (WHERE n1 IS NULL)', 'single1'), dbl('count(*) FILTER (WHERE n2 IS NULL)', 'single2'),
  ].join(', ')} FROM ${dupTable}`))[0] ?? {};
  const counted = { keysV1: num(r['d1']), keysV2: num(r['d2']), excludedV1: num(r['e1']), excludedV2: num(r['e2']) };
  if (counted.keysV1 + counted.keysV2 === 0) return counted;
  // Plain equality suffices here (no FULL JOIN): null keys are in the duplicate table only under null-safe matching.
  const on = keyNames.map((k) => (shape.nullKeysMatch ? `x.${k} IS NOT DISTINCT FROM d.${k}` : `x.${k} = d.${k}`)).join(' AND ');
  const tuple = `row(${keyNames.map((k) => `x.${k}`).join(', ')})`;
  // Keys repeated on one side only that the other side lacks: their rows are one-sided in the diff table.
  const lacking = (await engine.rows(`SELECT ${[
    dbl(`count(DISTINCT ${tuple}) FILTER (WHERE NOT x."__in1" AND d.n1 IS NULL)`, 'l1'),
    dbl(`count(DISTINCT ${tuple}) FILTER (WHERE NOT x."__in2" AND d.n2 IS NULL)`, 'l2'),
  ].join(', ')} FROM ${diffTable} AS x JOIN ${dupTable} AS d ON ${on}`))[0] ?? {};
  counted.excludedV1 += num(r['single1']) - num(lacking['l1']);
  counted.excludedV2 += num(r['single2']) - num(lacking['l2']);
  await engine.exec(`DELETE FROM ${diffTable} AS x USING ${dupTable} AS d WHERE ${on}`);
  return counted;
}

/** Key types a JS number cannot hold exactly travel as text. */
const wideKeyType = /^(HUGEINT|UHUGEINT|UBIGINT|DECIMAL\((1[6-9]|[23]\d),\s*\d+\))$/i;

function keyOut(d: Dialect, c: SchemaColumn, i: number): string {
  return wideKeyType.test(c.v1Type ?? '') ? d.castText(`"__k${i}"`) : `"__k${i}"`;
}

/** The first mismatching rows: changed rows first, then one-sided, each by key; a changed row lists only its mismatching columns. */
async function readSample(engine: SqlRunner, shape: JoinShape, size: number): Promise<SampleRow[]> {
  if (size <= 0) return [];
  const { d, compared } = shape;
  const select = [
    ...shape.keyColumns.map((c, i) => `${keyOut(d, c, i)} AS "__k${i}"`),
    `CASE WHEN NOT "__in2" THEN 'onlyV1' WHEN NOT "__in1" THEN 'onlyV2' ELSE 'changed' END AS "__kind"`,
    ...compared.flatMap((_, j) => [`${d.castText(`"__a${j}"`)} AS "__a${j}"`, `${d.castText(`"__b${j}"`)} AS "__b${j}"`, `"__m${j}"`]),
  ];
  // Changed rows, then only in V1, then only in V2 (an expression on the table's columns: PostgreSQL sorts by no alias inside one).
  const order = ['CASE WHEN NOT "__in2" THEN 1 WHEN NOT "__in1" THEN 2 ELSE 0 END', ...shape.keyColumns.map((_, i) => `"__k${i}"`)].join(', ');
  const rows = await engine.rows(
    `SELECT ${select.join(', ')} FROM ${diffTable} WHERE NOT "__in1" OR NOT "__in2" OR (${anyMismatch(compared)}) ORDER BY ${order} LIMIT ${Math.floor(size)}`,
  );
  return rows.map((r) => {
    const kind = r['__kind'] as SampleRow['kind'];
    const keyValues: Record<string, unknown> = {};
    shape.keyColumns.forEach((c, i) => { keyValues[c.name] = r[`__k${i}`]; });
    const columns = kind !== 'changed' ? [] : compared.flatMap((c, j) => (r[`__m${j}`] === true
      ? [{ name: c.column.name, v1: (r[`__a${j}`] as string | null) ?? null, v2: (r[`__b${j}`] as string | null) ?? null }]
      : []));
    return { keys: keyValues, kind, columns };
  });
}

/** The full mismatch set, long form: keys…, kind, column, v1, v2 (text), abs_diff. Written to a temp name and renamed. */
async function writeMismatches(engine: SqlRunner, path: string, keys: readonly string[], shape: JoinShape): Promise<{ path: string; rows: number }> {
  const fixed = new Set(['kind', 'column', 'v1', 'v2', 'abs_diff']);
  const keyOut = keys.map((k, i) => `"__k${i}" AS ${ident(fixed.has(k) ? `key_${k}` : k)}`).join(', ');
  const parts = shape.compared.map((c, j) => {
    const diff = c.column.compareAs === 'numeric' ? `CAST(${absDiff(shape.d, `"__a${j}"`, `"__b${j}"`, c.column)} AS DOUBLE)` : 'CAST(NULL AS DOUBLE)';
    return `SELECT ${keyOut}, 'changed' AS kind, ${literal(c.column.name)} AS "column", CAST("__a${j}" AS VARCHAR) AS v1, CAST("__b${j}" AS VARCHAR) AS v2, ${diff} AS abs_diff FROM ${diffTable} WHERE "__in1" AND "__in2" AND "__m${j}"`;
  });
  const only = (kind: string, where: string): string =>
    `SELECT ${keyOut}, ${literal(kind)} AS kind, CAST(NULL AS VARCHAR) AS "column", CAST(NULL AS VARCHAR) AS v1, CAST(NULL AS VARCHAR) AS v2, CAST(NULL AS DOUBLE) AS abs_diff FROM ${diffTable} WHERE ${where}`;
  parts.push(only('only_v1', 'NOT "__in2"'), only('only_v2', 'NOT "__in1"'));
  const temp = `${path}.tmp-${process.pid}`;
  try {
    const written = await engine.rows(`COPY (${parts.join(' UNION ALL ')}) TO ${literal(temp)} (FORMAT parquet)`);
    await rename(temp, path);
    return { path, rows: num(written[0]?.['Count']) };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function judgeRows(rows: RowComparison['rows'], columns: readonly ColumnStats[], schema: SchemaComparison, nullKeysMatch: boolean): { verdict: Verdict; reasons: string[] } {
  const fail: string[] = [];
  const inconclusive: string[] = [];
  if (rows.onlyV1 > 0) fail.push(`${rows.onlyV1} rows only in V1`);
  if (rows.onlyV2 > 0) fail.push(`${rows.onlyV2} rows only in V2`);
  if (rows.changed > 0) {
    const which = columns.filter((c) => c.mismatches > 0).map((c) => `${c.name} ${c.mismatches}`).join(', ');
    fail.push(`${rows.changed} changed rows (${which})`);
  }
  if (rows.duplicateKeysV1 > 0) fail.push(`${rows.duplicateKeysV1} duplicate keys in V1 (${rows.excludedV1} rows not compared)`);
  if (rows.duplicateKeysV2 > 0) fail.push(`${rows.duplicateKeysV2} duplicate keys in V2 (${rows.excludedV2} rows not compared)`);
  const nullKeys = rows.nullKeysV1 + rows.nullKeysV2 > 0 ? `${rows.nullKeysV1} rows in V1 and ${rows.nullKeysV2} in V2 have a null key part` : undefined;
  if (nullKeys !== undefined && !nullKeysMatch) fail.push(`${nullKeys} (never matched; null-safe key matching pairs them)`);
  for (const name of schema.missingInV2) fail.push(`column ${name} missing in V2`);
  if (rows.v1 === 0 && rows.v2 === 0) inconclusive.push('no data: V1 and V2 have no rows');
  for (const name of schema.missingInV1) inconclusive.push(`column ${name} only in V2`);
  for (const t of schema.typeChanges) {
    if (t.incompatible) inconclusive.push(`column ${t.name}: ${t.v1Type} in V1, ${t.v2Type} in V2 (compared as text)`);
  }
  if (fail.length > 0) return { verdict: 'fail', reasons: [...fail, ...inconclusive] };
  if (inconclusive.length > 0) return { verdict: 'inconclusive', reasons: inconclusive };
  const changed = schema.typeChanges.map((t) => `column ${t.name} ${t.v1Type} → ${t.v2Type} (${typeChangeNote(t)})`);
  const renamed = schema.columns.filter((c) => c.v2Name !== undefined).map((c) => `column ${c.name} is ${c.v2Name} in V2`);
  const matchedNull = nullKeys !== undefined ? [`${nullKeys}, matched null-safe`] : [];
  return { verdict: 'pass', reasons: [`${rows.matched} rows match on ${columns.length} compared columns`, ...changed, ...renamed, ...matchedNull] };
}
