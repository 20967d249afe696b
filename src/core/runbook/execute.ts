/**
 * Runs runbook blocks the way a terminal would, for the CLI and CI: each block is one `bash -e -o pipefail -c <code>`
 * (the code passed as a single argument, never spliced into a command line), in its own process group so that a
 * cancel stops everything it started. Run All stops at the first failure.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { RuntimeError, UsageError } from '../errors';
import type { Runbook, RunbookBlock, RunbookStep, StepResult } from './model';

export interface BlockRun {
  readonly exitCode: number;
  readonly ms: number;
  /** Set when a signal ended the shell; `exitCode` is then 128 + its number, as a shell reports it. */
  readonly signal?: string;
}

export interface ExecOptions {
  /** Working directory of the shell: the runbook's workspace. */
  readonly cwd: string;
  /** Merged over the current process environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Receives the shell's stdout. */
  readonly stdout: NodeJS.WritableStream;
  /** Receives the shell's stderr; defaults to `stdout`. */
  readonly stderr?: NodeJS.WritableStream;
  readonly signal?: AbortSignal;
  /** After a cancel, how long the group gets to exit on SIGTERM before SIGKILL. */
  readonly killGraceMs?: number;
}

const DEFAULT_KILL_GRACE_MS = 3000;

/** Runs one block's code in bash. Rejects with RuntimeError only when bash cannot be started. */
export function runBlock(code: string, options: ExecOptions): Promise<BlockRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', code], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      // No terminal to read from: a command waiting for input gets end-of-file instead of hanging the run.
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout = options.stdout;
    const stderr = options.stderr ?? stdout;
    // Not piped with end: true, so the caller's streams stay open for the next block.
    child.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));

    let killTimer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
      killTimer.unref();
    };
    if (options.signal?.aborted) kill();
    else options.signal?.addEventListener('abort', kill, { once: true });

    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', kill);
      const reason = error.code === 'ENOENT' ? `bash not found on PATH (needed to run runbook steps)` : error.message;
      reject(new RuntimeError(`cannot start the step's shell: ${reason}`, undefined, { cause: error }));
    });
    // 'close' (not 'exit') so that all output has been forwarded before the result is reported.
    child.on('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', kill);
      if (killTimer) clearTimeout(killTimer);
      const ms = performance.now() - started;
      if (signal) resolve({ exitCode: 128 + (constants.signals[signal] ?? 0), ms, signal });
      else resolve({ exitCode: exitCode ?? 1, ms });
    });
  });
}

/** Signals the whole process group (negative pid); the group may already be gone. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: every process of the group has exited.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** `start`, `block` and `block-end` come only for steps that run; `end` comes for every selected step. */
export type StepEvent =
  | { readonly phase: 'start'; readonly step: RunbookStep }
  | { readonly phase: 'block'; readonly step: RunbookStep; readonly block: RunbookBlock }
  | { readonly phase: 'block-end'; readonly step: RunbookStep; readonly block: RunbookBlock; readonly run: BlockRun }
  | { readonly phase: 'end'; readonly step: RunbookStep; readonly result: StepResult };

export interface RunStepsOptions extends ExecOptions {
  /** Start at this step (its id), running it and every step after it. */
  readonly from?: string;
  /** Run only this step (its id). */
  readonly only?: string;
  readonly onStep?: (event: StepEvent) => void;
}

/**
 * Runs the selected steps in order and stops at the first failure: the steps after it are reported `not-run`, as
 * are all remaining steps once `signal` is aborted. Manual steps are reported `manual` and never block the run;
 * group headings (no blocks of their own) are not reported. Only the selected steps appear in the results.
 */
export async function runSteps(runbook: Runbook, options: RunStepsOptions): Promise<StepResult[]> {
  const selected = selectSteps(runbook, options);
  const results: StepResult[] = [];
  let stopped = false;
  for (const step of selected) {
    const base = { stepId: step.id, title: step.title };
    let result: StepResult;
    if (!step.runnable) {
      result = { ...base, state: 'manual' };
    } else if (stopped || options.signal?.aborted) {
      result = { ...base, state: 'not-run' };
    } else {
      options.onStep?.({ phase: 'start', step });
      result = await runStep(step, options);
      stopped = result.state === 'failed';
    }
    results.push(result);
    options.onStep?.({ phase: 'end', step, result });
  }
  return results;
}

/** The steps `from` / `only` select, groups left out. UsageError naming the step ids when one is unknown. */
export function selectSteps(runbook: Runbook, options: { readonly from?: string; readonly only?: string }): RunbookStep[] {
  const steps = runbook.steps.filter((s) => !s.group);
  const indexOf = (id: string, flag: string): number => {
    const at = runbook.steps.findIndex((s) => s.id === id);
    if (at < 0) {
      const known = runbook.steps.map((s) => s.id).join(', ') || 'none';
      throw new UsageError(`${flag}: no step ${id} in this runbook (steps: ${known})`);
    }
    return at;
  };
  if (options.only !== undefined) {
    const step = runbook.steps[indexOf(options.only, '--step')]!;
    // A group stands for its sub-steps.
    return step.group ? steps.filter((s) => isInside(runbook, s, step.id)) : [step];
  }
  if (options.from !== undefined) {
    const first = indexOf(options.from, '--from');
    return steps.filter((s) => runbook.steps.indexOf(s) >= first);
  }
  return steps;
}

function isInside(runbook: Runbook, step: RunbookStep, ancestor: string): boolean {
  for (let s: RunbookStep | undefined = step; s?.parent !== undefined; s = runbook.steps.find((p) => p.id === s!.parent)) {
    if (s.parent === ancestor) return true;
  }
  return false;
}

/** Runs a step's runnable blocks in order; the first failing block fails the step. */
async function runStep(step: RunbookStep, options: RunStepsOptions): Promise<StepResult> {
  let ms = 0;
  let last: BlockRun | undefined;
  for (const block of step.blocks) {
    if (!block.runnable) continue;
    options.onStep?.({ phase: 'block', step, block });
    last = await runBlock(block.code, options);
    options.onStep?.({ phase: 'block-end', step, block, run: last });
    ms += last.ms;
    if (last.exitCode !== 0) break;
  }
  const run = last!;
  return {
    stepId: step.id,
    title: step.title,
    state: run.exitCode === 0 ? 'passed' : 'failed',
    exitCode: run.exitCode,
    ms: Math.round(ms),
    ...(run.signal !== undefined && { signal: run.signal }),
  };
}
