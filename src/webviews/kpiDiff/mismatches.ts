/**
 * The mismatching rows of a run for the panel: `mismatches.parquet` (long form: keys…, kind, column, v1, v2,
 * abs_diff) read with DuckDB and sent as Arrow IPC bytes, decoded in the webview with `apache-arrow`. Every column
 * but abs_diff travels as text, exactly as the engine wrote it.
 *
 * Speed matters (100k rows in well under a second): DuckDB's result is read column by column, and the Arrow
 * buffers are built directly (offsets, bytes, validity) instead of through apache-arrow's per-value builders,
 * which are ~20× slower. DuckDB's own package is loaded only here, when someone asks for the rows.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type * as DuckDB from '@duckdb/node-api';
import { Float64, makeData, makeVector, Table, tableToIPC, Utf8, type Vector } from 'apache-arrow';
import { literal } from '../../core/engine/sql';
import { InputError, RuntimeError } from '../../core/errors';
import type { RunRecord } from '../../core/runs/record';

/** More rows than this stay in the file: the panel says how many it shows of how many. */
export const MAX_ROWS = 200_000;
/** The first page is small so the first rows show at once; the rest follows in one more page. */
export const FIRST_PAGE = 10_000;

function validity(values: readonly unknown[]): { bitmap: Uint8Array; nulls: number } {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nulls = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { bitmap, nulls };
}

function utf8Vector(values: readonly unknown[]): Vector<Utf8> {
  // One join and one encode for the whole column; offsets from each value's UTF-8 length.
  const offsets = new Int32Array(values.length + 1);
  const texts: string[] = [];
  let size = 0;
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) {
      const text = String(v);
      texts.push(text);
      size += Buffer.byteLength(text, 'utf8');
    }
    offsets[i + 1] = size;
  });
  const data = Buffer.from(texts.join(''), 'utf8');
  const { bitmap, nulls } = validity(values);
  return makeVector(makeData({ type: new Utf8(), length: values.length, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data }));
}

function float64Vector(values: readonly unknown[]): Vector<Float64> {
  const data = Float64Array.from(values, (v) => (typeof v === 'number' ? v : 0));
  const { bitmap, nulls } = validity(values);
  return makeVector(makeData({ type: new Float64(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data }));
}

/** Rows `offset` to `offset + limit` of the run's mismatch file as Arrow IPC, with the file's total row count. */
export async function mismatchesIpc(runDir: string, record: RunRecord, offset = 0, limit = MAX_ROWS): Promise<{ ipc: Uint8Array; total: number; rows: number }> {
  const recorded = record.outputs.find((o) => o.role === 'mismatches')?.path ?? 'mismatches.parquet';
  const file = isAbsolute(recorded) ? recorded : join(runDir, recorded);
  if (!existsSync(file)) throw new InputError('this run wrote no row-level mismatch file', { file });
  let duckdb: typeof DuckDB;
  try {
    duckdb = require('@duckdb/node-api') as typeof DuckDB;
  } catch (error) {
    throw new RuntimeError(`cannot load DuckDB (@duckdb/node-api): ${error instanceof Error ? error.message : String(error)}`);
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    // Keys, kind, column, v1, v2 as text; abs_diff stays a number. The order is the file's (DuckDB keeps it
    // for a single file read without parallel threads), so pages join up.
    const source = `read_parquet(${literal(file)})`;
    const result = await connection.runAndReadAll(`SELECT COLUMNS(c -> c <> 'abs_diff')::VARCHAR, COLUMNS(c -> c = 'abs_diff') FROM ${source} LIMIT ${limit} OFFSET ${offset}`);
    const names = result.columnNames();
    const columns = result.getColumnsObjectJS();
    const total = Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${source}`)).getRowObjectsJS()[0]?.['n'] ?? 0);
    const vectors: Record<string, Vector> = {};
    for (const name of names) {
      const values = columns[name] ?? [];
      vectors[name] = name === 'abs_diff' ? float64Vector(values) : utf8Vector(values);
    }
    const table = new Table(vectors);
    return { ipc: tableToIPC(table, 'stream'), total, rows: table.numRows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
