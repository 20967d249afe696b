/**
 * PostgreSQL for the compare: a session (one connection, set up so values render as DuckDB renders them), and a
 * table as one side of a comparison with a file (its columns mapped to DuckDB types, segment checksums run in
 * PostgreSQL, the rows of chosen segments pulled into a DuckDB table). `pg` is required on first use only.
 * Bytes moved are counted on the socket, both ways.
 */
import type { Client } from 'pg';
import { InputError, RuntimeError } from '../../errors';
import type { Engine } from '../duckdb';
import type { ColumnInfo } from '../types';
import { postgresDialect } from './dialect';
import type { TableReference } from './reference';
import type { ChecksumQuery, SegmentChecksum, SegmentPlan } from './segments';
import { checksumMap, checksumSql, segmentFilter } from './segments';

type PgModule = typeof import('pg');

/** PostgreSQL's type (as format_type prints it) → the DuckDB type its text is cast to; anything else stays text. */
export function duckdbTypeOf(pgType: string): string {
  const t = pgType.toLowerCase();
  const simple: Record<string, string> = {
    smallint: 'SMALLINT', integer: 'INTEGER', bigint: 'BIGINT', real: 'FLOAT', 'double precision': 'DOUBLE',
    boolean: 'BOOLEAN', date: 'DATE', uuid: 'UUID', text: 'VARCHAR',
  };
  if (simple[t]) return simple[t] as string;
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(t);
  // Unconstrained or wider than DuckDB's DECIMAL(38): kept exact as text, never rounded through DOUBLE.
  if (numeric) return Number(numeric[1]) <= 38 ? `DECIMAL(${numeric[1]},${numeric[2]})` : 'VARCHAR';
  if (/^timestamp(\(\d\))? without time zone$/.test(t)) return 'TIMESTAMP';
  if (/^timestamp(\(\d\))? with time zone$/.test(t)) return 'TIMESTAMPTZ';
  if (/^time(\(\d\))? without time zone$/.test(t)) return 'TIME';
  return 'VARCHAR';
}

interface Counted {
  readonly connection?: { readonly stream?: { readonly bytesRead?: number; readonly bytesWritten?: number } };
}

/** A column as PostgreSQL declares it and as DuckDB types it. */
export interface PostgresColumn extends ColumnInfo {
  readonly pgType: string;
}

/** PostgreSQL type ids whose text becomes a JS number or boolean in rows(), as DuckDB's engine hands them back. */
const numberTypeIds = new Set([20, 21, 23, 700, 701, 1700]);
const booleanTypeId = 16;

/**
 * One connection to a PostgreSQL database, set up so values render as DuckDB renders them: UTC, exact floats, ISO
 * dates. Every value arrives as PostgreSQL's own text (no JS Date or float on the way); `rows()` turns numbers and
 * booleans into JS values as the DuckDB engine does, `text()` keeps everything text. Errors name the database.
 */
export class PostgresSession {
  private constructor(private readonly client: Client, readonly display: string) {}

  static async open(url: string, display: string): Promise<PostgresSession> {
    let pg: PgModule;
    try {
      pg = require('pg') as PgModule;
    } catch (error) {
      throw new RuntimeError(`cannot load the PostgreSQL client (pg): ${(error as Error).message}`, undefined, { cause: error });
    }
    const client = new pg.Client({ connectionString: url, types: { getTypeParser: () => (value: string) => value } });
    try {
      await client.connect();
      await client.query("SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'");
    } catch (error) {
      await client.end();
      throw new InputError(`cannot read from PostgreSQL: ${(error as Error).message}`, { file: display });
    }
    return new PostgresSession(client, display);
  }

  /** The columns of `schema.table`, in order; an InputError naming the table when it is missing. */
  async columns(ref: TableReference): Promise<PostgresColumn[]> {
    const found = await this.guard(() => this.client.query<Record<string, unknown>>({
      text: 'SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum',
      values: [qualifiedName(ref)],
    }));
    if (found.rows.length === 0) throw new InputError(`table ${ref.schema}.${ref.table} not found (or it has no columns)`, { file: ref.display });
    return found.rows.map((r) => ({ name: String(r['name']), type: duckdbTypeOf(String(r['type'])), pgType: String(r['type']) }));
  }

