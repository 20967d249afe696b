/**
 * The mismatching rows of a run as Arrow IPC: `mismatches.parquet` (long form: keys…, kind, column, v1, v2,
 * abs_diff) read with DuckDB, for the KPI Diff panel, which decodes the bytes with `apache-arrow`. Every column but
 * abs_diff travels as text, exactly as DuckDB casts it to VARCHAR; abs_diff is a DOUBLE.
 *
 * Speed matters (100k rows in well under 150 ms): no JS value is made per cell. Each DuckDB result chunk becomes one
 * Arrow record batch whose buffers are copied from the chunk's vector memory (through @duckdb/node-bindings, the
 * layer under node-api): validity bits are the same layout in both (LSB-first words), doubles are copied whole, and
 * VARCHARs are unpacked from DuckDB's 16-byte string_t (length, then the bytes inline up to 12, else a pointer)
 * into Arrow's offsets + bytes. DuckDB's C API has no Arrow export that node-api binds, and its `to_arrow_ipc`
 * needs the arrow extension, which cannot be installed offline.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type * as Bindings from '@duckdb/node-bindings';
import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, type Data } from 'apache-arrow';
import { InputError, RuntimeError } from '../errors';
import type { RunRecord } from '../runs/record';
import { openEngine, type StreamedResult } from './duckdb';
import { literal } from './sql';

/** More rows than this stay in the file: the panel says how many it shows of how many. */
export const MAX_ROWS = 200_000;
/** The first page is small so the first rows show at once; the rest follows in one more page. */
export const FIRST_PAGE = 10_000;

/** The one numeric column; every other column is cast to VARCHAR. */
const DIFF_COLUMN = 'abs_diff';
/** DuckDB's string_t: 4 bytes of length, then 12 inline bytes, or 4 prefix bytes and an 8-byte pointer. */
const STRING_T = 16;
const INLINE_MAX = 12;

type Vector = ReturnType<typeof Bindings.data_chunk_get_vector>;

function loadBindings(): typeof Bindings {
  try {
    return require('@duckdb/node-bindings') as typeof Bindings;
  } catch (error) {
    throw new RuntimeError(`cannot load DuckDB (@duckdb/node-bindings): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Set bits per byte value, to count valid rows a byte at a time. */
const BITS = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x !== 0; x >>= 1) n += x & 1;
  return n;
});

/** Arrow's validity bitmap (a copy of DuckDB's, same bit order) and null count; no bitmap when nothing is null. */
function validity(duckdb: typeof Bindings, vector: Vector, rows: number): { bitmap: Uint8Array | undefined; nulls: number } {
  // DuckDB hands out no mask at all for a vector without nulls; a mask is whole 64-bit words.
  const mask = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8) as Uint8Array | null;
  if (!mask || mask.byteLength === 0) return { bitmap: undefined, nulls: 0 };
  const bitmap = mask.slice(0, Math.ceil(rows / 8));
  const spare = bitmap.length * 8 - rows;
  if (spare > 0) bitmap[bitmap.length - 1]! &= 0xff >> spare;
  let valid = 0;
  for (let i = 0; i < bitmap.length; i++) valid += BITS[bitmap[i]!]!;
  return valid === rows ? { bitmap: undefined, nulls: 0 } : { bitmap, nulls: rows - valid };
}

function float64Data(duckdb: typeof Bindings, vector: Vector, rows: number): Data<Float64> {
  const data = new Float64Array(duckdb.vector_get_data(vector, rows * 8).slice(0, rows * 8).buffer);
  const { bitmap, nulls } = validity(duckdb, vector, rows);
  return makeData({ type: new Float64(), length: rows, nullCount: nulls, nullBitmap: bitmap, data });
}

function utf8Data(duckdb: typeof Bindings, vector: Vector, rows: number): Data<Utf8> {
  const raw = duckdb.vector_get_data(vector, rows * STRING_T);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const { bitmap, nulls } = validity(duckdb, vector, rows);
  // A null row's string_t is not defined: it gets no bytes.
  const offsets = new Int32Array(rows + 1);
  let size = 0;
  for (let i = 0; i < rows; i++) {
    if (!bitmap || (bitmap[i >> 3]! >> (i & 7)) & 1) size += view.getUint32(i * STRING_T, true);
    offsets[i + 1] = size;
  }
  const data = new Uint8Array(size);
  for (let i = 0; i < rows; i++) {
    const start = offsets[i]!;
    const length = offsets[i + 1]! - start;
    const at = i * STRING_T + 4;
    if (length === 0) continue;
    if (length <= INLINE_MAX) {
      for (let b = 0; b < length; b++) data[start + b] = raw[at + b]!;
    } else {
      data.set(duckdb.get_data_from_pointer(raw.buffer as ArrayBuffer, raw.byteOffset + at + 4, length), start);
    }
  }
  return makeData({ type: new Utf8(), length: rows, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data });
}

/** One record batch per DuckDB chunk, its buffers copied out of the chunk's vectors as it streams in. */
async function toTable(duckdb: typeof Bindings, result: StreamedResult): Promise<Table> {
  const fields = result.columns.map(({ name, type }) => {
    const expected = name === DIFF_COLUMN ? 'DOUBLE' : 'VARCHAR';
    if (type !== expected) throw new RuntimeError(`mismatch rows: column "${name}" came back as ${type}, not ${expected}`);
    return new Field(name, name === DIFF_COLUMN ? new Float64() : new Utf8(), true);
  });
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  for await (const { chunk } of result.chunks) {
    const rows = duckdb.data_chunk_get_size(chunk);
    const children = fields.map(({ name }, j) => {
      const vector = duckdb.data_chunk_get_vector(chunk, j);
      return name === DIFF_COLUMN ? float64Data(duckdb, vector, rows) : utf8Data(duckdb, vector, rows);
    });
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children })));
  }
  return new Table(schema, batches);
}

/** Rows `offset` to `offset + limit` of the run's mismatch file as Arrow IPC, with the file's total row count. */
export async function mismatchesIpc(runDir: string, record: Pick<RunRecord, 'outputs'>, offset = 0, limit = MAX_ROWS): Promise<{ ipc: Uint8Array; total: number; rows: number }> {
  const recorded = record.outputs.find((o) => o.role === 'mismatches')?.path ?? 'mismatches.parquet';
  const file = isAbsolute(recorded) ? recorded : join(runDir, recorded);
  if (!existsSync(file)) throw new InputError('this run wrote no row-level mismatch file', { file });
  const duckdb = loadBindings();
  // One thread: DuckDB then returns a single file's rows in file order, so pages join up.
  const engine = await openEngine({ threads: 1 });
  try {
    const source = `read_parquet(${literal(file)})`;
    const table = await toTable(duckdb, await engine.stream(
      `SELECT COLUMNS(c -> c <> ${literal(DIFF_COLUMN)})::VARCHAR, COLUMNS(c -> c = ${literal(DIFF_COLUMN)})::DOUBLE FROM ${source} LIMIT ${limit} OFFSET ${offset}`,
    ));
    const total = Number((await engine.rows(`SELECT count(*) AS n FROM ${source}`))[0]?.['n'] ?? 0);
    return { ipc: tableToIPC(table, 'stream'), total, rows: table.numRows };
  } finally {
    engine.close();
  }
}
