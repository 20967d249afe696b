/**
 * The verdict of a switch (rollback or forward): pass only when the switch command and its verify exited 0 and the
 * two together stayed within the time budget. Every reason names the step and its exit code, or the time against
 * the budget, so the record says why without opening a log.
 */

export type SwitchDirection = 'rollback' | 'forward';
export type SwitchStep = 'switch' | 'verify';

/** How one step ended: an exit code, or the signal that ended it (`cancelled` when we stopped it). */
export interface StepEnd {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly cancelled: boolean;
}

export interface SwitchFacts {
  readonly direction: SwitchDirection;
  readonly command: StepEnd;
  /** Absent when the command failed (verify is then not run) or when no verify is configured. */
  readonly verify?: StepEnd;
  readonly verifyConfigured: boolean;
  readonly totalMs: number;
  readonly budgetSeconds: number;
}

export interface SwitchVerdict {
  readonly verdict: 'pass' | 'fail';
  readonly reasons: readonly string[];
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function ended(end: StepEnd): string {
  if (end.cancelled) return 'was cancelled';
  if (end.exitCode !== null) return `exited ${end.exitCode}`;
  return `was killed by ${end.signal ?? 'a signal'}`;
}

const ok = (end: StepEnd): boolean => end.exitCode === 0 && !end.cancelled;

export function judgeSwitch(f: SwitchFacts): SwitchVerdict {
  const reasons: string[] = [];
  if (!ok(f.command)) {
    reasons.push(`${f.direction} command ${ended(f.command)}; verify not run`);
  } else if (f.verify && !ok(f.verify)) {
    reasons.push(`verify command ${ended(f.verify)} after the ${f.direction} command exited 0`);
  }
  const overBudget = f.totalMs > f.budgetSeconds * 1000;
  if (overBudget) reasons.push(`took ${formatSeconds(f.totalMs)} > budget ${f.budgetSeconds} s`);
  if (reasons.length > 0) return { verdict: 'fail', reasons };
  const within = `took ${formatSeconds(f.totalMs)} ≤ budget ${f.budgetSeconds} s`;
  return {
    verdict: 'pass',
    reasons: f.verifyConfigured
      ? [`${f.direction} and verify exited 0`, within]
      : [`${f.direction} exited 0`, within, `not verified: no "${f.direction}.verify" command in cutover.json`],
  };
}
