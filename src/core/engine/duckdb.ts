/**
 * The DuckDB engine handle. `@duckdb/node-api` (a 70 MB native binding) is required only inside `openEngine`, so
 * importing this module costs nothing until a command really needs data.
 *
 * API (stable, used by `cutover shadow`):
 *   const engine = await openEngine({ threads?, memoryLimit?, tempDirectory?, signal? });
 *   await engine.exec(sql);            // statements for their effect
 *   const rows = await engine.rows(sql); // plain JS rows (BIGINT/DECIMAL → number, DATE/TIMESTAMP → ISO text)
 *   const result = await engine.result(sql); // DuckDB's own columnar chunks, for readers that copy vector memory
 *   engine.duckdbVersion;              // e.g. "v1.5.6"
 *   engine.close();
 * A DuckDB failure becomes a `QueryError` (a RuntimeError carrying DuckDB's own message in `detail`); an aborted
 * signal interrupts the running query and the call rejects with a RuntimeError "interrupted".
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBMaterializedResult } from '@duckdb/node-api';
import { RuntimeError } from '../errors';

export interface EngineOptions {
  /** Worker threads (default: DuckDB's choice, the number of cores). */
  readonly threads?: number;
  /** e.g. "2GB"; past it DuckDB spills to `tempDirectory`. */
  readonly memoryLimit?: string;
  readonly tempDirectory?: string;
  /** Aborting interrupts the running query. */
  readonly signal?: AbortSignal;
}

export type Row = Record<string, unknown>;

export interface Engine {
  readonly duckdbVersion: string;
  exec(sql: string): Promise<void>;
  rows(sql: string): Promise<Row[]>;
  /** The materialized result: its chunks' vectors stay DuckDB's memory, no JS value per cell (see mismatchesIpc). */
  result(sql: string): Promise<DuckDBMaterializedResult>;
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
    private readonly signal: AbortSignal | undefined,
  ) {}

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

  async result(sql: string): Promise<DuckDBMaterializedResult> {
    return this.guard(sql, () => this.connection.run(sql));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
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
  const config: Record<string, string> = {};
  if (options.threads !== undefined) config['threads'] = String(options.threads);
  if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
  if (options.tempDirectory !== undefined) config['temp_directory'] = options.tempDirectory;
  const instance = await duckdb.DuckDBInstance.create(':memory:', config);
  const connection = await instance.connect();
  return new DuckEngine(instance, connection, duckdb.version(), options.signal);
}
