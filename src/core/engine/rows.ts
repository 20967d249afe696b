/**
 * Row-level comparison of two tables keyed by columns, done in SQL with no JS row loops. One FULL OUTER JOIN keeps
 * the rows that differ at all (one side only, or any compared column distinct) in a temp table; counts, per-column
 * statistics, the sample and the Parquet mismatch set come from that (usually small) table. Whether any key repeats
 * is read off cheaply: a key-only inner join count plus the one-sided rows must add up to each side's row count, and
 * one-sided keys must be distinct. Only when that fails are duplicate keys counted, excluded on both sides and the
 * join repeated, so the usual case reads each table twice at most (join, key-only count).
 *
 * API: `await compareRows(engine, v1, v2, schema, { keys, ignore?, tolerance?, columnTolerances?, sampleSize?,
 * mismatchesPath? })` → RowComparison.
 *
 * Semantics: numeric columns mismatch when |v1 − v2| > abs + rel·|v1| (NaN = NaN, NaN ≠ number, ±Infinity equal
 * only to itself); other columns when IS DISTINCT FROM (incompatible types compared as text). A value null on one
 * side only is a mismatch and also counted in `nullMismatches`. Keys that occur more than once on either side are
 * counted (`duplicateKeysV1/V2`) and their rows left out of the matching on both sides (`excludedV1/V2`), so a
 * duplicate never pairs with an arbitrary partner. A row with a null in any key column never matches: it counts as
 * only on its side, never as a duplicate.
 */
import { rename, rm } from 'node:fs/promises';
import { ConfigError } from '../errors';
import type { Engine, Row } from './duckdb';
import { ident, literal, numberLiteral } from './sql';
import type { ColumnStats, LoadedTable, RowComparison, RowCompareOptions, SampleRow, SchemaColumn, SchemaComparison, Verdict } from './types';

const diffTable = '"__cutover_diff"';
const dupTable = '"__cutover_dupkeys"';
const present = '"__cutover_present"';

interface Compared {
  readonly column: SchemaColumn;
  readonly abs: number;
  readonly rel: number;
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function side(table: LoadedTable, label: string): string {
  return `${label} (${table.source.label ?? table.source.path})`;
}

function checkColumns(names: readonly string[], what: string, v1: LoadedTable, v2: LoadedTable): void {
  for (const name of names) {
    for (const [table, label] of [[v1, 'V1'], [v2, 'V2']] as const) {
      if (!table.columns.some((c) => c.name === name)) {
        throw new ConfigError(`${what} column "${name}" is not in ${side(table, label)}; its columns are: ${table.columns.map((c) => c.name).join(', ')}`);
      }
    }
  }
}

/** A value expression for side `t` ('a' or 'b') of compared column `c`, in the type it is compared in. */
function valueExpr(t: 'a' | 'b', c: SchemaColumn): string {
  const ref = `${t}.${ident(c.name)}`;
  return c.compareAs === 'text' ? `CAST(${ref} AS VARCHAR)` : ref;
}

function mismatchExpr(a: string, b: string, c: Compared): string {
  if (c.column.compareAs !== 'numeric') return `(${a} IS DISTINCT FROM ${b})`;
  const diff = `abs(CAST(${a} AS DOUBLE) - CAST(${b} AS DOUBLE))`;
  // DuckDB orders NaN as equal to NaN, so NaN <= NaN would hold: a non-finite difference is never within tolerance.
  const within = `isfinite(${diff}) AND ${diff} <= ${numberLiteral(c.abs)} + ${numberLiteral(c.rel)} * abs(CAST(${a} AS DOUBLE))`;
  return `(${a} IS DISTINCT FROM ${b} AND NOT coalesce(${within}, false))`;
}

export async function compareRows(
  engine: Engine,
  v1: LoadedTable,
  v2: LoadedTable,
  schema: SchemaComparison,
  options: RowCompareOptions,
): Promise<RowComparison> {
  const keys = options.keys;
  if (keys.length === 0) throw new ConfigError('row comparison needs at least one key column');
  checkColumns(keys, 'key', v1, v2);
  const ignore = new Set(options.ignore ?? []);
  for (const name of ignore) {
    if (!schema.columns.some((c) => c.name === name)) throw new ConfigError(`ignored column "${name}" is in neither table`);
  }
  const keySet = new Set(keys);
  const compared: Compared[] = schema.columns
    .filter((c) => c.compareAs !== null && !keySet.has(c.name) && !ignore.has(c.name))
    .map((column) => {
      const t = options.columnTolerances?.[column.name] ?? options.tolerance ?? {};
      return { column, abs: t.abs ?? options.tolerance?.abs ?? 0, rel: t.rel ?? options.tolerance?.rel ?? 0 };
    });
  const shape: JoinShape = { keyColumns: keys.map((k) => schema.columns.find((c) => c.name === k) as SchemaColumn), compared };

  let sources: Sources = { v1: v1.relation, v2: v2.relation };
  await keepDifferingRows(engine, shape, sources);
  let stats = await diffStats(engine, shape);
  let duplicates = { keysV1: 0, keysV2: 0, excludedV1: 0, excludedV2: 0 };
  // With unique keys every row is either in the inner join once or one-sided, and one-sided keys are distinct;
  // a repeated key breaks one of these.
  const inBoth = await innerJoinCount(engine, shape, sources);
  if (inBoth + stats.only1 !== v1.rows || inBoth + stats.only2 !== v2.rows || stats.oneSidedKeys !== stats.oneSided) {
    const excluded = await excludeDuplicates(engine, shape, v1, v2);
    duplicates = excluded.counts;
    sources = excluded.sources;
    await keepDifferingRows(engine, shape, sources);
    stats = await diffStats(engine, shape);
  }

  const row = stats.row;
  const columns: ColumnStats[] = compared.map((c, j) => ({
    name: c.column.name,
    compareAs: c.column.compareAs as ColumnStats['compareAs'],
    mismatches: num(row[`m${j}`]),
    nullMismatches: num(row[`n${j}`]),
    maxAbsDiff: c.column.compareAs === 'numeric' ? finiteOrNull(row[`x${j}`]) ?? 0 : null,
    maxRelDiff: c.column.compareAs === 'numeric' ? finiteOrNull(row[`r${j}`]) ?? 0 : null,
    tolerance: { abs: c.abs, rel: c.rel },
  }));
  const sample = await readSample(engine, keys, compared, options.sampleSize ?? 20);
  const mismatches = options.mismatchesPath === undefined ? null : await writeMismatches(engine, options.mismatchesPath, keys, compared);
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
  };
  const { verdict, reasons } = judgeRows(rows, columns, schema);
  return { verdict, reasons, keys: [...keys], rows, columns, sample, mismatches };
}

