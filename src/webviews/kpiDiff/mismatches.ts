/**
 * The mismatching rows of a run for the panel: `mismatches.parquet` (long form: keys…, kind, column, v1, v2,
 * abs_diff) read with the engine and sent as Arrow IPC bytes, decoded in the webview with `apache-arrow`. Every
 * column but abs_diff travels as text, exactly as the engine wrote it. DuckDB is loaded only when asked.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { openEngine } from '../../core/engine/duckdb';
import { ident, literal } from '../../core/engine/sql';
import { InputError } from '../../core/errors';
import type { RunRecord } from '../../core/runs/record';

/** More rows than this stay in the file: the panel says how many it shows of how many. */
export const MAX_ROWS = 200_000;

export async function mismatchesIpc(runDir: string, record: RunRecord, limit = MAX_ROWS): Promise<{ ipc: Uint8Array; total: number; sent: number }> {
  const recorded = record.outputs.find((o) => o.role === 'mismatches')?.path ?? 'mismatches.parquet';
  const file = recorded.startsWith('/') ? recorded : join(runDir, recorded);
  if (!existsSync(file)) throw new InputError('this run wrote no row-level mismatch file', { file });
  const engine = await openEngine({ threads: 1 });
  try {
    const source = `read_parquet(${literal(file)})`;
    const columns = (await engine.rows(`DESCRIBE SELECT * FROM ${source}`)).map((r) => String(r['column_name']));
    const total = Number((await engine.rows(`SELECT count(*) AS n FROM ${source}`))[0]?.['n'] ?? 0);
    const select = columns.map((c) => (c === 'abs_diff' ? ident(c) : `CAST(${ident(c)} AS VARCHAR) AS ${ident(c)}`)).join(', ');
    const rows = await engine.rows(`SELECT ${select} FROM ${source} LIMIT ${limit}`);
    const arrays: Record<string, (string | null)[] | (number | null)[]> = {};
    for (const c of columns) {
      arrays[c] = c === 'abs_diff'
        ? rows.map((r) => (typeof r[c] === 'number' ? r[c] : null))
        : rows.map((r) => (r[c] === null || r[c] === undefined ? null : String(r[c])));
    }
    return { ipc: tableToIPC(tableFromArrays(arrays), 'stream'), total, sent: rows.length };
  } finally {
    engine.close();
  }
}
