/**
 * Finding a named column in a loaded table, and the error when it is not there: the message names the file (not
 * just the side), the column, and its close matches (`A` for `a`, `loan_id` for `loanid`), then the columns it has.
 *
 * API: `closeMatches(name, names)` → string[]; `columnNotFound(table, name, role)` → ConfigError (also before a
 * table is loaded: `{ path, label?, names }`); `tablePath(table)` → the file (or glob/folder) a message names;
 * `checkColumnMap(v1, v2, map)` → throws when a renamed column is not on its side.
 */
import leven from 'leven';
import { ConfigError } from '../errors';
import type { LoadedTable } from './types';

const squash = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** Names equal to `name` ignoring case and separators, else within a small edit distance of it; best first. */
export function closeMatches(name: string, names: readonly string[]): string[] {
  const target = squash(name);
  const same = names.filter((n) => n !== name && squash(n) === target);
  if (same.length > 0) return same;
  const limit = Math.max(1, Math.floor(name.length / 4));
  return names
    .map((n) => ({ n, d: leven(n.toLowerCase(), name.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d)
    .map((x) => x.n);
}

/** The file a message names: the one file read, or the path as given for a glob or folder. */
export function tablePath(table: LoadedTable): string {
  return table.files.length === 1 ? (table.files[0] as string) : table.source.path;
}

export interface ColumnsOf {
  readonly path: string;
  /** The side, e.g. "V2". */
  readonly label?: string;
  readonly names: readonly string[];
}

/**
 * `role` column `name` is not in the table (e.g. role "key"); the error names the file, the side (its label, else
 * `side`), close matches and the columns.
 */
export function columnNotFound(table: LoadedTable | ColumnsOf, name: string, role: string, side = 'the table'): ConfigError {
  const where: ColumnsOf = 'relation' in table ? { path: tablePath(table), label: table.source.label, names: table.columns.map((c) => c.name) } : table;
  const close = closeMatches(name, where.names);
  const sideName = `${where.label ?? side} `;
  const hint = close.length > 0 ? `; close match${close.length > 1 ? 'es' : ''}: ${close.map((n) => `"${n}"`).join(', ')}` : '';
  return new ConfigError(`${role} column "${name}" is not in ${sideName}(its columns: ${where.names.join(', ')})${hint}`, { file: where.path });
}

/** Each renamed column (V1 name → V2 name) must be in V1 and its new name in V2. */
export function checkColumnMap(v1: LoadedTable, v2: LoadedTable, map: Readonly<Record<string, string>> = {}): void {
  for (const [from, to] of Object.entries(map)) {
    if (!v1.columns.some((c) => c.name === from)) throw columnNotFound(v1, from, 'mapped', 'V1');
    if (!v2.columns.some((c) => c.name === to)) throw columnNotFound(v2, to, 'mapped', 'V2');
  }
}