  get bytes(): { received: number; sent: number } {
    const stream = (this.client as unknown as Counted).connection?.stream;
    return { received: stream?.bytesRead ?? 0, sent: stream?.bytesWritten ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.guard(() => this.client.query(sql));
  }

  /** Rows as objects; numbers and booleans as JS values, everything else as PostgreSQL's text. */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const result = await this.guard(() => this.client.query<Record<string, unknown>>(sql));
    const convert = result.fields.map((f) => ({
      name: f.name,
      as: numberTypeIds.has(f.dataTypeID) ? 'number' : f.dataTypeID === booleanTypeId ? 'boolean' : 'text',
    }));
    return result.rows.map((row) => {
      for (const { name, as } of convert) {
        const value = row[name];
        if (typeof value !== 'string' || as === 'text') continue;
        row[name] = as === 'number' ? Number(value) : value === 't';
      }
      return row;
    });
  }

  /** Rows as arrays of text (or null), e.g. to append to an all-VARCHAR DuckDB table. */
  async text(sql: string): Promise<(string | null)[][]> {
    return (await this.guard(() => this.client.query<(string | null)[]>({ text: sql, rowMode: 'array' }))).rows;
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new InputError(`PostgreSQL query failed: ${(error as Error).message}`, { file: this.display });
    }
  }
}

/** `"schema"."table"`. */
export function qualifiedName(ref: TableReference): string {
  return `${postgresDialect.ident(ref.schema)}.${postgresDialect.ident(ref.table)}`;
}

/** A table in PostgreSQL as one side of a segment-checksum comparison with a file. */
export class PostgresTable implements ChecksumQuery {
  private plan: SegmentPlan | undefined;

  private constructor(private readonly session: PostgresSession, readonly ref: TableReference, readonly columns: readonly ColumnInfo[]) {}

  static async open(ref: TableReference): Promise<PostgresTable> {
    const session = await PostgresSession.open(ref.url, ref.display);
    try {
      const columns = await session.columns(ref);
      return new PostgresTable(session, ref, columns.map((c) => ({ name: c.name, type: c.type })));
    } catch (error) {
      await session.close();
      throw error;
    }
  }

/** The columns checksums are computed over; set before checksums() or pull(). */
  use(plan: SegmentPlan): void {
    this.plan = plan;
  }

  get bytes(): { received: number; sent: number } {
    return this.session.bytes;
  }

  private get relation(): string {
    return qualifiedName(this.ref);
  }

  private requirePlan(): SegmentPlan {
    if (!this.plan) throw new RuntimeError('PostgresTable: use(plan) must come before checksums or pulls');
    return this.plan;
  }

  async checksums(digits: number, within: readonly string[] | null): Promise<Map<string, SegmentChecksum>> {
    const sql = checksumSql(postgresDialect, this.requirePlan(), this.relation, digits, within);
    return checksumMap(await this.session.rows(sql));
  }

  /**
   * Copies the rows of `segments` (all rows when `segments` is null) into a new DuckDB table `target` of VARCHAR
   * columns named like the table's, in batches of segments so no single result is huge. Returns the row count.
   */
  async pull(engine: Engine, target: string, digits: number, segments: readonly string[] | null): Promise<number> {
    const d = postgresDialect;
    await engine.exec(`CREATE OR REPLACE TABLE ${d.ident(target)} (${this.columns.map((c) => `${d.ident(c.name)} VARCHAR`).join(', ')})`);
    const select = `SELECT ${this.columns.map((c) => d.text(c.name)).join(', ')} FROM ${this.relation}`;
    const batches = segments === null ? [null] : chunks(segments, 256);
    let rows = 0;
    for (const batch of batches) {
      const where = batch === null ? '' : ` WHERE ${segmentFilter(d, this.requirePlan(), digits, batch)}`;
      const values = await this.session.text(`${select}${where}`);
      await engine.appendText(target, values);
      rows += values.length;
    }
    return rows;
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
