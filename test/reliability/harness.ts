/**
 * What every reliability check shares: the `cutover` CLI as a process of its own (so it can be run 8 at a time and
 * killed), a fresh example workspace, the run store's consistency check, leftover-process detection, and the figure
 * each check reports (cases tried, passed, lost), which RELIABILITY.md prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isRunId } from '../../src/core/runs/id';
import { parseIndexLine } from '../../src/core/runs/indexEntry';
import { indexFileOf } from '../../src/core/runs/indexFile';
import { isAlive } from '../../src/core/runs/lock';
import { RunStore } from '../../src/core/runs/store';
import { exampleWorkspace } from '../unit/shadow/workspace';

export const REPO = resolve(__dirname, '..', '..');
const CLI = join(REPO, 'src', 'cli', 'main.ts');

/** One line of RELIABILITY.md: how many cases were tried, how many behaved, what was lost, and the failures. */
export interface Figure {
  readonly area: string;
  readonly check: string;
  tried: number;
  passed: number;
  /** Run records, files or data that a case lost or corrupted (0 is the goal everywhere). */
  lost: number;
  readonly failures: string[];
  /** How the cases fell, e.g. where a kill landed: { 'not begun': 3, interrupted: 14, complete: 3 }. */
  readonly detail: Record<string, number>;
}

export function figure(area: string, check: string): Figure {
  return { area, check, tried: 0, passed: 0, lost: 0, failures: [], detail: {} };
}

export function note(f: Figure, what: string): void {
  f.detail[what] = (f.detail[what] ?? 0) + 1;
}

/** Counts a case: passed when `problems` is empty, else its first problems are kept for the report. */
export function tally(f: Figure, label: string, problems: readonly string[], lost = 0): void {
  f.tried += 1;
  f.lost += lost;
  if (problems.length === 0) f.passed += 1;
  else if (f.failures.length < 10) f.failures.push(`${label}: ${problems.slice(0, 3).join('; ')}`);
}

export interface CliOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly done: Promise<CliOutcome>;
}

/** Starts `cutover <args>` in `cwd` as its own process group (so a kill reaches it alone). */
export function startCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  const done = new Promise<CliOutcome>((resolveDone, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolveDone({
      code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
    }));
  });
  return { child, done };
}

export function cli(args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<CliOutcome> {
  return startCli(args, cwd, env).done;
}

/** A fresh copy of examples/loan-cutover with 10k loans and the daily partitions, plus a one-step runbook. */
export function workspace(prefix: string): string {
  const ws = exampleWorkspace(`cutover reliability ${prefix} `, []);
  writeFileSync(join(ws, 'runbooks', 'quick.md'), '# Quick\n\n## Steps\n\n### Say hello\n\n```sh\necho hello\n```\n\n### Wait a little\n\n```sh\nsleep 0.3\necho waited\n```\n');
  return ws;
}

/**
 * Problems of the run store in `ws` when no run is in progress: every entry is a run folder with a valid run.json
 * (no temp folder of a dead process left, no lock left, no stray temp file in a run folder). `expectIds`, when
 * given, must all be present.
 */
export async function storeProblems(ws: string, expectIds: readonly string[] = []): Promise<string[]> {
  const store = new RunStore(ws);
  const problems: string[] = [];
  if (!existsSync(store.root)) return expectIds.length > 0 ? [`no run store at ${store.root}`] : [];
  for (const name of readdirSync(store.root)) {
    // A lock left by a process killed while holding it is stale and taken over by the next locker (lock.ts).
    if (name === '.lock' && isAlive(Number.parseInt(readFileSync(join(store.root, name), 'utf8'), 10))) problems.push('a .lock file held by a live process');
    else if (name.startsWith('.tmp-')) {
      // A run killed between creating its folder and writing its pid is recovered after a minute (store.ts): until
      // then it cannot be told from a run beginning.
      const young = !existsSync(join(store.root, name, 'pid')) && Date.now() - statSync(join(store.root, name)).mtimeMs < 60_000;
      if (!young) problems.push(`temp folder ${name} left in place`);
    }
    else if (name.startsWith('.trash-')) problems.push(`trash folder ${name} left in place`);
    else if (!isRunId(name) && join(store.root, name) !== indexFileOf(store.root)) problems.push(`unexpected entry ${name}`);
    else if (isRunId(name)) {
      const stray = readdirSync(join(store.root, name)).filter((f) => f.includes('.tmp-'));
      if (stray.length > 0) problems.push(`run ${name} holds temp files ${stray.join(', ')}`);
    }
  }
  const { runs, problems: unreadable } = await store.scan();
  for (const p of unreadable) problems.push(`run ${p.id} unreadable: ${p.message}`);
  const ids = new Set(runs.map((r) => r.id));
  for (const id of expectIds) if (!ids.has(id)) problems.push(`run ${id} missing`);
  problems.push(...indexProblems(store.root, ids));
  return problems;
}

/**
 * The index (`index.jsonl`) against the run folders, read as it lies on disk: every line whole and parsed, and
 * the last line of each id naming exactly the runs whose folders are there, with their status.
 */
export function indexProblems(root: string, runs: ReadonlySet<string>): string[] {
  const file = indexFileOf(root);
  const INDEX_FILE = basename(file);
  if (!existsSync(file)) return runs.size > 0 ? [`${INDEX_FILE} missing with ${runs.size} runs in the store`] : [];
  const text = readFileSync(file, 'utf8');
  const problems: string[] = [];
  if (text !== '' && !text.endsWith('\n')) problems.push(`${INDEX_FILE}: torn last line`);
  const listed = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    let parsed;
    try {
      parsed = parseIndexLine(line);
    } catch (error) {
      problems.push(`${INDEX_FILE}:${i + 1}: ${(error as Error).message}`);
      return;
    }
    if (!parsed) problems.push(`${INDEX_FILE}:${i + 1}: not an index line`);
    else if ('deleted' in parsed) listed.delete(parsed.id);
    else listed.add(parsed.id);
  });
  const missing = [...runs].filter((id) => !listed.has(id));
  const extra = [...listed].filter((id) => !runs.has(id));
  if (missing.length > 0) problems.push(`${INDEX_FILE} lacks ${missing.length} runs (${missing.slice(0, 3).join(', ')})`);
  if (extra.length > 0) problems.push(`${INDEX_FILE} lists ${extra.length} runs without a folder (${extra.slice(0, 3).join(', ')})`);
  return problems;
}

/** Processes (other than this one) whose command line or working folder lies inside `dir`: leftovers of a run. */
export function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue; // a zombie is reaped by its parent, not a running leftover
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch (error) {
        // Another user's process (this sandbox hides even some of root's): its command line still counts.
        if (!['ENOENT', 'EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      }
      if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) found.push(`${pid} ${cmdline.slice(0, 120)}`);
    } catch (error) {
      // The process ended while we looked.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return found;
}

/** Waits up to `ms` for no process to remain in `dir`; returns those that stayed. */
export async function settleProcesses(dir: string, ms = 5000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = processesIn(dir);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A stack trace printed to a user: "    at fn (file:line:col)". */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(].*\d+:\d+\)?$/m.test(text);
}
