/** Load sizes as people write them (`10k`, `100k`, `1m`, `2500`): parsed and printed in one place. */
import { UsageError } from '../errors';

const SUFFIX: Record<string, number> = { '': 1, k: 1_000, m: 1_000_000 };

/** Rows for a size label; a usage error names the flag and the value. */
export function parseSize(text: string, flag = '--sizes'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(text);
  const rows = m ? Number(m[1]) * (SUFFIX[(m[2] ?? '').toLowerCase()] ?? Number.NaN) : Number.NaN;
  if (!Number.isInteger(rows) || rows < 1) throw new UsageError(`${flag}: "${text}" is not a row count (e.g. 10k, 100k, 1m, 2500)`);
  return rows;
}

/** The label of a row count: 10000 → 10k, 1000000 → 1m, 2500 → 2500. */
export function sizeLabel(rows: number): string {
  if (rows % 1_000_000 === 0) return `${rows / 1_000_000}m`;
  if (rows % 1_000 === 0) return `${rows / 1_000}k`;
  return String(rows);
}
