/**
 * An exclusive lock file for the few shared mutations of the run store (recovering interrupted runs, deleting).
 * Created with O_EXCL; it holds the owner's pid. A lock whose owner is dead, or older than `staleMs`, is stale
 * and taken over, so a crashed process never blocks the store for good.
 *
 * API: `await withLock(path, fn, { timeoutMs?, staleMs? })`; `isAlive(pid)`.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { ConflictError, isNotFound, noSpaceError, undefinedIfNotFound } from '../errors';

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long a lock file may stay without its owner's pid before it counts as abandoned (a crash right after open). */
const UNWRITTEN_MS = 2_000;

async function isStale(path: string, staleMs: number): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
    const age = Date.now() - info.mtimeMs;
    // No pid yet: its owner is between creating the file and writing it (taking it then let two holders in, and
    // two concurrent review acceptances lost one). Only a lock that stays without a pid is abandoned.
    if (Number.isNaN(pid)) return age > UNWRITTEN_MS;
    return !isAlive(pid) || age > staleMs;
  } catch (error) {
    // Vanished while we looked (its holder released it): try again.
    if (isNotFound(error)) return false;
    throw error;
  }
}

export async function withLock<T>(path: string, fn: () => Promise<T>, options: { timeoutMs?: number; staleMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const staleMs = options.staleMs ?? 60_000;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n${new Date().toISOString()}\n`);
      } catch (writing) {
        // A lock that could not say whose it is (a full disk) is not taken: it goes, and the error names the file.
        await handle.close();
        await unlink(path).catch(undefinedIfNotFound);
        throw noSpaceError(writing, path);
      }
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(path, staleMs)) {
        // Another process may have taken the stale lock away first.
        await unlink(path).catch(undefinedIfNotFound);
        continue;
      }
      if (Date.now() > deadline) throw new ConflictError('the run store is locked by another process', { file: path });
      await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(undefinedIfNotFound);
  }
}
