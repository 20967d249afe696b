/**
 * A switch between V1 and V2 (`rollback` to V1, `forward` to V2): the configured command, then, only if it
 * succeeded, its verify command, timed together against the budget and recorded as a run of kind `rollback` or
 * `forward` with the go/no-go of the latest shadow run at that moment as the evidence for the decision.
 *
 * A switch that ran to the end is `complete` whatever its verdict; one that could not run (a missing executable) is
 * `failed`; one cancelled is `stopped`; one whose process was killed is found `interrupted` by the store's recovery.
 */
import { closeSync, openSync, statSync } from 'node:fs';
import type { LoadedConfig } from '../config/load';
import { resolveCwd } from '../config/resolve';
import type { SwitchConfig } from '../config/schema';
import { ConfigError, RuntimeError } from '../errors';
import type { PipelineRunResult, PlaceholderValues } from '../pipeline/run';
import { quoteForDisplay, runPipeline, substitute, succeeded } from '../pipeline/run';
import type { CommandRecord, RunRecord } from '../runs/record';
import type { RunWriter } from '../runs/store';
import { RunStore } from '../runs/store';
import { followFile } from './follow';
import type { GateAtStart } from './gate';
import { gateAtStart } from './gate';
import type { StepEnd, SwitchDirection, SwitchStep } from './verdict';
import { formatSeconds, judgeSwitch } from './verdict';

export type SwitchEvent =
  | { readonly type: 'begin'; readonly runId: string; readonly budgetSeconds: number }
  | { readonly type: 'gate'; readonly gate: GateAtStart }
  | { readonly type: 'start'; readonly step: SwitchStep; readonly name: string; readonly argv: readonly string[] }
  /** Output of the running command, as it is written to its log. */
  | { readonly type: 'output'; readonly step: SwitchStep; readonly text: string }
  | { readonly type: 'exit'; readonly step: SwitchStep; readonly result: PipelineRunResult }
  | { readonly type: 'error'; readonly step: SwitchStep; readonly error: Error }
  /** The budget ran out while a command was still running (it is not stopped: a half-done switch is worse). */
  | { readonly type: 'over-budget'; readonly budgetSeconds: number };

export interface SwitchOptions {
  /** Overrides the configured `budgetSeconds` (e.g. for a drill). */
  readonly budgetSeconds?: number;
  /** Aborting kills the running command's process tree; the run is then recorded as stopped. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: SwitchEvent) => void;
  /** The cutover command line and its working directory, for the record. */
  readonly argv?: readonly string[];
  readonly cwd?: string;
  /** The run's id when the caller chose it (`cutover --run-id`). */
  readonly runId?: string | undefined;
}

export interface SwitchOutcome {
  readonly record: RunRecord;
  /** The run's folder once closed. */
  readonly runDir: string;
}

/** What a switch's `results` hold in run.json. */
export interface SwitchResults {
  readonly direction: SwitchDirection;
  readonly totalMs: number;
  readonly budgetSeconds: number;
  readonly gateAtStart: GateAtStart | null;
}

/** The `rollback` or `forward` section; a ConfigError saying what to add when it is missing. */
export function switchConfig(loaded: LoadedConfig, direction: SwitchDirection): SwitchConfig {
  const section = loaded.config[direction];
  if (section) return section;
  const target = direction === 'rollback' ? 'v1' : 'v2';
  throw new ConfigError(
    `no "${direction}" section: add one that says how to switch production to ${target.toUpperCase()}, e.g. ` +
      `"${direction}": { "command": ["node", "scripts/switch-pipeline.mjs", "${target}"], "verify": ["node", "scripts/verify-active.mjs", "${target}"], "budgetSeconds": 300 }`,
    { file: loaded.file },
  );
}

/** A switch has no input or output: a command that names them is a configuration error, found before anything runs. */
function checkPlaceholders(loaded: LoadedConfig, direction: SwitchDirection, section: SwitchConfig): void {
  const probe: PlaceholderValues = { runDir: '', workspaceFolder: '' };
  for (const [key, args] of [['command', section.command], ['verify', section.verify]] as const) {
    if (!args) continue;
    try {
      substitute(args, probe);
    } catch (error) {
      throw new ConfigError(`${direction}.${key}: ${(error as Error).message} (a switch has only \${runDir} and \${workspaceFolder})`, { file: loaded.file });
    }
  }
}

