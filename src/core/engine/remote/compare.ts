/**
 * Row comparison when one side is a table in PostgreSQL and the other a file: only the rows of differing segments
 * leave the database (segments.ts), then the normal row diff (rows.ts) runs in DuckDB with unchanged semantics.
 *
 * How the database side is rebuilt in DuckDB without moving it: its rows in differing segments are pulled; in every
 * other segment the checksums proved that the file holds the same (key, values) rows, so the file's rows stand in
 * for them (cast to the database column types; a column the file lacks is NULL there, and such a column is not
 * compared anyway). The row diff then sees both tables whole, so counts, duplicates, null keys and the verdict are
 * exactly those of a local compare. The checksums cover the keys and the compared columns both sides have; ignored
 * columns are left out of them (their stand-in values are never compared).
 *
 * API: `await compareWithDatabase(engine, { v1, v2, cwd?, rows, outDir?, onPhase? })`, where exactly one of v1/v2 is
 * a TableReference → the CompareOutcome of a local compare plus `remote` (rounds, rows pulled, bytes moved).
 */
import { join } from 'node:path';
import { ConfigError, RuntimeError, UsageError } from '../../errors';
import type { CompareOutcome } from '../compare';
import { summarizeTable } from '../compare';
import type { Engine } from '../duckdb';
import { compareRows } from '../rows';
import { compareSchemas } from '../schema';
import { loadTable } from '../source';
import type { LoadedTable, RowCompareOptions, TableSource } from '../types';
import type { TextColumn } from './dialect';
import { duckdbDialect, isFreeText } from './dialect';
import { PostgresTable } from './postgres';
import type { TableReference } from './reference';
import type { BisectOptions, ChecksumQuery, Round, SegmentPlan } from './segments';
import { checksumMap, checksumSql, findDifferences, segmentFilter } from './segments';

export type Side = { readonly file: TableSource } | { readonly database: TableReference };

export interface RemoteCompareRequest {
  readonly v1: Side;
  readonly v2: Side;
  readonly cwd?: string;
  readonly rows: Omit<RowCompareOptions, 'mismatchesPath'>;
  readonly outDir?: string;
  readonly bisect?: BisectOptions;
  readonly onPhase?: (name: string, ms: number) => void;
  /** Called once both sides' row counts are known (after the first checksum round), e.g. for progress display. */
  readonly onRows?: (v1: number, v2: number) => void;
}

export interface RemoteStats {
  readonly database: string;
  /** 'segments': one side in the database, checksummed; 'in-database': both there, the diff ran in the database. */
  readonly method: 'segments' | 'in-database';
  readonly rounds: readonly Round[];
  /** Rows copied out of the database (those of the differing segments). */
  readonly rowsPulled: number;
  readonly rowsInDatabase: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
}

const d = duckdbDialect;

