/**
 * How much memory the engine may use, as the CLI flag `--memory-limit` and cutover.json give it: a size ("4GB",
 * "512MiB") or a share of this machine's RAM ("50%"). One parser for every surface, so both accept and refuse the
 * same spellings with the same message.
 *
 * The default is half of the RAM: DuckDB's own default (80%) counts only its buffer manager, while the compare
 * process also holds Node's heap, result rows and DuckDB allocations outside the buffer pool, and a cutover
 * usually runs next to VS Code and the pipelines themselves. Past the limit DuckDB spills to its temp directory.
 *
 * The limit is for the whole process, as a user reads it and as `/usr/bin/time` measures it: DuckDB's
 * `memory_limit` covers only its buffer pool, so it gets the limit less a reserve (25%, at least 256 MiB) for
 * Node's heap and DuckDB's allocations outside the pool, which grow with the threads at work. Measured on 100M rows
 * at 4GB: without a reserve the process peaked at 4.50 GB on a busy machine; with 10% it peaked at 4.72 GB on an
 * idle one, where both cores ran DuckDB at once.
 */
import { totalmem } from 'node:os';

/** Below this DuckDB cannot hold even one row group of a wide table per thread. */
export const MIN_MEMORY_BYTES = 64 * 2 ** 20;
export const DEFAULT_MEMORY_SHARE = 0.5;
const RESERVE_SHARE = 0.25;
const RESERVE_MIN_BYTES = 256 * 2 ** 20;

const UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** Why a memory limit text is refused, or undefined when it is fine. */
export function memoryLimitProblem(text: string, ram = totalmem()): string | undefined {
  try {
    parseMemoryLimit(text, ram);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Bytes for a memory limit text: `<number><unit>` with unit B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB,
 * TiB (powers of 1024), case-insensitive, or `<p>%` of `ram`. Throws an Error saying what is accepted.
 */
export function parseMemoryLimit(text: string, ram = totalmem()): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%|[kmgt]i?b|b)\s*$/i.exec(text);
  const accepted = 'a size such as 4GB, 512MB or 2GiB, or a share of RAM such as 50%';
  if (!m) throw new Error(`memory limit must be ${accepted}, got "${text}"`);
  const value = Number(m[1]);
  const unit = (m[2] as string).toLowerCase();
  if (unit === '%') {
    if (value <= 0 || value > 100) throw new Error(`memory limit share must be between 0% and 100%, got "${text}"`);
    return Math.floor((ram * value) / 100);
  }
  const bytes = Math.floor(value * (UNITS[unit] as number));
  if (bytes < MIN_MEMORY_BYTES) throw new Error(`memory limit must be at least 64MiB, got "${text}"`);
  return bytes;
}

/** The default limit: half of this machine's RAM. */
export function defaultMemoryLimit(ram = totalmem()): number {
  return Math.floor(ram * DEFAULT_MEMORY_SHARE);
}

/** DuckDB's `memory_limit` for a process limit text as the user gave it (or the default): the limit less the reserve. */
export function memorySetting(text: string | undefined, ram = totalmem()): string {
  const whole = text === undefined ? defaultMemoryLimit(ram) : parseMemoryLimit(text, ram);
  return duckdbMemorySetting(whole - Math.max(RESERVE_MIN_BYTES, whole * RESERVE_SHARE));
}

/** A byte count as DuckDB's `memory_limit` setting reads it (whole MiB, at least the minimum). */
export function duckdbMemorySetting(bytes: number): string {
  return `${Math.max(Math.floor(bytes / 2 ** 20), MIN_MEMORY_BYTES / 2 ** 20)}MiB`;
}

/** A byte count for people: "4.0 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${value} B` : `${value.toFixed(1)} ${units[i]}`;
}
