/**
 * The run store: `<workspace>/.cutover/runs/<run-id>/` with `run.json` (see record.ts), logs and result files.
 *
 * API (stable, used by `cutover shadow`):
 *   const store = new RunStore(workspaceRoot);
 *   const run = await store.begin('shadow', { argv, cwd, thresholds });  // RunWriter
 *   run.dir / run.id / run.logPath('v1')                                 // write files into run.dir
 *   await run.phase('compare', async () => …);  run.addCommand({...});  await run.addFile('inputs', path, {...});
 *   await run.finish({ verdict, results });   or   await run.fail(error);   or   await run.stop(why);  → the final RunRecord
 *   await store.list()  (newest first; only reads) / store.read(id) / store.delete(id)
 *   await store.recoverInterrupted()  (an explicit step: a new run's begin, `cutover runs`, the extension's activation)
 *
 * Atomicity: a run is written in `.cutover/runs/.tmp-<id>/` (created exclusively, with a `pid` file), `run.json`
 * last, then the folder is renamed to `<id>`: a reader never sees half a run. A temp folder whose process is dead
 * is moved into place as `interrupted` by `recoverInterrupted()`, under a lock file with stale-lock recovery.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { InputError, isNotFound, noSpaceError, StoppedError, UsageError } from '../errors';
import { sha256Files } from './hash';
import { checkRunId, isRunId, newRunId } from './id';
import { indexEntryOf, removalOf } from './indexEntry';
import { appendIndexLines, INDEX_FILE, indexFileOf, RunIndex } from './indexFile';
import { isAlive, withLock } from './lock';
import type { CommandRecord, FileRecord, RunRecord, VerdictRecord } from './record';

/**
 * The run.json schema, loaded on first use: zod and the schema cost tens of milliseconds to evaluate, and the
 * extension reaches this module while it activates. (A require inside a function stays lazy in the bundle too.)
 */
function runRecordSchema(): typeof import('./record').RunRecord {
  return (require('./record') as typeof import('./record')).RunRecord;
}

declare const CUTOVER_VERSION: string | undefined;

const tmpPrefix = '.tmp-';

export interface BeginMeta {
  readonly argv?: readonly string[];
  readonly cwd?: string;
  readonly thresholds?: Record<string, unknown>;
  /** The run's id, chosen by the caller (`cutover --run-id`, so the extension knows which run it launched). */
  readonly id?: string | undefined;
}

/** What a caller adds when closing a run; lists are appended to what the writer collected. */
export interface RunParts {
  readonly verdict?: VerdictRecord;
  readonly results?: Record<string, unknown>;
  readonly thresholds?: Record<string, unknown>;
  readonly inputs?: readonly FileRecord[];
  readonly outputs?: readonly FileRecord[];
  readonly commands?: readonly CommandRecord[];
  readonly duckdbVersion?: string;
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
    await rename(temp, file);
  } catch (error) {
    // A failed write (a full disk) leaves no temp file in the run folder.
    await rm(temp, { force: true });
    throw noSpaceError(error, file);
  }
}