export async function compareWithDatabase(engine: Engine, request: RemoteCompareRequest): Promise<CompareOutcome & { readonly remote: RemoteStats }> {
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    request.onPhase?.(name, performance.now() - started);
    return result;
  };
  const dbSide = 'database' in request.v1 ? 'v1' : 'v2';
  const fileSide = dbSide === 'v1' ? 'v2' : 'v1';
  const db = request[dbSide];
  const fs = request[fileSide];
  if (!('database' in db) || !('file' in fs)) throw new UsageError('compareWithDatabase compares a database table with a file; two tables in one database go to compareInDatabase');
  const label = (side: 'v1' | 'v2'): string => side.toUpperCase();
  const file = await phase(`load ${fileSide}`, () => loadTable(engine, { label: label(fileSide), ...fs.file }, fileSide, { cwd: request.cwd ?? process.cwd() }));
  const remote = await PostgresTable.open(db.database);
  try {
    const keys = request.rows.keys;
    for (const k of keys) {
      if (!file.columns.some((c) => c.name === k)) throw new ConfigError(`key column "${k}" is not in ${label(fileSide)} (${file.source.path})`);
      if (!remote.columns.some((c) => c.name === k)) throw new ConfigError(`key column "${k}" is not in ${label(dbSide)} (${db.database.display})`);
    }
    const ignored = new Set(request.rows.ignore ?? []);
    const shared = file.columns.map((c) => c.name).filter((n) => !keys.includes(n) && !ignored.has(n) && remote.columns.some((c) => c.name === n));
    const integer = /^(TINYINT|SMALLINT|INTEGER|BIGINT)$/;
    const typeOf = (columns: LoadedTable['columns'], name: string): string => columns.find((c) => c.name === name)?.type ?? '';
    const segmentBy = keys.length === 1 && integer.test(typeOf(file.columns, keys[0] as string)) && integer.test(typeOf(remote.columns, keys[0] as string)) ? 'integer' : 'hash';
    const textColumn = (name: string): TextColumn => ({ name, free: isFreeText(typeOf(file.columns, name), typeOf(remote.columns, name)) });
    const keyColumns = keys.map(textColumn);
    const plan: SegmentPlan = { keys: keyColumns, columns: [...keyColumns, ...shared.map(textColumn)], segmentBy };
    remote.use(plan);
    const local: ChecksumQuery = {
      checksums: async (digits, within) => checksumMap(await engine.rows(checksumSql(d, plan, file.relation, digits, within))),
    };
    // maxDigits 0: no checksums, every row moves (the baseline the bench measures against).
    const found = request.bisect?.maxDigits === 0 ? null : await phase('checksum segments', () => findDifferences(local, remote, { ...request.bisect, rows: file.rows }));
    if (found) request.onRows?.(dbSide === 'v1' ? found.rowsB : found.rowsA, dbSide === 'v1' ? found.rowsA : found.rowsB);
    const pulledTable = `__cutover_pulled_${dbSide}`;
    const rowsPulled = await phase(`pull ${dbSide}`, () => remote.pull(engine, pulledTable, found?.digits ?? 0, found ? found.segments : null));
    const equalRows = found ? segmentFilter(d, plan, found.digits, found.segments, true) : 'false';
    const dbTable = await standIn(engine, dbSide, remote, file, equalRows, pulledTable, found ? found.rowsB : rowsPulled);
    const [v1, v2] = dbSide === 'v1' ? [dbTable, file] : [file, dbTable];
    const schema = compareSchemas(v1.columns, v2.columns);
    const rows = await phase('compare rows', () =>
      compareRows(engine, v1, v2, schema, request.outDir === undefined ? request.rows : { ...request.rows, mismatchesPath: join(request.outDir, 'mismatches.parquet') }),
    );
    const bytes = remote.bytes;
    return remoteOutcome(v1, v2, schema, rows,
      { database: db.database.display, method: 'segments', rounds: found?.rounds ?? [], rowsPulled, rowsInDatabase: dbTable.rows, bytesReceived: bytes.received, bytesSent: bytes.sent });
  } finally {
    await remote.close();
  }
}

/**
 * The database table as a DuckDB view: its pulled rows, typed, plus the file's rows of the equal segments in the
 * database's types. Checks that it has exactly as many rows as the database table.
 */
/** A compare's outcome over the two sides' tables, with how the database was read (both remote methods). */
export function remoteOutcome(
  v1: LoadedTable, v2: LoadedTable, schema: NonNullable<CompareOutcome['schema']>, rows: NonNullable<CompareOutcome['rows']>, remote: RemoteStats,
): CompareOutcome & { readonly remote: RemoteStats } {
  return { verdict: rows.verdict, reasons: rows.reasons, v1: summarizeTable(v1), v2: summarizeTable(v2), schema, rows, tables: { v1, v2 }, remote };
}

async function standIn(
  engine: Engine,
  name: string,
  remote: PostgresTable,
  file: LoadedTable,
  /** Which file rows stand in for database rows: those of the equal segments. */
  equalRows: string,
  pulled: string,
  rowsInDatabase: number,
): Promise<LoadedTable> {
  const typed = remote.columns.map((c) => `CAST(${d.ident(c.name)} AS ${c.type}) AS ${d.ident(c.name)}`);
  const fromFile = remote.columns.map((c) =>
    file.columns.some((f) => f.name === c.name) ? `CAST(${d.ident(c.name)} AS ${c.type}) AS ${d.ident(c.name)}` : `CAST(NULL AS ${c.type}) AS ${d.ident(c.name)}`);
  const relation = d.ident(`__cutover_remote_${name}`);
  await engine.exec(
    `CREATE OR REPLACE TEMP TABLE ${relation} AS SELECT ${typed.join(', ')} FROM ${d.ident(pulled)} ` +
      `UNION ALL SELECT ${fromFile.join(', ')} FROM ${file.relation} WHERE ${equalRows}`,
  );
  await engine.exec(`DROP TABLE ${d.ident(pulled)}`);
  const counted = Number((await engine.rows(`SELECT count(*)::DOUBLE AS n FROM ${relation}`))[0]?.['n'] ?? -1);
  if (counted !== rowsInDatabase) {
    throw new RuntimeError(`rebuilt ${remote.ref.display} has ${counted} rows, the database table ${rowsInDatabase}: the segment checksums disagree with the rows (changed during the compare?)`);
  }
  return { source: { path: remote.ref.display, label: name.toUpperCase() }, format: 'postgres', relation, files: [], columns: remote.columns, rows: counted };
}
