/** Load sizes (`10k`, `100k`, `1m`, `2500`) and soak durations (`90s`, `10m`, `24h`) as people write them, in one place. */
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

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds for a duration: a number with s, m, h or d (`10m`, `24h`, `1.5h`); a usage error names the flag. */
export function parseDuration(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/.exec(text);
  const seconds = m ? Number(m[1]) * (SECONDS[m[2] as string] as number) : Number.NaN;
  if (!(seconds > 0)) throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 30s, 10m, 24h)`);
  return seconds;
}
