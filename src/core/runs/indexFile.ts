/**
 * The run store's index: `.cutover/runs/index.jsonl`, one JSON line per landed run (indexEntry.ts) or removal, so
 * the Dashboard, the Runs view and the KPI Diff panel find runs without parsing every run.json.
 *
 * - Append-only: a run that lands (or is recovered, or deleted) appends whole lines with one O_APPEND write, fsynced,
 *   under the store's lock (lock.ts); the last line of an id wins.
 * - Rebuildable: the run folders are the truth. Each read checks the index against the folder names (one readdir):
 *   a folder without a line is read and appended, a line without a folder is dropped with a removal line.
 * - A torn last line (a writer killed mid-write) or a corrupt line: the file is rewritten under the lock from its good
 *   lines and the folders (temp file, fsync, rename), with a log line naming the file.
 * - A reader keeps what it parsed and reads only the bytes appended since (same inode, larger size), so a new run
 *   appears without re-reading 10,000 lines.
 *
 * API: `const index = new RunIndex(store.root, (id) => store.read(id), warn)`; `await index.entries()` (newest
 * first); `appendIndexLines(root, lines)` (the caller holds the store's lock).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound } from '../errors';
import { isRunId } from './id';
import { INDEX_VERSION, indexEntryOf, parseIndexLine, removalOf, type IndexEntry, type IndexLine } from './indexEntry';
import { withLock } from './lock';
import type { RunRecord } from './record';

export const INDEX_FILE = 'index.jsonl';

/** The index file of the store whose folder is `root`. */
export function indexFileOf(root: string): string {
  return join(root, INDEX_FILE);
}

interface Parsed {
  readonly entries: Map<string, IndexEntry>;
  /** Why the text cannot be used as it stands (a torn or corrupt line), or undefined. */
  readonly problem: string | undefined;
}

