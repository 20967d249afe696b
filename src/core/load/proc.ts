/**
 * Reading processes from Linux's /proc: one process's `stat` line parsed (pure), and a snapshot of every process
 * on the machine. The sampler (sampler.ts) and the zombie/orphan check (leftovers.ts) both read through here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { RuntimeError } from '../errors';

/** One process as /proc/<pid>/stat describes it (see proc(5)). */
export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  /** R running, S sleeping, D disk, Z zombie, T stopped, … */
  readonly state: string;
  readonly ppid: number;
  /** Process group: a pipeline spawned detached leads its own, and its descendants stay in it unless they leave. */
  readonly pgid: number;
  /** CPU time in clock ticks: own user + system, and that of the children it has waited for. */
  readonly ticks: number;
  readonly threads: number;
  readonly rssPages: number;
  /** Clock ticks after boot at which the process started: with the pid, it names a process across pid reuse. */
  readonly startTicks: number;
}

/**
 * Parses a /proc/<pid>/stat line. The command name is in parentheses and may itself hold spaces and ')', so the
 * fields are counted from the LAST ')'. Returns undefined for a line that is not a stat line.
 */
export function parseStat(line: string): ProcStat | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  // Fields after the name, numbered from 3 (state) as in proc(5).
  const f = line.slice(close + 2).split(' ');
  const field = (n: number): number => Number(f[n - 3]);
  const state = f[0];
  if (!Number.isInteger(pid) || state === undefined || f.length < 22) return undefined;
  const stat: ProcStat = {
    pid,
    comm: line.slice(open + 1, close),
    state,
    ppid: field(4),
    pgid: field(5),
    ticks: field(14) + field(15) + field(16) + field(17),
    threads: field(20),
    startTicks: field(22),
    rssPages: field(24),
  };
  return Object.values(stat).some((v) => typeof v === 'number' && !Number.isFinite(v)) ? undefined : stat;
}

/** True for the errors a process that exited between listing and reading gives. */
function vanished(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/** The stat of one process, undefined when it is gone. */
export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch (error) {
    if (vanished(error)) return undefined;
    throw error;
  }
}

/** Open file descriptors of a process; 0 when it is gone or not ours to look at (EACCES: another user's). */
export function openFiles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch (error) {
    if (vanished(error) || (error as NodeJS.ErrnoException).code === 'EACCES') return 0;
    throw error;
  }
}

/** The children of a process's main thread (Linux ≥ 3.5); [] when it is gone. */
export function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim();
    return text === '' ? [] : text.split(' ').map(Number);
  } catch (error) {
    if (vanished(error)) return [];
    throw error;
  }
}

/**
 * The tree under `root` reached from the processes known to be in it, by the kernel's children lists: reads only
 * the tree's own files, not the whole machine's. A child started by a thread other than the main one, or
 * re-parented away, is found by the next full `selectTree(snapshot())`.
 */
export function walkTree(known: Iterable<number>): ProcStat[] {
  const out = new Map<number, ProcStat>();
  const stack = [...known];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (out.has(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    out.set(pid, stat);
    stack.push(...childrenOf(pid));
  }
  return [...out.values()];
}

/** Every process on the machine now. */
export function snapshot(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/**
 * The processes of a tree: `root` and its descendants by parent, plus the members of the process group `root`
 * leads (a grandchild whose parent died is re-parented to init but stays in the group).
 */
export function selectTree(procs: readonly ProcStat[], root: number): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const chosen = new Map<number, ProcStat>();
  const stack = procs.filter((p) => p.pid === root || p.pgid === root);
  while (stack.length > 0) {
    const p = stack.pop() as ProcStat;
    if (chosen.has(p.pid)) continue;
    chosen.set(p.pid, p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return [...chosen.values()];
}

/** What the kernel counts CPU time and memory in; read once (getconf), since they differ between architectures. */
export interface MachineUnits {
  readonly clockTicksPerSecond: number;
  readonly pageBytes: number;
  readonly cpus: number;
}

let units: MachineUnits | undefined;

export function machineUnits(): MachineUnits {
  if (units) return units;
  const conf = (name: string): number => {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    if (!Number.isInteger(value) || value <= 0) throw new RuntimeError(`getconf ${name} gave "${value}", not a positive integer`);
    return value;
  };
  units = { clockTicksPerSecond: conf('CLK_TCK'), pageBytes: conf('PAGESIZE'), cpus: availableParallelism() };
  return units;
}
