/**
 * Registers a table source (a Parquet or CSV file, a glob, or a hive-partitioned folder) in an engine and
 * describes it.
 *
 * API: `await loadTable(engine, { path, format?, label? }, 'v1', { cwd })` → LoadedTable (relation `"v1"`,
 * files, columns, rows). Parquet is read in place through a view; CSV is parsed once into a temp table with
 * strict options, so a ragged row is an error (InputError naming file and line), never silently padded.
 * A missing file, an empty glob or a corrupt file is an InputError naming the file.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors';
import { findRaggedRow, detectDelimiter } from './csv-scan';
import type { Engine } from './duckdb';
import { QueryError } from './duckdb';
import { ident, listLiteral, literal } from './sql';
import type { ColumnInfo, LoadedTable, TableSource } from './types';

export interface LoadOptions {
  /** Base for relative paths (default process.cwd()). */
  readonly cwd?: string;
}

function formatOf(file: string): 'parquet' | 'csv' | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (lower.endsWith('.csv') || lower.endsWith('.csv.gz') || lower.endsWith('.tsv') || lower.endsWith('.tsv.gz')) return 'csv';
  return undefined;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Hidden and underscore files (.tmp, _SUCCESS) are writer debris, not data.
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (formatOf(entry.name) !== undefined) out.push(full);
  }
  return out;
}

const hiveSegment = /(^|[\\/])[^\\/=]+=[^\\/]*[\\/]/;

async function listFiles(engine: Engine, path: string): Promise<string[]> {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    if (!/[*?[]/.test(path)) throw new InputError('file not found', { file: path });
    const rows = await engine.rows(`SELECT file FROM glob(${literal(path)})`);
    return rows.map((r) => String(r['file']));
  }
  return isDir ? walk(path) : [path];
}

/** Maps a DuckDB read error to an InputError naming the file (and line, for CSV). */
function readError(error: unknown, files: readonly string[], fallback: string): unknown {
  if (!(error instanceof QueryError)) return error;
  const detail = error.detail;
  const file = /^\s*file = (.+)$/m.exec(detail)?.[1]?.trim() ?? files.find((f) => detail.includes(f)) ?? fallback;
  const lines = detail.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const line = /CSV Error on Line: (\d+)/.exec(detail)?.[1];
  if (line !== undefined) {
    const why = lines.find((l) => /^(Expected Number of Columns|Error when converting)/.test(l)) ?? 'invalid CSV row';
    return new InputError(why, { file, line: Number(line) });
  }
  return new InputError((lines[0] ?? detail).replace(/^[A-Za-z ]+Error: /, ''), { file });
}

async function explainCsv(files: readonly string[], delimiter: string): Promise<InputError | undefined> {
  for (const file of files) {
    const ragged = await findRaggedRow(file, delimiter);
    if (ragged) return new InputError(`expected ${ragged.expected} fields, found ${ragged.found}`, { file, line: ragged.line });
  }
  return undefined;
}

export async function loadTable(engine: Engine, source: TableSource, name: string, options: LoadOptions = {}): Promise<LoadedTable> {
  const path = resolve(options.cwd ?? process.cwd(), source.path);
  const files = (await listFiles(engine, path)).sort();
  if (files.length === 0) throw new InputError('no Parquet or CSV files found', { file: path });
  const formats = new Set(files.map(formatOf));
  const format = source.format ?? (formats.size === 1 ? [...formats][0] : undefined);
  if (format === undefined) {
    throw new InputError(`cannot tell the format (use .parquet, .csv or .csv.gz, or set it explicitly); found ${files.length} file(s) of mixed or unknown type`, { file: path });
  }
  // Partition folders (key=value) below the folder or the glob's fixed prefix become columns.
  const base = path.slice(0, /[*?[]/.exec(path)?.index ?? path.length);
  const hive = files.some((f) => hiveSegment.test(f.slice(base.length)));
  const relation = ident(name);
  const list = listLiteral(files);
  const union = files.length > 1 ? ', union_by_name = true' : '';
  try {
    if (format === 'parquet') {
      await engine.exec(`CREATE OR REPLACE TEMP VIEW ${relation} AS SELECT * FROM read_parquet(${list}, hive_partitioning = ${hive}${union})`);
    } else {
      const first = files[0] as string;
      const delimiter = await detectDelimiter(first);
      const sql = `CREATE OR REPLACE TEMP TABLE ${relation} AS SELECT * FROM read_csv(${list}, delim = ${literal(delimiter)}, quote = '"', escape = '"', header = true, skip = 0, strict_mode = true, null_padding = false, hive_partitioning = ${hive}${union})`;
      try {
        await engine.exec(sql);
      } catch (error) {
        // DuckDB names no line when the bad row is inside its sniffing sample; find it ourselves.
        if (error instanceof QueryError && !/CSV Error on Line/.test(error.detail)) {
          const explained = await explainCsv(files, delimiter);
          if (explained) throw explained;
        }
        throw error;
      }
    }
    const described = await engine.rows(`DESCRIBE SELECT * FROM ${relation}`);
    const columns: ColumnInfo[] = described.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
    const counted = await engine.rows(`SELECT count(*)::DOUBLE AS n FROM ${relation}`);
    return { source, format, relation, files, columns, rows: Number(counted[0]?.['n'] ?? 0) };
  } catch (error) {
    throw readError(error, files, path);
  }
}
