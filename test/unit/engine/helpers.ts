// Shared test helpers: temp folders and small tables written by DuckDB itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../../src/core/engine/duckdb';
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