/** True in a diff-table row where any compared column mismatches beyond its tolerance. */
function anyMismatch(compared: readonly Compared[]): string {
  return compared.length === 0 ? 'false' : compared.map((_, j) => `"__m${j}"`).join(' OR ');
}

interface JoinShape {
  readonly keyColumns: readonly SchemaColumn[];
  readonly compared: readonly Compared[];
}

type Sources = { readonly v1: string; readonly v2: string };

/** A key column of side `t`; keys of incompatible types are joined as text, otherwise DuckDB's implicit widening applies. */
function keyRef(t: string, c: SchemaColumn): string {
  return c.compareAs === 'text' ? `CAST(${t}.${ident(c.name)} AS VARCHAR)` : `${t}.${ident(c.name)}`;
}

/**
 * One row per row of the FULL OUTER JOIN: keys "__k<i>", presence "__in1"/"__in2", compared values "__a<j>"/"__b<j>",
 * mismatch beyond tolerance "__m<j>", and "__d": the row differs at all (one side only, or any value distinct, within
 * tolerance included, so maxAbsDiff sees it).
 */
function joinedRows(shape: JoinShape, sources: Sources): string {
  const inner = [
    ...shape.keyColumns.map((c, i) => `coalesce(${keyRef('a', c)}, ${keyRef('b', c)}) AS "__k${i}"`),
    `a.${present} IS NOT NULL AS "__in1"`,
    `b.${present} IS NOT NULL AS "__in2"`,
    ...shape.compared.flatMap((c, j) => [`${valueExpr('a', c.column)} AS "__a${j}"`, `${valueExpr('b', c.column)} AS "__b${j}"`]),
  ];
  const on = shape.keyColumns.map((c) => `${keyRef('a', c)} = ${keyRef('b', c)}`).join(' AND ');
  const differs = ['NOT "__in1"', 'NOT "__in2"', ...shape.compared.map((_, j) => `"__a${j}" IS DISTINCT FROM "__b${j}"`)].join(' OR ');
  const outer = ['*', ...shape.compared.map((c, j) => `${mismatchExpr(`"__a${j}"`, `"__b${j}"`, c)} AS "__m${j}"`), `(${differs}) AS "__d"`];
  return `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM (SELECT true AS ${present}, * FROM ${sources.v1}) AS a FULL OUTER JOIN (SELECT true AS ${present}, * FROM ${sources.v2}) AS b ON ${on})`;
}

