/**
 * Registers a table source (a Parquet or CSV file, a glob, or a hive-partitioned folder) in an engine and
 * describes it.
 *
 * API: `await loadTable(engine, { path, format?, label?, types? }, 'v1', { cwd })` → LoadedTable (relation `"v1"`,
 * files, columns, rows). Parquet is read in place through a view; CSV is parsed once into a temp table with
 * strict options, so a ragged row is an error (InputError naming file and line), never silently padded.
 * A missing file, an empty glob, an empty CSV (no header) or a corrupt file is an InputError naming the file.
 *
 * CSV integers are read exactly: DuckDB's sniffer types integer text too wide for BIGINT as DOUBLE (two ids that
 * differ in the last digit become one float), or picks BIGINT from its sample and then fails on a wider value
 * further down. Such columns are read again as HUGEINT, and as text when even HUGEINT is too narrow. `types`
 * forces a column's type (e.g. `{ refer_nr: 'VARCHAR' }`) in either format.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, InputError } from '../errors';
import { columnNotFound } from './columns';
import { detectDelimiter, findRaggedRow, isEmptyCsv } from './csv-scan';
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

/** A type name DuckDB can parse: letters, digits, _, spaces, and an optional (p) or (p, s). */
const typeName = /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/;

function checkTypes(types: Readonly<Record<string, string>>, names: readonly string[], path: string, label: string | undefined): void {
  for (const [column, type] of Object.entries(types)) {
    if (!names.includes(column)) throw columnNotFound({ path, names, ...(label ? { label } : {}) }, column, 'typed');
    if (!typeName.test(type)) throw new ConfigError(`type "${type}" for column "${column}" is not a DuckDB type name (e.g. VARCHAR, HUGEINT, DECIMAL(38,0))`);
  }
}

/** Drops a temp view or table of that name, so a source of either format can take the name over. */
async function dropRelation(engine: Engine, name: string): Promise<void> {
  const found = await engine.rows(
    `SELECT 'TABLE' AS kind FROM duckdb_tables() WHERE temporary AND table_name = ${literal(name)} UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = ${literal(name)}`,
  );
  for (const r of found) await engine.exec(`DROP ${String(r['kind'])} ${ident(name)}`);
}

const integerType = /^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;

/** The type to read a column as after DuckDB failed to convert integer text to the sniffed type, if that was the failure. */
function widerOnOverflow(error: unknown, forced: Readonly<Record<string, string>>): { column: string; type: string } | undefined {
  if (!(error instanceof QueryError)) return undefined;
  const m = /Error when converting column "(.+)"\. Could not convert string "[+-]?\d+" to '(\w+)'/.exec(error.detail);
  if (!m || (m[1] as string) in forced) return undefined;
  const to = m[2] as string;
  if (integerType.test(to)) return { column: m[1] as string, type: 'HUGEINT' };
  if (to === 'HUGEINT') return { column: m[1] as string, type: 'VARCHAR' };
  return undefined;
}

/** DOUBLE columns whose values are all whole and some beyond BIGINT: integer text the sniffer could not hold exactly. */
async function wideIntegerColumns(engine: Engine, relation: string, columns: readonly ColumnInfo[], typed: Readonly<Record<string, string>>): Promise<string[]> {
  const doubles = columns.filter((c) => c.type === 'DOUBLE' && !(c.name in typed));
  if (doubles.length === 0) return [];
  const checks = doubles.map((c, i) => {
    const v = ident(c.name);
    return `coalesce(bool_and(isfinite(${v}) AND ${v} = trunc(${v})) AND max(abs(${v})) >= 9223372036854775808::DOUBLE, false) AS w${i}`;
  });
  const row = (await engine.rows(`SELECT ${checks.join(', ')} FROM ${relation}`))[0] ?? {};
  return doubles.filter((_, i) => row[`w${i}`] === true).map((c) => c.name);
}

async function describe(engine: Engine, sql: string): Promise<ColumnInfo[]> {
  const described = await engine.rows(`DESCRIBE ${sql}`);
  return described.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
}

