/**
 * A runbook run recorded in the workspace's run store (kind `runbook`), so the Runbooks view, the Runs view and CI
 * see every step's state, exit code and duration however the run was started. The record's `results` hold
 * `{ runbook: <absolute file>, title, steps: StepResult[], planned, current }`, written as each step starts and ends
 * while the run goes on (`planned`: the runnable steps selected; `current`: the step running, null between steps and
 * at the end); the steps' output goes to `logs/runbook.log` (with a marker line per step and per exit), and each
 * block that ran is a command of the record.
 */
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import type { CommandRecord, RunRecord } from '../runs/record';
import { RunStore } from '../runs/store';
import type { RunStepsOptions, StepEvent } from './execute';
import { runSteps, selectSteps } from './execute';
import type { Runbook, StepResult } from './model';

export const RUNBOOK_RUN_KIND = 'runbook';

/** What a runbook record keeps under `results`. */
export interface RunbookRunResults {
  /** Absolute path of the runbook file. */
  readonly runbook: string;
  readonly title: string;
  readonly steps: readonly StepResult[];
}

export interface RecordOptions extends RunStepsOptions {
  /** The workspace whose `.cutover/runs` receives the record. */
  readonly workspace: string;
  /** Absolute path of the runbook file. */
  readonly file: string;
  /** The command line that started the run, for the record. */
  readonly argv?: readonly string[];
  /** The run's id when the caller chose it (`cutover --run-id`). */
  readonly runId?: string | undefined;
}

export interface RecordedRun {
  readonly results: StepResult[];
  readonly record: RunRecord;
  readonly runDir: string;
}

/** runSteps, with the run recorded: verdict pass when no step failed, fail at a failed step; stopped (no verdict) when cancelled. */
export async function runAndRecord(runbook: Runbook, options: RecordOptions): Promise<RecordedRun> {
  const store = new RunStore(options.workspace);
  const run = await store.begin(RUNBOOK_RUN_KIND, { ...(options.argv && { argv: options.argv }), cwd: options.cwd, id: options.runId });
  const logFile = run.logPath('runbook');
  const log = createWriteStream(logFile);
  const stdout = tee(options.stdout, log);
  const stderr = tee(options.stderr ?? options.stdout, log);
  const commands: CommandRecord[] = [];
  // Steps as they end, so a viewer of the store sees each one land while the run goes on, and which are to come.
  const done: StepResult[] = [];
  const planned = selectSteps(runbook, options).filter((s) => s.runnable).map((s) => s.id);
  // A snapshot that cannot be written only delays what a viewer sees; the run goes on, and its log says why.
  const progress = (current: string | null): void => {
    run.progress({ runbook: options.file, title: runbook.title, planned, steps: [...done], current }).catch((error: unknown) => {
      stderr.write(`cutover: could not record the runbook's progress in ${run.dir}: ${(error as Error).message}\n`);
    });
  };
  const onStep = (event: StepEvent): void => {
    // Step markers keep the log readable on its own.
    if (event.phase === 'start') {
      log.write(`== step ${event.step.id}: ${event.step.title}\n`);
      progress(event.step.id);
    }
    if (event.phase === 'end') {
      done.push(event.result);
      progress(null);
    }
    if (event.phase === 'block-end') {
      log.write(`== exit ${event.run.exitCode}${event.run.signal ? ` (${event.run.signal})` : ''} in ${Math.round(event.run.ms)} ms\n`);
      commands.push({
        name: `step ${event.step.id}`,
        argv: ['bash', '-e', '-o', 'pipefail', '-c', event.block.code],
        cwd: options.cwd,
        exitCode: event.run.signal === undefined ? event.run.exitCode : null,
        ...(event.run.signal !== undefined && { signal: event.run.signal }),
        ms: Math.round(event.run.ms),
        log: run.relative(logFile),
      });
    }
    options.onStep?.(event);
  };

  let steps: StepResult[] = [];
  const parts = (): { results: Record<string, unknown>; commands: CommandRecord[] } => {
    const results: RunbookRunResults = { runbook: options.file, title: runbook.title, steps };
    return { results: { ...results, current: null }, commands };
  };
  try {
    steps = await runSteps(runbook, { ...options, stdout, stderr, onStep });
  } catch (error) {
    await closeLog(log);
    await run.fail(error, parts());
    throw error;
  }
  await closeLog(log);
  const failed = steps.find((r) => r.state === 'failed');
  if (options.signal?.aborted) {
    const when = failed ? `during step ${failed.stepId} (${failed.title})` : 'before its steps ran';
    const record = await run.stop(`runbook stopped ${when}`, parts());
    return { results: steps, record, runDir: run.finalDir };
  }
  const reasons = failed
    ? [`step ${failed.stepId} (${failed.title}) failed with exit ${failed.exitCode}`, ...notRun(steps)]
    : [`${steps.filter((r) => r.state === 'passed').length} steps passed`, ...manual(steps)];
  const record = await run.finish({ verdict: { verdict: failed ? 'fail' : 'pass', reasons }, ...parts() });
  return { results: steps, record, runDir: run.finalDir };
}

function notRun(steps: readonly StepResult[]): string[] {
  const n = steps.filter((r) => r.state === 'not-run').length;
  return n > 0 ? [`${n} steps not run`] : [];
}

function manual(steps: readonly StepResult[]): string[] {
  const n = steps.filter((r) => r.state === 'manual').length;
  return n > 0 ? [`${n} manual steps not run`] : [];
}

/** Writes to `target` and to the log; never ends either (the caller's stream stays open). */
function tee(target: NodeJS.WritableStream, log: NodeJS.WritableStream): NodeJS.WritableStream {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      target.write(chunk);
      log.write(chunk);
      done();
    },
  });
}

function closeLog(log: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => log.end(resolve));
}
