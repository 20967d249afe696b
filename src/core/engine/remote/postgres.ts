/**
 * A table in PostgreSQL as one side of a comparison: its columns (mapped to DuckDB types), segment checksums run
 * in PostgreSQL, and the rows of chosen segments pulled into a DuckDB table. `pg` is required on first use only.
 * The session runs in UTC with exact float output, so timestamps and floats render as DuckDB renders them.
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

export class PostgresTable implements ChecksumQuery {
  private plan: SegmentPlan | undefined;

  private constructor(private readonly client: Client, readonly ref: TableReference, readonly columns: readonly ColumnInfo[]) {}

  static async open(ref: TableReference): Promise<PostgresTable> {
    let pg: PgModule;
    try {
      pg = require('pg') as PgModule;
    } catch (error) {
      throw new RuntimeError(`cannot load the PostgreSQL client (pg): ${(error as Error).message}`, undefined, { cause: error });
    }
    // Every value arrives as PostgreSQL's own text and is cast by DuckDB: no JS Date or float on the way.
    const client = new pg.Client({ connectionString: ref.url, types: { getTypeParser: () => (value: string) => value } });
    try {
      await client.connect();
      await client.query("SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'");
      const qualified = `${postgresDialect.ident(ref.schema)}.${postgresDialect.ident(ref.table)}`;
      const found = await client.query<{ name: string; type: string }>(
        'SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum',
        [qualified],
      );
      if (found.rows.length === 0) throw new InputError(`table ${ref.schema}.${ref.table} not found (or it has no columns)`, { file: ref.display });
      return new PostgresTable(client, ref, found.rows.map((r) => ({ name: r.name, type: duckdbTypeOf(r.type) })));
    } catch (error) {
      await client.end();
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot read from PostgreSQL: ${(error as Error).message}`, { file: ref.display });
    }
  }

  /** The columns checksums are computed over; set before checksums() or pull(). */
  use(plan: SegmentPlan): void {
    this.plan = plan;
  }

  get bytes(): { received: number; sent: number } {
    const stream = (this.client as unknown as Counted).connection?.stream;
    return { received: stream?.bytesRead ?? 0, sent: stream?.bytesWritten ?? 0 };
  }

  private get relation(): string {
    return `${postgresDialect.ident(this.ref.schema)}.${postgresDialect.ident(this.ref.table)}`;
  }

  private requirePlan(): SegmentPlan {
    if (!this.plan) throw new RuntimeError('PostgresTable: use(plan) must come before checksums or pulls');
    return this.plan;
  }

  async checksums(digits: number, within: readonly string[] | null): Promise<Map<string, SegmentChecksum>> {
    const sql = checksumSql(postgresDialect, this.requirePlan(), this.relation, digits, within);
    return checksumMap(await this.query(sql, false));
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
      const values = await this.query(`${select}${where}`, true);
      await engine.appendText(target, values);
      rows += values.length;
    }
    return rows;
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  private async query(sql: string, arrays: false): Promise<Record<string, unknown>[]>;
  private async query(sql: string, arrays: true): Promise<(string | null)[][]>;
  private async query(sql: string, arrays: boolean): Promise<Record<string, unknown>[] | (string | null)[][]> {
    try {
      if (arrays) return (await this.client.query<(string | null)[]>({ text: sql, rowMode: 'array' })).rows;
      return (await this.client.query<Record<string, unknown>>(sql)).rows;
    } catch (error) {
      throw new InputError(`PostgreSQL query failed: ${(error as Error).message}`, { file: this.ref.display });
    }
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