/** Reads CSV files into the temp table `relation`, integer columns exactly (see the module comment). */
async function readCsv(engine: Engine, relation: string, files: readonly string[], hive: boolean, forced: Readonly<Record<string, string>>, path: string, label: string | undefined): Promise<void> {
  for (const file of files) if (await isEmptyCsv(file)) throw new InputError('file is empty (no header line)', { file });
  const delimiter = await detectDelimiter(files[0] as string);
  const union = files.length > 1 ? ', union_by_name = true' : '';
  const scan = (types: Readonly<Record<string, string>>): string => {
    const typed = Object.entries(types).map(([c, t]) => `${literal(c)}: ${literal(t)}`).join(', ');
    return `read_csv(${listLiteral(files)}, delim = ${literal(delimiter)}, quote = '"', escape = '"', header = true, skip = 0, strict_mode = true, null_padding = false, hive_partitioning = ${hive}${union}${typed ? `, types = {${typed}}` : ''})`;
  };
  if (Object.keys(forced).length > 0) checkTypes(forced, (await describe(engine, `SELECT * FROM ${scan({})}`)).map((c) => c.name), path, label);
  const types: Record<string, string> = { ...forced };
  // Each retry widens one more column, so this ends: a column goes at most DOUBLE/BIGINT → HUGEINT → VARCHAR.
  for (;;) {
    try {
      await engine.exec(`CREATE OR REPLACE TEMP TABLE ${relation} AS SELECT * FROM ${scan(types)}`);
    } catch (error) {
      const wider = widerOnOverflow(error, forced);
      if (wider && types[wider.column] !== wider.type) {
        types[wider.column] = wider.type;
        continue;
      }
      // DuckDB names no line when the bad row is inside its sniffing sample; find it ourselves.
      if (error instanceof QueryError && !/CSV Error on Line/.test(error.detail)) {
        const explained = await explainCsv(files, delimiter);
        if (explained) throw explained;
      }
      throw error;
    }
    const wide = await wideIntegerColumns(engine, relation, await describe(engine, `SELECT * FROM ${relation}`), types);
    if (wide.length === 0) return;
    for (const column of wide) types[column] = 'HUGEINT';
  }
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
  const forced = source.types ?? {};
  try {
    await dropRelation(engine, name);
    if (format === 'parquet') {
      const scan = `read_parquet(${listLiteral(files)}, hive_partitioning = ${hive}${files.length > 1 ? ', union_by_name = true' : ''})`;
      const entries = Object.entries(forced);
      if (entries.length > 0) checkTypes(forced, (await describe(engine, `SELECT * FROM ${scan}`)).map((c) => c.name), files.length === 1 ? (files[0] as string) : path, source.label);
      const replace = entries.length > 0 ? ` REPLACE (${entries.map(([c, t]) => `CAST(${ident(c)} AS ${t}) AS ${ident(c)}`).join(', ')})` : '';
      await engine.exec(`CREATE OR REPLACE TEMP VIEW ${relation} AS SELECT *${replace} FROM ${scan}`);
    } else {
      await readCsv(engine, relation, files, hive, forced, files.length === 1 ? (files[0] as string) : path, source.label);
    }
    const columns = await describe(engine, `SELECT * FROM ${relation}`);
    // DuckDB's SQL parser stops at a NUL: a column named with one can be read but never compared.
    const nul = columns.find((c) => c.name.includes('\u0000'));
    if (nul) throw new InputError(`the column ${JSON.stringify(nul.name)} has a NUL character in its name`, { file: files.length === 1 ? (files[0] as string) : path, ...(format === 'csv' ? { line: 1 } : {}) });
    const counted = await engine.rows(`SELECT count(*)::DOUBLE AS n FROM ${relation}`);
    return { source, format, relation, files, columns, rows: Number(counted[0]?.['n'] ?? 0) };
  } catch (error) {
    throw readError(error, files, path);
  }
}