export class RunWriter {
  private record: RunRecord;
  private done = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly id: string, readonly dir: string, readonly finalDir: string, record: RunRecord) {
    this.record = record;
  }

  /** True once finish() or fail() has run: the folder is then at `finalDir`. */
  get closed(): boolean {
    return this.done;
  }

  /** Absolute path of a log file inside the run folder (`logs/<name>.log`). */
  logPath(name: string): string {
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    return join(this.dir, 'logs', `${name}.log`);
  }

  /** A path as stored in the record: relative when inside the run folder. */
  relative(path: string): string {
    const rel = relative(this.dir, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  }

  async phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.addPhase(name, performance.now() - started);
    }
  }

  addPhase(name: string, ms: number): void {
    this.record = { ...this.record, phases: [...this.record.phases, { name, ms: Math.round(ms) }] };
  }

  addCommand(command: CommandRecord): void {
    this.record = { ...this.record, commands: [...this.record.commands, { ...command, ...(command.log ? { log: this.relative(command.log) } : {}) }] };
  }

  /** Records an input or output file (or the several files behind one path) with its sha256 (computed unless given). */
  async addFile(list: 'inputs' | 'outputs', path: string, extra: Omit<FileRecord, 'path'> & { readonly paths?: readonly string[] } = {}): Promise<FileRecord> {
    const { paths, ...rest } = extra;
    const files = paths ?? [path];
    const bytes = (await Promise.all(files.map((f) => stat(f)))).reduce((sum, s) => sum + s.size, 0);
    const sha256 = rest.sha256 ?? await sha256Files(files);
    const entry: FileRecord = { path: this.relative(path), ...rest, sha256, bytes, ...(files.length > 1 ? { files: files.length } : {}) };
    this.record = { ...this.record, [list]: [...this.record[list], entry] };
    return entry;
  }

  /**
   * Shows how far a run in progress has got: merges `results` into the record and rewrites the temp folder's
   * run.json (still `running`), so a viewer of the store (`running()`) sees it before the run lands. Writes are
   * serialized; the last one wins. A failed write rejects the promise returned for it; later writes still run.
   */
  progress(results: Record<string, unknown>): Promise<void> {
    if (this.done) return Promise.resolve();
    this.record = { ...this.record, results: { ...this.record.results, ...results } };
    const snapshot = this.record;
    const write = this.writing.then(() => (this.done ? undefined : writeJsonAtomic(join(this.dir, 'run.json'), snapshot)));
    // The next write (and close) waits for this one, failed or not: its error belongs to this call's caller.
    this.writing = write.then(() => undefined, () => undefined);
    return write;
  }

  async finish(parts: RunParts = {}): Promise<RunRecord> {
    return this.close('complete', parts);
  }

  /** Closes the run as failed, or as stopped when `error` is a StoppedError (a cancel): every caller's one path. */
  async fail(error: unknown, parts: RunParts = {}): Promise<RunRecord> {
    if (error instanceof StoppedError) {
      const { verdict: _verdict, ...kept } = parts;
      return this.stop(error.message, kept);
    }
    const message = error instanceof Error ? error.message : String(error);
    const kind = typeof (error as { kind?: unknown })?.kind === 'string' ? (error as { kind: string }).kind : undefined;
    return this.close('failed', { verdict: { verdict: 'error', reasons: [message] }, ...parts }, { message, ...(kind ? { kind } : {}) });
  }

  /**
   * Closes a cancelled run as `stopped` with what it recorded so far (and `parts`), without a verdict: a stopped run
   * is never evidence. `why` says what stopped it, e.g. "stopped by SIGTERM (Cancel) after 12.0 s".
   */
  async stop(why: string, parts: Omit<RunParts, 'verdict'> = {}): Promise<RunRecord> {
    return this.close('stopped', parts, { message: why, kind: 'stopped' });
  }

  private async close(status: 'complete' | 'failed' | 'stopped', parts: RunParts, error?: RunRecord['error']): Promise<RunRecord> {
    if (this.done) throw new UsageError(`run ${this.id} is already closed`);
    this.done = true;
    // A progress write still in flight must not land after the final record.
    await this.writing;
    const r = this.record;
    // Commands ran inside the temp folder; record them with the paths their files have once it is renamed, so
    // the command lines in run.json can be re-run as they stand.
    const settled = (arg: string): string => arg.split(this.dir).join(this.finalDir);
    const commands = [...r.commands, ...(parts.commands ?? [])]
      .map((c) => ({ ...c, argv: c.argv.map(settled), cwd: settled(c.cwd) }));
    const record: RunRecord = runRecordSchema().parse({
      ...r,
      status,
      endedAt: new Date().toISOString(),
      thresholds: { ...r.thresholds, ...parts.thresholds },
      inputs: [...r.inputs, ...(parts.inputs ?? [])],
      outputs: [...r.outputs, ...(parts.outputs ?? [])],
      commands,
      versions: parts.duckdbVersion ? { ...r.versions, duckdb: parts.duckdbVersion } : r.versions,
      results: { ...r.results, ...parts.results },
      ...(parts.verdict ? { verdict: parts.verdict } : {}),
      ...(error ? { error } : {}),
    });
    // run.json last, then the pid file goes and the folder is renamed into place in one step.
    await writeJsonAtomic(join(this.dir, 'run.json'), record);
    await rm(join(this.dir, 'pid'), { force: true });
    await rename(this.dir, this.finalDir);
    this.record = record;
    // The run has landed; a missing index line is added by the next reader (the index is rebuilt from the folders).
    await appendToIndex(dirname(this.finalDir), record);
    return record;
  }
}

