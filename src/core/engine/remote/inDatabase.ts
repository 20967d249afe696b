/**
 * Row comparison when V1 and V2 are both tables in one PostgreSQL database: the row diff of ../rows.ts runs there,
 * generated for `postgresDialect`, so the join, the counts, the duplicate-key exclusion and the sample are computed
 * by PostgreSQL and only the counts and the sample rows come back. Semantics are those of a DuckDB compare of the
 * same tables pulled out (the test checks both agree): each side is read through a temp view that gives every
 * column the type it would have in DuckDB (columns DuckDB would hold as text, e.g. unconstrained NUMERIC, are cast
 * to text, as the pull does), and the schema comparison, column matching and judging are the ones every compare uses.
 * The Parquet mismatch set is not written (it would move every differing row out of the database).
 *
 * API: `await compareInDatabase({ v1, v2, rows, matching?, onPhase? })` → the CompareOutcome of a local compare
 * plus `remote` (no rounds, nothing pulled, bytes moved on the socket).
 */
import { UsageError } from '../../errors';
import type { CompareOutcome } from '../compare';
import { checkColumnMap } from '../columns';
import { compareRows } from '../rows';
import { compareSchemas } from '../schema';
import type { ColumnMatching, LoadedTable, RowCompareOptions } from '../types';
import type { RemoteStats } from './compare';
import { remoteOutcome } from './compare';
import { postgresDialect as d } from './dialect';
import type { PostgresColumn } from './postgres';
import { PostgresSession, qualifiedName } from './postgres';
import type { TableReference } from './reference';

export interface InDatabaseRequest {
  readonly v1: TableReference;
  readonly v2: TableReference;
  readonly rows: Omit<RowCompareOptions, 'mismatchesPath'>;
  readonly matching?: ColumnMatching;
  readonly onPhase?: (name: string, ms: number) => void;
  readonly onRows?: (v1: number, v2: number) => void;
}

/** Whether two references name the same database (and so can be joined in one session). */
export function sameDatabase(a: TableReference, b: TableReference): boolean {
  return a.url === b.url;
}

export async function compareInDatabase(request: InDatabaseRequest): Promise<CompareOutcome & { readonly remote: RemoteStats }> {
  const { v1: ref1, v2: ref2 } = request;
  if (!sameDatabase(ref1, ref2)) {
    throw new UsageError(`V1 (${ref1.display}) and V2 (${ref2.display}) are in different databases: two database tables are compared only within one database (export one side to Parquet, or compare it against a file)`);
  }
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    request.onPhase?.(name, performance.now() - started);
    return result;
  };
  const session = await PostgresSession.open(ref1.url, ref1.display);
  try {
    const [v1, v2] = await phase('read tables', async () => [await sideView(session, ref1, 'v1'), await sideView(session, ref2, 'v2')]);
    request.onRows?.(v1.rows, v2.rows);
    checkColumnMap(v1, v2, request.matching?.columnMap);
    const schema = compareSchemas(v1.columns, v2.columns, request.matching);
    const rows = await phase('compare rows in database', () => compareRows(session, v1, v2, schema, request.rows, d));
    const bytes = session.bytes;
    return remoteOutcome(v1, v2, schema, rows,
      { database: ref1.display.slice(0, ref1.display.lastIndexOf('#')), method: 'in-database', rounds: [], rowsPulled: 0, rowsInDatabase: v1.rows + v2.rows, bytesReceived: bytes.received, bytesSent: bytes.sent });
  } finally {
    await session.close();
  }
}

/** The table as a temp view with DuckDB's types (text where DuckDB would hold text), and its row count. */
async function sideView(session: PostgresSession, ref: TableReference, name: 'v1' | 'v2'): Promise<LoadedTable> {
  const columns = await session.columns(ref);
  const asText = (c: PostgresColumn): boolean => c.type === 'VARCHAR' && c.pgType !== 'text';
  const select = columns.map((c) => (asText(c) ? `${d.castText(d.ident(c.name))} AS ${d.ident(c.name)}` : d.ident(c.name)));
  const relation = d.ident(`__cutover_${name}`);
  await session.exec(`CREATE OR REPLACE TEMP VIEW ${relation} AS SELECT ${select.join(', ')} FROM ${qualifiedName(ref)}`);
  const counted = Number((await session.rows(`SELECT count(*) AS n FROM ${relation}`))[0]?.['n']);
  return {
    source: { path: ref.display, label: name.toUpperCase() },
    format: 'postgres',
    relation,
    files: [],
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
    rows: counted,
  };
}