export async function runSwitch(loaded: LoadedConfig, direction: SwitchDirection, options: SwitchOptions = {}): Promise<SwitchOutcome> {
  const section = switchConfig(loaded, direction);
  checkPlaceholders(loaded, direction, section);
  const cwd = resolveCwd(loaded, section.cwd);
  const budgetSeconds = options.budgetSeconds ?? section.budgetSeconds;
  const emit = (e: SwitchEvent): void => options.onEvent?.(e);

  const store = new RunStore(loaded.dir);
  const run = await store.begin(direction, {
    ...(options.argv ? { argv: options.argv } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    thresholds: { budgetSeconds, gate: loaded.config.gate },
    id: options.runId,
  });
  emit({ type: 'begin', runId: run.id, budgetSeconds });
  let gate: GateAtStart | null = null;
  let totalMs = 0;
  const results = (): SwitchResults => ({ direction, totalMs: Math.round(totalMs), budgetSeconds, gateAtStart: gate });
  try {
    gate = await gateAtStart(store, loaded.config.gate);
    emit({ type: 'gate', gate });

    const values: PlaceholderValues = { runDir: run.dir, workspaceFolder: loaded.dir };
    const t0 = performance.now();
    // setTimeout overflows past 2^31 - 1 ms (about 24 days) and would fire at once.
    const budgetTimer = setTimeout(() => emit({ type: 'over-budget', budgetSeconds }), Math.min(budgetSeconds * 1000, 2 ** 31 - 1));
    budgetTimer.unref();
    let command: PipelineRunResult;
    let verify: PipelineRunResult | undefined;
    try {
      command = await run.phase('switch', () => step(run, 'switch', direction, section.command, values, cwd, options.signal, emit));
      if (succeeded(command) && section.verify) {
        verify = await run.phase('verify', () => step(run, 'verify', 'verify', section.verify ?? [], values, cwd, options.signal, emit));
      }
    } finally {
      totalMs = performance.now() - t0;
      clearTimeout(budgetTimer);
    }
    const cancelled = [command, verify].find((r) => r?.cancelled);
    if (cancelled) {
      const record = await run.stop(`${direction} stopped: the ${cancelled.name} command was cancelled after ${formatSeconds(cancelled.durationMs)}`, { results: { ...results() } });
      return { record, runDir: run.finalDir };
    }
    const { verdict, reasons } = judgeSwitch({
      direction,
      command: stepEnd(command),
      ...(verify ? { verify: stepEnd(verify) } : {}),
      verifyConfigured: section.verify !== undefined,
      totalMs,
      budgetSeconds,
    });
    const record = await run.finish({ verdict: { verdict, reasons: [...reasons] }, results: { ...results() } });
    return { record, runDir: run.finalDir };
  } catch (error) {
    // A step that could not start (or anything unexpected) still closes the run, so nothing is left `running`.
    const record = await run.fail(error, { results: { ...results() } });
    if (error instanceof RuntimeError) return { record, runDir: run.finalDir };
    throw error;
  }
}

function stepEnd(r: PipelineRunResult): StepEnd {
  return { exitCode: r.exitCode, signal: r.signal, cancelled: r.cancelled };
}

/** Runs one command with its output followed live; records it, also when it cannot start. */
async function step(
  run: RunWriter,
  which: SwitchStep,
  name: string,
  command: readonly string[],
  values: PlaceholderValues,
  cwd: string,
  signal: AbortSignal | undefined,
  emit: (e: SwitchEvent) => void,
): Promise<PipelineRunResult> {
  const argv = substitute(command, values);
  const logFile = run.logPath(name);
  const record = (r: Pick<CommandRecord, 'exitCode' | 'ms'> & { signal?: string | null }): void =>
    run.addCommand({ name, argv, cwd, exitCode: r.exitCode, ...(r.signal ? { signal: r.signal } : {}), ms: Math.round(r.ms), log: logFile });
  emit({ type: 'start', step: which, name, argv });
  // The log exists even when the command cannot start, so the follower always has a file to read.
  closeSync(openSync(logFile, 'a'));
  // runPipeline first writes this header; the child may print before runPipeline returns, so the offset where its
  // output starts is computed, not measured afterwards.
  const header = `$ ${argv.map(quoteForDisplay).join(' ')}\n# cwd: ${cwd}\n`;
  const from = statSync(logFile).size + Buffer.byteLength(header);
  const running = runPipeline({ name, command, values, cwd, logFile, signal });
  const follower = followFile(logFile, from, (text) => emit({ type: 'output', step: which, text }));
  try {
    const result = await running;
    follower.stop();
    record({ exitCode: result.exitCode, signal: result.signal, ms: result.durationMs });
    emit({ type: 'exit', step: which, result });
    return result;
  } catch (error) {
    follower.stop();
    record({ exitCode: null, ms: 0 });
    emit({ type: 'error', step: which, error: error instanceof Error ? error : new Error(String(error)) });
    throw error;
  }
}
