/**
 * What a pipeline left behind once it exited: processes of its tree still alive (orphans, re-parented to init) or
 * dead but never reaped (zombies). A process counts when it is in the process group the pipeline led, or when the
 * sampler saw it in the tree (same pid AND start time, so a recycled pid is not blamed on the pipeline).
 */
import type { ProcStat } from './proc';
import type { SeenProcess } from './sampler';

export interface Leftover {
  readonly pid: number;
  readonly comm: string;
  readonly kind: 'zombie' | 'orphan';
}

export function findLeftovers(procs: readonly ProcStat[], root: number, seen: readonly SeenProcess[]): Leftover[] {
  const known = new Set(seen.map((s) => `${s.pid}@${s.startTicks}`));
  return procs
    .filter((p) => p.pgid === root || known.has(`${p.pid}@${p.startTicks}`))
    .map((p) => ({ pid: p.pid, comm: p.comm, kind: p.state === 'Z' ? 'zombie' as const : 'orphan' as const }))
    .sort((a, b) => a.pid - b.pid);
}