/** The rows of the join that differ at all, into the diff temp table. */
async function keepDifferingRows(engine: Engine, shape: JoinShape, sources: Sources): Promise<void> {
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${diffTable} AS SELECT * FROM (${joinedRows(shape, sources)}) WHERE "__d"`);
}

/** Rows of the inner join on the keys alone (no values carried, so cheap); null keys never join. */
async function innerJoinCount(engine: Engine, shape: JoinShape, sources: Sources): Promise<number> {
  const on = shape.keyColumns.map((c) => `${keyRef('a', c)} = ${keyRef('b', c)}`).join(' AND ');
  const r = await engine.rows(`SELECT count(*)::DOUBLE AS n FROM ${sources.v1} AS a JOIN ${sources.v2} AS b ON ${on}`);
  return num(r[0]?.['n']);
}

interface DiffStats {
  readonly row: Row;
  readonly only1: number;
  readonly only2: number;
  readonly changed: number;
  /** One-sided rows with a non-null key, and how many distinct keys they have. */
  readonly oneSided: number;
  readonly oneSidedKeys: number;
}

/** Counts and per-column statistics from the diff table. */
async function diffStats(engine: Engine, shape: JoinShape): Promise<DiffStats> {
  const both = '"__in1" AND "__in2"';
  const keyNames = shape.keyColumns.map((_, i) => `"__k${i}"`);
  const nonNullKey = keyNames.map((k) => `${k} IS NOT NULL`).join(' AND ');
  const keyTuple = keyNames.length === 1 ? (keyNames[0] as string) : `row(${keyNames.join(', ')})`;
  const aggregates = [
    `count(*) FILTER (WHERE "__in1" AND NOT "__in2")::DOUBLE AS only1`,
    `count(*) FILTER (WHERE "__in2" AND NOT "__in1")::DOUBLE AS only2`,
    `count(*) FILTER (WHERE ${both} AND (${anyMismatch(shape.compared)}))::DOUBLE AS changed`,
    `count(*) FILTER (WHERE NOT (${both}) AND ${nonNullKey})::DOUBLE AS one_sided`,
    `count(DISTINCT ${keyTuple}) FILTER (WHERE NOT (${both}) AND ${nonNullKey})::DOUBLE AS one_sided_keys`,
    ...shape.compared.flatMap((c, j) => {
      const out = [
        `count(*) FILTER (WHERE ${both} AND "__m${j}")::DOUBLE AS m${j}`,
        `count(*) FILTER (WHERE ${both} AND ("__a${j}" IS NULL) <> ("__b${j}" IS NULL))::DOUBLE AS n${j}`,
      ];
      if (c.column.compareAs === 'numeric') {
        const a = `CAST("__a${j}" AS DOUBLE)`;
        const b = `CAST("__b${j}" AS DOUBLE)`;
        const finite = `${both} AND isfinite(${a}) AND isfinite(${b})`;
        out.push(`max(abs(${a} - ${b})) FILTER (WHERE ${finite}) AS x${j}`, `max(abs(${a} - ${b}) / abs(${a})) FILTER (WHERE ${finite} AND ${a} <> 0) AS r${j}`);
      }
      return out;
    }),
  ];
  const row = (await engine.rows(`SELECT ${aggregates.join(', ')} FROM ${diffTable}`))[0] ?? {};
  return { row, only1: num(row['only1']), only2: num(row['only2']), changed: num(row['changed']), oneSided: num(row['one_sided']), oneSidedKeys: num(row['one_sided_keys']) };
}

/**
 * Counts the keys that occur more than once on each side (null keys never do) and the rows on each side whose key
 * is duplicated on either side, and returns sources with those rows left out.
 */
async function excludeDuplicates(engine: Engine, shape: JoinShape, v1: LoadedTable, v2: LoadedTable): Promise<{ counts: { keysV1: number; keysV2: number; excludedV1: number; excludedV2: number }; sources: Sources }> {
  const keyList = shape.keyColumns.map((c) => ident(c.name)).join(', ');
  const nonNull = shape.keyColumns.map((c) => `${ident(c.name)} IS NOT NULL`).join(' AND ');
  const dupQuery = (t: LoadedTable): string => `SELECT ${keyList} FROM ${t.relation} WHERE ${nonNull} GROUP BY ALL HAVING count(*) > 1`;
  const cast = (t: LoadedTable): string => `SELECT ${shape.keyColumns.map((c) => `${keyRef('s', c)} AS ${ident(c.name)}`).join(', ')} FROM (${dupQuery(t)}) AS s`;
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${dupTable} AS SELECT DISTINCT * FROM (${cast(v1)} UNION ALL ${cast(v2)})`);
  const on = shape.keyColumns.map((c) => `${keyRef('s', c)} = d.${ident(c.name)}`).join(' AND ');
  const counted = await engine.rows(
    `SELECT (SELECT count(*) FROM (${dupQuery(v1)}))::DOUBLE AS d1, (SELECT count(*) FROM (${dupQuery(v2)}))::DOUBLE AS d2, ` +
      `(SELECT count(*) FROM ${v1.relation} AS s SEMI JOIN ${dupTable} AS d ON ${on})::DOUBLE AS e1, (SELECT count(*) FROM ${v2.relation} AS s SEMI JOIN ${dupTable} AS d ON ${on})::DOUBLE AS e2`,
  );
  const r = counted[0] ?? {};
  return {
    counts: { keysV1: num(r['d1']), keysV2: num(r['d2']), excludedV1: num(r['e1']), excludedV2: num(r['e2']) },
    sources: {
      v1: `(SELECT s.* FROM ${v1.relation} AS s ANTI JOIN ${dupTable} AS d ON ${on})`,
      v2: `(SELECT s.* FROM ${v2.relation} AS s ANTI JOIN ${dupTable} AS d ON ${on})`,
    },
  };
}