/** Appends a landed run's index line; a failure is logged, not thrown: the run is on disk and the index rebuilds. */
async function appendToIndex(root: string, record: RunRecord): Promise<void> {
  try {
    await withLock(join(root, '.lock'), () => appendIndexLines(root, [indexEntryOf(record)]));
  } catch (error) {
    process.stderr.write(`Cutover: run ${record.id} landed but its line was not added to ${indexFileOf(root)} (the next reader adds it): ${(error as Error).message}\n`);
  }
}

export class RunStore {
  readonly root: string;
  private runIndex: RunIndex | undefined;

  constructor(readonly workspaceRoot: string) {
    this.root = join(workspaceRoot, '.cutover', 'runs');
  }

  runDir(id: string): string {
    return join(this.root, id);
  }

  /**
   * The store's index (indexFile.ts), one per store object so its parsed lines are kept between reads. `warn` hears
   * of a rebuilt index or a run left out of it (the extension passes its log).
   */
  index(warn?: (message: string) => void): RunIndex {
    this.runIndex ??= new RunIndex(this.root, (id) => this.read(id), warn);
    return this.runIndex;
  }

  /**
   * Starts a run (under `meta.id` when given, else a new id). Runs that died unfinished are marked interrupted
   * first: starting a run is when the CLI looks after the store.
   */
  async begin(kind: string, meta: BeginMeta = {}): Promise<RunWriter> {
    const chosen = meta.id === undefined ? undefined : checkRunId(meta.id);
    await mkdir(this.root, { recursive: true });
    await this.recoverInterrupted();
    for (;;) {
      const id = chosen ?? newRunId();
      const dir = join(this.root, `${tmpPrefix}${id}`);
      if (chosen && existsSync(this.runDir(id))) throw new UsageError(`run ${id} already exists in ${this.root}`);
      try {
        // Non-recursive mkdir fails on an existing folder: each run owns its folder exclusively.
        await mkdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (chosen) throw new UsageError(`run ${id} already exists in ${this.root}`);
        continue;
      }
      const record: RunRecord = {
        schemaVersion: 1,
        id,
        kind,
        status: 'running',
        startedAt: new Date().toISOString(),
        ...(meta.argv ? { argv: [...meta.argv] } : {}),
        ...(meta.cwd ? { cwd: meta.cwd } : {}),
        phases: [],
        commands: [],
        inputs: [],
        outputs: [],
        thresholds: meta.thresholds ?? {},
        versions: { cutover: typeof CUTOVER_VERSION === 'string' ? CUTOVER_VERSION : 'dev', node: process.version },
        results: {},
      };
      try {
        await writeFile(join(dir, 'pid'), `${process.pid}\n`);
        // A running record, so a crash leaves something to recover as `interrupted`.
        await writeJsonAtomic(join(dir, 'run.json'), record);
      } catch (error) {
        // A run that could not even begin (a full disk) leaves no folder to recover.
        await rm(dir, { recursive: true, force: true });
        throw noSpaceError(error, join(dir, 'pid'));
      }
      return new RunWriter(id, dir, this.runDir(id), record);
    }
  }