/** Applies the lines of `text` (whole lines only) to `entries`; a line that does not parse is a problem. */
function applyLines(text: string, entries: Map<string, IndexEntry>, firstLine: number): string | undefined {
  let problem: string | undefined;
  const lines = text.split('\n');
  const last = lines.pop();
  if (last !== undefined && last !== '') problem = `line ${firstLine + lines.length} is torn (no newline at the end of the file)`;
  lines.forEach((line, i) => {
    if (line === '') return;
    let parsed: IndexLine | undefined;
    try {
      parsed = parseIndexLine(line);
    } catch (error) {
      problem ??= `line ${firstLine + i}: ${(error as Error).message}`;
      return;
    }
    if (!parsed) {
      problem ??= `line ${firstLine + i} is not a version-${INDEX_VERSION} index line`;
      return;
    }
    if ('deleted' in parsed) entries.delete(parsed.id);
    else entries.set(parsed.id, parsed);
  });
  return problem;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

export class RunIndex {
  readonly file: string;
  private cache: { ino: number; size: number; lines: number; entries: Map<string, IndexEntry>; sorted: IndexEntry[] | undefined } | undefined;
  /** Run folders whose run.json could not be read, with why (not indexed; asked again by a new RunIndex). */
  readonly problems = new Map<string, string>();

  constructor(
    readonly root: string,
    private readonly readRecord: (id: string) => Promise<RunRecord>,
    private readonly warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
  ) {
    this.file = indexFileOf(root);
  }

  /** The landed runs, newest first, as the run folders are now. */
  async entries(): Promise<readonly IndexEntry[]> {
    if (!existsSync(this.root)) return [];
    let parsed = await this.load();
    if (parsed.problem) parsed = await this.repairTorn();
    if (await this.reconcile(parsed.entries)) {
      // Read back what was appended (and anything another process appended meanwhile).
      parsed = await this.load();
      if (parsed.problem) parsed = await this.repairTorn();
    }
    const cache = this.cache;
    if (!cache) return [...parsed.entries.values()].sort(newestFirst);
    cache.sorted ??= [...cache.entries.values()].sort(newestFirst);
    return cache.sorted;
  }

  /** Appends `lines` in one write; the caller holds the store's lock. */
  appendLocked(lines: readonly IndexLine[]): Promise<void> {
    return appendIndexLines(this.root, lines);
  }

  /** The index as on disk: the cached entries plus any appended bytes, or the whole file when it was replaced. */
  private async load(): Promise<Parsed> {
    const info = await stat(this.file).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
    if (!info) {
      this.cache = undefined;
      return { entries: new Map(), problem: undefined };
    }
    const cache = this.cache;
    if (cache && cache.ino === info.ino && cache.size === info.size) return { entries: cache.entries, problem: undefined };
    if (cache && cache.ino === info.ino && info.size > cache.size) {
      const tail = await readRange(this.file, cache.size, info.size);
      // A line still being appended: read it whole next time.
      const complete = tail.slice(0, tail.lastIndexOf('\n') + 1);
      const entries = new Map(cache.entries);
      const problem = applyLines(complete, entries, cache.lines + 1);
      if (!problem) {
        this.cache = { ino: info.ino, size: cache.size + Buffer.byteLength(complete), lines: cache.lines + countLines(complete), entries, sorted: undefined };
        return { entries, problem: undefined };
      }
    }
    const text = await readFile(this.file, 'utf8');
    const entries = new Map<string, IndexEntry>();
    const problem = applyLines(text, entries, 1);
    this.cache = problem ? undefined : { ino: info.ino, size: Buffer.byteLength(text), lines: countLines(text), entries, sorted: undefined };
    return { entries, problem };
  }

  /**
   * A torn or corrupt line: under the lock (so no append is half done), read again; still bad, rewrite the file from
   * its good lines and the run folders, atomically.
   */
  private async repairTorn(): Promise<Parsed> {
    return withLock(join(this.root, '.lock'), async () => {
      this.cache = undefined;
      const again = await this.load();
      if (!again.problem) return again;
      this.warn(`Cutover: rebuilding the run index ${this.file}: ${again.problem}`);
      const entries = again.entries;
      for (const id of await this.runIds()) {
        if (entries.has(id)) continue;
        const entry = await this.entryOf(id);
        if (entry) entries.set(id, entry);
      }
      for (const id of [...entries.keys()]) if (!existsSync(join(this.root, id))) entries.delete(id);
      await this.rewriteLocked([...entries.values()].sort(oldestFirst));
      this.cache = undefined;
      return this.load();
    });
  }

  /** Adds the run folders the index misses and removes the lines whose folder is gone, appending both; true when it did. */
  private async reconcile(entries: ReadonlyMap<string, IndexEntry>): Promise<boolean> {
    const onDisk = await this.runIds();
    const missing = onDisk.filter((id) => !entries.has(id) && !this.problems.has(id));
    const present = new Set(onDisk);
    const gone = [...entries.keys()].filter((id) => !present.has(id));
    if (missing.length === 0 && gone.length === 0) return false;
    const added: IndexEntry[] = [];
    for (const id of missing) {
      const entry = await this.entryOf(id);
      if (entry) added.push(entry);
    }
    await withLock(join(this.root, '.lock'), async () => {
      // Another reader may have appended the same lines meanwhile (two windows opening a store without an index).
      const now = await this.load();
      const known = now.problem ? new Map<string, IndexEntry>() : now.entries;
      await this.appendLocked([
        ...added.filter((e) => !known.has(e.id)),
        ...gone.filter((id) => now.problem || known.has(id)).map(removalOf),
      ]);
    });
    return true;
  }

  private async runIds(): Promise<string[]> {
    return (await readdir(this.root)).filter(isRunId);
  }

  /** The entry of a run folder, or undefined (remembered in `problems`) when its run.json cannot be read. */
  private async entryOf(id: string): Promise<IndexEntry | undefined> {
    try {
      return indexEntryOf(await this.readRecord(id));
    } catch (error) {
      // A folder removed since the readdir is simply not a run any more.
      if (!existsSync(join(this.root, id))) return undefined;
      const message = error instanceof Error ? error.message : String(error);
      this.problems.set(id, message);
      this.warn(`Cutover: run ${id} is left out of the run index ${this.file}: ${message}`);
      return undefined;
    }
  }

  /** Replaces the file with `entries` (temp file, fsync, rename); the caller holds the lock. */
  private async rewriteLocked(entries: readonly IndexEntry[]): Promise<void> {
    const temp = `${this.file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
    const handle = await open(temp, 'wx');
    try {
      await handle.write(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
  }
}

/** Appends `lines` to the index of the store at `root` in one O_APPEND write, fsynced; the caller holds the store's lock. */
export async function appendIndexLines(root: string, lines: readonly IndexLine[]): Promise<void> {
  if (lines.length === 0) return;
  const handle = await open(indexFileOf(root), 'a');
  try {
    await handle.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function newestFirst(a: IndexEntry, b: IndexEntry): number {
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function oldestFirst(a: IndexEntry, b: IndexEntry): number {
  return -newestFirst(a, b);
}

async function readRange(file: string, start: number, end: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