/** The first mismatching rows: changed rows first, then one-sided, each by key; a changed row lists only its mismatching columns. */
async function readSample(engine: Engine, keys: readonly string[], compared: readonly Compared[], size: number): Promise<SampleRow[]> {
  if (size <= 0) return [];
  const select = [
    ...keys.map((_, i) => `"__k${i}"`),
    `CASE WHEN NOT "__in2" THEN 'onlyV1' WHEN NOT "__in1" THEN 'onlyV2' ELSE 'changed' END AS "__kind"`,
    ...compared.flatMap((_, j) => [`CAST("__a${j}" AS VARCHAR) AS "__a${j}"`, `CAST("__b${j}" AS VARCHAR) AS "__b${j}"`, `"__m${j}"`]),
  ];
  const order = ['"__kind" <> \'changed\'', '"__kind"', ...keys.map((_, i) => `"__k${i}"`)].join(', ');
  const rows = await engine.rows(
    `SELECT ${select.join(', ')} FROM ${diffTable} WHERE NOT "__in1" OR NOT "__in2" OR (${anyMismatch(compared)}) ORDER BY ${order} LIMIT ${Math.floor(size)}`,
  );
  return rows.map((r) => {
    const kind = r['__kind'] as SampleRow['kind'];
    const keyValues: Record<string, unknown> = {};
    keys.forEach((k, i) => { keyValues[k] = r[`__k${i}`]; });
    const columns = kind !== 'changed' ? [] : compared.flatMap((c, j) => (r[`__m${j}`] === true
      ? [{ name: c.column.name, v1: (r[`__a${j}`] as string | null) ?? null, v2: (r[`__b${j}`] as string | null) ?? null }]
      : []));
    return { keys: keyValues, kind, columns };
  });
}

/** The full mismatch set, long form: keys…, kind, column, v1, v2 (text), abs_diff. Written to a temp name and renamed. */
async function writeMismatches(engine: Engine, path: string, keys: readonly string[], compared: readonly Compared[]): Promise<{ path: string; rows: number }> {
  const fixed = new Set(['kind', 'column', 'v1', 'v2', 'abs_diff']);
  const keyOut = keys.map((k, i) => `"__k${i}" AS ${ident(fixed.has(k) ? `key_${k}` : k)}`).join(', ');
  const parts = compared.map((c, j) => {
    const diff = c.column.compareAs === 'numeric' ? `abs(CAST("__a${j}" AS DOUBLE) - CAST("__b${j}" AS DOUBLE))` : 'CAST(NULL AS DOUBLE)';
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

function judgeRows(rows: RowComparison['rows'], columns: readonly ColumnStats[], schema: SchemaComparison): { verdict: Verdict; reasons: string[] } {
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
  for (const name of schema.missingInV2) fail.push(`column ${name} missing in V2`);
  for (const name of schema.missingInV1) inconclusive.push(`column ${name} only in V2`);
  for (const t of schema.typeChanges) {
    if (t.incompatible) inconclusive.push(`column ${t.name}: ${t.v1Type} in V1, ${t.v2Type} in V2 (compared as text)`);
  }
  if (fail.length > 0) return { verdict: 'fail', reasons: [...fail, ...inconclusive] };
  if (inconclusive.length > 0) return { verdict: 'inconclusive', reasons: inconclusive };
  const widened = schema.typeChanges.map((t) => `column ${t.name} widened ${t.v1Type} → ${t.v2Type} (compared numerically)`);
  return { verdict: 'pass', reasons: [`${rows.matched} rows match on ${columns.length} compared columns`, ...widened] };
}