  /**
   * Continues an interrupted run (a soak killed with kill -9, `cutover soak --resume`): its folder goes back to a temp
   * folder owned by this process, status running again, with everything it recorded so far. Only an interrupted run
   * of `kind` can be reopened.
   */
  async reopen(id: string, kind: string): Promise<RunWriter> {
    await this.recoverInterrupted();
    const record = await this.read(id);
    if (record.kind !== kind || record.status !== 'interrupted') {
      throw new UsageError(`run ${id} is a ${record.status} ${record.kind} run: only an interrupted ${kind} run can be resumed`);
    }
    const dir = join(this.root, `${tmpPrefix}${id}`);
    await withLock(join(this.root, '.lock'), async () => {
      await rename(this.runDir(id), dir);
      // Running again: out of the index until it lands again.
      await appendIndexLines(this.root, [removalOf(id)]);
    });
    await writeFile(join(dir, 'pid'), `${process.pid}\n`);
    const { endedAt: _ended, ...open } = record;
    const reopened: RunRecord = { ...open, status: 'running' };
    await writeJsonAtomic(join(dir, 'run.json'), reopened);
    return new RunWriter(id, dir, this.runDir(id), reopened);
  }

  /**
   * Moves temp folders of dead processes (a run killed or crashed before it landed) into place as `interrupted`;
   * returns their ids. The one place the store rewrites runs it did not begin.
   */
  async recoverInterrupted(): Promise<string[]> {
    if (!existsSync(this.root)) return [];
    const orphans: string[] = [];
    for (const name of await readdir(this.root)) {
      if (!name.startsWith(tmpPrefix)) continue;
      const dir = join(this.root, name);
      const pid = await readPid(dir);
      if (Number.isNaN(pid)) {
        // No pid yet: only a folder older than a minute is considered abandoned (begin writes the pid at once).
        const age = await stat(dir).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age < 60_000) continue;
      } else if (isAlive(pid)) {
        continue;
      }
      orphans.push(name);
    }
    if (orphans.length === 0) return [];
    return withLock(join(this.root, '.lock'), async () => {
      const recovered: string[] = [];
      for (const name of orphans) {
        const dir = join(this.root, name);
        if (!existsSync(dir)) continue; // another process recovered it first
        const id = name.slice(tmpPrefix.length);
        const found = runRecordSchema().safeParse(await readFile(join(dir, 'run.json'), 'utf8').then(JSON.parse, () => undefined));
        const base: RunRecord = found.success ? found.data : {
          schemaVersion: 1, id, kind: 'unknown', status: 'running', startedAt: new Date(0).toISOString(),
          phases: [], commands: [], inputs: [], outputs: [], thresholds: {}, versions: { cutover: 'unknown', node: 'unknown' }, results: {},
        };
        // A run that wrote its final record but died before the rename keeps its status.
        const record: RunRecord = base.status === 'running' ? { ...base, status: 'interrupted', endedAt: new Date().toISOString() } : base;
        await writeJsonAtomic(join(dir, 'run.json'), record);
        await rm(join(dir, 'pid'), { force: true });
        await rename(dir, this.runDir(id));
        await appendIndexLines(this.root, [indexEntryOf(record)]);
        recovered.push(id);
      }
      return recovered;
    });
  }

  /**
   * A cheap fingerprint for change polling: the store's folder names (a run lands by renaming `.tmp-<id>` to `<id>`)
   * with the time a run in progress last wrote its run.json, and whether a run is in progress (a temp folder of a
   * live process, or one just begun that has no pid yet).
   */
  async fingerprint(): Promise<{ names: string; busy: boolean }> {
    if (!existsSync(this.root)) return { names: '', busy: false };
    const names = (await readdir(this.root)).filter((n) => n !== '.lock' && !n.startsWith(INDEX_FILE)).sort();
    let busy = false;
    const parts: string[] = [];
    for (const name of names) {
      if (!name.startsWith(tmpPrefix)) {
        parts.push(name);
        continue;
      }
      const dir = join(this.root, name);
      // A run in progress rewrites its run.json as it goes (e.g. after each runbook step): that is a change too.
      const written = await stat(join(dir, 'run.json')).then((s) => s.mtimeMs, () => 0);
      parts.push(`${name}@${written}`);
      const pid = await readPid(dir);
      busy ||= Number.isNaN(pid) ? await stat(dir).then((s) => Date.now() - s.mtimeMs < 60_000, () => false) : isAlive(pid);
    }
    return { names: parts.join('\n'), busy };
  }

  /** Runs in progress (temp folders of live processes), newest first: what a viewer shows with a spinner. */
  async running(): Promise<RunRecord[]> {
    if (!existsSync(this.root)) return [];
    const runs: RunRecord[] = [];
    for (const name of (await readdir(this.root)).filter((n) => n.startsWith(tmpPrefix)).sort().reverse()) {
      const dir = join(this.root, name);
      const pid = await readPid(dir);
      if (Number.isNaN(pid) || !isAlive(pid)) continue;
      const found = runRecordSchema().safeParse(await readFile(join(dir, 'run.json'), 'utf8').then(JSON.parse, () => undefined));
      if (found.success && found.data.status === 'running') runs.push(found.data);
    }
    return runs;
  }

  /**
   * All runs, newest first. Only reads: a run whose process died stays a temp folder until `recoverInterrupted()`.
   * Folders without a valid run.json are skipped (see `scan`).
   */
  async list(): Promise<RunRecord[]> {
    return (await this.scan()).runs;
  }

  /** Like list(), also naming run folders whose run.json is unreadable or invalid. */
  async scan(): Promise<{ runs: RunRecord[]; problems: { id: string; message: string }[] }> {
    if (!existsSync(this.root)) return { runs: [], problems: [] };
    const ids = (await readdir(this.root)).filter(isRunId).sort().reverse();
    const runs: RunRecord[] = [];
    const problems: { id: string; message: string }[] = [];
    for (const id of ids) {
      try {
        runs.push(await this.read(id));
      } catch (error) {
        problems.push({ id, message: error instanceof Error ? error.message : String(error) });
      }
    }
    return { runs, problems };
  }

  /** The newest landed run of `kind` (with `status`, when given), found through the index: one run.json read. */
  async latest(kind: string, status?: RunRecord['status']): Promise<RunRecord | undefined> {
    const entry = (await this.index().entries()).find((e) => e.kind === kind && (status === undefined || e.status === status));
    return entry ? this.read(entry.id) : undefined;
  }

  /** The landed runs of `kind`, newest first, found through the index (only their run.json are read). */
  async ofKind(kind: string): Promise<RunRecord[]> {
    const ids = (await this.index().entries()).filter((e) => e.kind === kind).map((e) => e.id);
    return Promise.all(ids.map((id) => this.read(id)));
  }

  async read(id: string): Promise<RunRecord> {
    checkRunId(id);
    const file = join(this.runDir(id), 'run.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (isNotFound(error)) throw new UsageError(`no run ${id} in ${this.root}`);
      throw new InputError(`cannot read: ${(error as Error).message}`, { file });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError(`invalid JSON: ${(error as Error).message}`, { file });
    }
    const parsed = runRecordSchema().safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`not a valid run record: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`, { file });
    }
    return parsed.data;
  }

  async delete(id: string): Promise<void> {
    checkRunId(id);
    const dir = this.runDir(id);
    if (!existsSync(dir)) throw new UsageError(`no run ${id} in ${this.root}`);
    await withLock(join(this.root, '.lock'), async () => {
      // Renamed away first, so no reader sees a half-deleted run.
      const trash = join(this.root, `.trash-${id}-${randomBytes(3).toString('hex')}`);
      await rename(dir, trash);
      await appendIndexLines(this.root, [removalOf(id)]);
      await rm(trash, { recursive: true, force: true });
    });
  }
}

/** The pid a temp folder's run wrote; NaN while it has none yet (begin writes it right after creating the folder). */
async function readPid(dir: string): Promise<number> {
  try {
    return Number.parseInt(await readFile(join(dir, 'pid'), 'utf8'), 10);
  } catch (error) {
    if (isNotFound(error)) return Number.NaN;
    throw error;
  }
}
