/**
 * sha256 of input and output files, streamed (never read whole into memory). For several files (a folder or a
 * glob) the hash is the sha256 of their sorted per-file hashes joined by newlines, so it does not depend on
 * listing order.
 *
 * API: `sha256File(path)`, `sha256Files(paths)` → hex digest.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export async function sha256Files(paths: readonly string[]): Promise<string> {
  if (paths.length === 1) return sha256File(paths[0] as string);
  const hashes: string[] = [];
  for (const p of paths) hashes.push(await sha256File(p));
  return createHash('sha256').update(hashes.sort().join('\n')).digest('hex');
}
