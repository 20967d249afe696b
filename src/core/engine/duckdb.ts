/**
 * The DuckDB engine handle. `@duckdb/node-api` (a 70 MB native binding) is required only inside `openEngine`, so
 * importing this module costs nothing until a command really needs data.
 *
 * API (stable, used by `cutover shadow`):
 *   const engine = await openEngine({ threads?, memoryLimit?, spillParent?, preserveInsertionOrder?, signal? });
 *   await engine.exec(sql);            // statements for their effect
 *   const rows = await engine.rows(sql); // plain JS rows (BIGINT/DECIMAL → number, DATE/TIMESTAMP → ISO text)
 *   await engine.appendText(table, rows); // rows of text/null into an existing all-VARCHAR table (fast path)
 *   const { columns, chunks } = await engine.stream(sql); // DuckDB's own chunks, for readers of vector memory
 *   engine.duckdbVersion;              // e.g. "v1.5.6"
 *   engine.spillDirectory;             // this engine's own spill folder, removed by close()
 *   engine.close();
 * A DuckDB failure becomes a `QueryError` (a RuntimeError carrying DuckDB's own message in `detail`); an aborted
 * signal interrupts the running query and the call rejects with a RuntimeError "interrupted".
 *
 * Spilling: each engine gets a fresh folder of its own (`cutover-spill-*` under `spillParent`, default the OS temp
 * dir) as DuckDB's `temp_directory`, so it never leaves DuckDB's default `.tmp` in the working directory and two
 * engines never share one. `close()` removes it, and so does process exit if close was never reached; a CLI that
 * must survive SIGINT/SIGTERM aborts the signal and lets close run (see src/cli/engine-options.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance } from '@duckdb/node-api';
import { RuntimeError } from '../errors';

export interface EngineOptions {
  /** Worker threads (default: DuckDB's choice, the number of cores). */
  readonly threads?: number;
  /** In DuckDB's syntax, e.g. "2GB" (see memory.ts for the parser); past it DuckDB spills to disk. */
  readonly memoryLimit?: string;
  /** The folder in which this engine's own spill folder is made (default the OS temp dir). */
  readonly spillParent?: string;
  /**
   * false lets DuckDB stream and spill unordered results (less memory for big joins and COPYs). Only for callers
   * whose every query that needs an order says ORDER BY; DuckDB's default (true) otherwise.
   */
  readonly preserveInsertionOrder?: boolean;
  /** Aborting interrupts the running query. */
  readonly signal?: AbortSignal;
}

export type Row = Record<string, unknown>;

export interface StreamedResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly chunks: AsyncIterable<DuckDBDataChunk>;
}

export interface Engine {
  readonly duckdbVersion: string;
  /** This engine's spill folder (DuckDB's temp_directory); gone after close(). */
  readonly spillDirectory: string;
  exec(sql: string): Promise<void>;
  rows(sql: string): Promise<Row[]>;
  /**
   * The result as DuckDB streams it, chunk by chunk: the vectors stay DuckDB's memory and no JS value is made per
   * cell (see mismatchesIpc). Each column's name and type (as DuckDB prints it, e.g. VARCHAR) come first.
   */
  stream(sql: string): Promise<StreamedResult>;
  /** Appends rows of text (or null) to `table` (a plain, unquoted table name whose columns are all VARCHAR). */
  appendText(table: string, rows: readonly (readonly (string | null)[])[]): Promise<void>;
  close(): void;
}

/** A DuckDB error, with DuckDB's message kept whole in `detail` so callers can map it to a file and line. */
export class QueryError extends RuntimeError {
  constructor(readonly detail: string, readonly sql: string) {
    super(detail.split('\n')[0] ?? detail);
  }
}

type DuckDBModule = typeof import('@duckdb/node-api');

function loadDuckDB(): DuckDBModule {
  try {
    return require('@duckdb/node-api') as DuckDBModule;
  } catch (error) {
    throw new RuntimeError(`cannot load DuckDB (@duckdb/node-api): ${error instanceof Error ? error.message : String(error)}`);
  }
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

class DuckEngine implements Engine {
  private closed = false;
  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly duckdbVersion: string,
    readonly spillDirectory: string,
    private readonly signal: AbortSignal | undefined,
  ) {
    process.once('exit', this.removeSpill);
  }

  /** Synchronous, so that it can also run in a process 'exit' handler. */
  private readonly removeSpill = (): void => {
    rmSync(this.spillDirectory, { recursive: true, force: true });
  };

  async exec(sql: string): Promise<void> {
    await this.guard(sql, () => this.connection.run(sql));
  }

  async rows(sql: string): Promise<Row[]> {
    const reader = await this.guard(sql, () => this.connection.runAndReadAll(sql));
    return reader.getRowObjectsJS().map((row) => {
      const out: Row = {};
      for (const [key, value] of Object.entries(row)) out[key] = plain(value);
      return out;
    });
  }

  async stream(sql: string): Promise<StreamedResult> {
    const result = await this.guard(sql, () => this.connection.stream(sql));
    const columns = result.columnNames().map((name, j) => ({ name, type: result.columnType(j).toString() }));
    const fetch = (): Promise<DuckDBDataChunk | null> => this.guard(sql, () => result.fetchChunk());
    async function* chunks(): AsyncGenerator<DuckDBDataChunk> {
      for (let chunk = await fetch(); chunk && chunk.rowCount > 0; chunk = await fetch()) yield chunk;
    }
    return { columns, chunks: chunks() };
  }

  async appendText(table: string, rows: readonly (readonly (string | null)[])[]): Promise<void> {
    const appender = await this.guard(`append to ${table}`, () => this.connection.createAppender(table));
    try {
      for (const row of rows) {
        for (const value of row) {
          if (value === null) appender.appendNull();
          else appender.appendVarchar(value);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.connection.closeSync();
      this.instance.closeSync();
    } finally {
      this.removeSpill();
      process.removeListener('exit', this.removeSpill);
    }
  }

  private async guard<T>(sql: string, run: () => Promise<T>): Promise<T> {
    if (this.signal?.aborted) throw new RuntimeError('interrupted');
    const onAbort = (): void => this.connection.interrupt();
    this.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await run();
    } catch (error) {
      if (this.signal?.aborted) throw new RuntimeError('interrupted', undefined, { cause: error });
      throw new QueryError(error instanceof Error ? error.message : String(error), sql);
    } finally {
      this.signal?.removeEventListener('abort', onAbort);
    }
  }
}

export async function openEngine(options: EngineOptions = {}): Promise<Engine> {
  const duckdb = loadDuckDB();
  const spill = makeSpillDirectory(options.spillParent ?? tmpdir());
  const config: Record<string, string> = { temp_directory: spill };
  if (options.threads !== undefined) config['threads'] = String(options.threads);
  if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
  if (options.preserveInsertionOrder !== undefined) config['preserve_insertion_order'] = String(options.preserveInsertionOrder);
  let instance: DuckDBInstance | undefined;
  try {
    instance = await duckdb.DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    return new DuckEngine(instance, connection, duckdb.version(), spill, options.signal);
  } catch (error) {
    instance?.closeSync();
    rmSync(spill, { recursive: true, force: true });
    throw new RuntimeError(`cannot start DuckDB: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
  }
}

function makeSpillDirectory(parent: string): string {
  try {
    return mkdtempSync(join(parent, 'cutover-spill-'));
  } catch (error) {
    throw new RuntimeError(`cannot create a spill folder in ${parent}: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
  }
}
