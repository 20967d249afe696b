/**
 * Concurrency check: every file a pipeline copy wrote, checksummed and compared with the sequential reference
 * run's. A missing, extra or different file is a corruption event, named with its path.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sha256File } from '../runs/hash';

/** sha256 of every file under `dir`, by path relative to it. */
export async function digestFolder(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (const e of entries) {
    const path = join(e.parentPath, e.name);
    out.set(relative(dir, path), await sha256File(path));
  }
  return out;
}

export interface OutputDifference {
  readonly file: string;
  readonly kind: 'missing' | 'extra' | 'different';
  readonly expected: string | null;
  readonly actual: string | null;
}

/** The files of `actual` that differ from `expected`, sorted by path. */
export function diffDigests(expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>): OutputDifference[] {
  const out: OutputDifference[] = [];
  for (const [file, hash] of expected) {
    const got = actual.get(file);
    if (got === undefined) out.push({ file, kind: 'missing', expected: hash, actual: null });
    else if (got !== hash) out.push({ file, kind: 'different', expected: hash, actual: got });
  }
  for (const [file, hash] of actual) if (!expected.has(file)) out.push({ file, kind: 'extra', expected: null, actual: hash });
  return out.sort((a, b) => a.file.localeCompare(b.file));
}
