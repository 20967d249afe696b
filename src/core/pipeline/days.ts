/**
 * The days of a dated input: the `<dateColumn>=<day>` sub-folders of a hive-partitioned folder, oldest first.
 * `cutover reconcile` runs V1 and V2 on each of the last N of them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors';

export interface DayPartition {
  /** The partition value as the folder names it, e.g. `2025-12-01`. */
  readonly day: string;
  /** Absolute path of the partition folder. */
  readonly path: string;
}

/** The last `days` partitions of `folder` by `dateColumn` (all of them when fewer), oldest first. */
export function lastDays(folder: string, dateColumn: string, days: number): DayPartition[] {
  let entries: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new InputError(`expected a folder of ${dateColumn}=<day> partitions, found a file`, { file: folder });
    entries = readdirSync(folder);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('folder not found', { file: folder });
  }
  const prefix = `${dateColumn}=`;
  const all = entries
    .filter((name) => name.startsWith(prefix) && name.length > prefix.length && statSync(join(folder, name)).isDirectory())
    .map((name) => ({ day: name.slice(prefix.length), path: join(folder, name) }))
    // ISO dates (and most date-like partition values) sort chronologically as text.
    .sort((a, b) => a.day.localeCompare(b.day));
  if (all.length === 0) throw new InputError(`no ${prefix}<day> partition folders`, { file: folder });
  return all.slice(-days);
}
