// Shared test helpers: temp folders, small tables written by DuckDB itself, and the engine a describe block uses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../../src/core/engine/duckdb';
import { openEngine } from '../../../src/core/engine/duckdb';
import { literal } from '../../../src/core/engine/sql';

export function tempDir(prefix = 'cutover-engine-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes the result of `sql` to `path` as Parquet (or CSV when the path ends in .csv). */
export async function writeTable(engine: Engine, sql: string, path: string): Promise<string> {
  const format = path.endsWith('.csv') ? '(FORMAT csv, HEADER true)' : '(FORMAT parquet)';
  await engine.exec(`COPY (${sql}) TO ${literal(path)} ${format}`);
  return path;
}

export interface EngineFixture {
  readonly engine: Engine;
  /** A temp folder, removed after the block. */
  readonly dir: string;
}

/**
 * Opens a two-thread engine and a temp folder before the enclosing describe block's tests and closes both after.
 * Call it in the block's body; the fields are getters because the hooks run later than the call.
 */
export function useEngine(prefix?: string): EngineFixture {
  let engine: Engine | undefined;
  let tmp: ReturnType<typeof tempDir> | undefined;
  before(async () => {
    engine = await openEngine({ threads: 2 });
    tmp = tempDir(prefix);
  });
  after(() => {
    engine?.close();
    tmp?.cleanup();
  });
  return {
    get engine() {
      if (!engine) throw new Error('useEngine: the engine is open only inside the block\'s tests');
      return engine;
    },
    get dir() {
      if (!tmp) throw new Error('useEngine: the folder exists only inside the block\'s tests');
      return tmp.dir;
    },
  };
}
