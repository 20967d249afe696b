/**
 * The execution half of a shadow run: V1 and V2 (and, for a noise floor, V1 a second time) run concurrently on the
 * same input, each into its own folder of the run directory with its own log. Comparing what they wrote is the
 * engine's job; this module only runs, times and records.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/load';
import { configPlaceholder, resolveCwd } from '../config/resolve';
import type { PipelineConfig } from '../config/schema';
import type { RunWriter } from '../runs/store';
import type { PipelineRunResult } from './run';
import { runPipeline, substitute } from './run';

/** `v1-noise` is V1 run a second time on the same input: its differences from V1 are the noise floor. */
export type ShadowSide = 'v1' | 'v2' | 'v1-noise';

export type ShadowEvent =
  | { readonly type: 'start'; readonly side: ShadowSide; readonly argv: readonly string[] }
  | { readonly type: 'exit'; readonly side: ShadowSide; readonly result: PipelineRunResult }
  | { readonly type: 'error'; readonly side: ShadowSide; readonly error: Error };

export interface ShadowRunSpec {
  readonly loaded: LoadedConfig;
  /** Absolute path of the input (file, folder or glob). */
  readonly input: string;
  readonly runDir: string;
  /** Where the log of each side goes (the run store decides). */
  readonly logPath: (side: ShadowSide) => string;
  readonly noise?: boolean;
  /** Where each side writes (its `${output}`); default `<runDir>/<side>`. */
  readonly outputDir?: (side: ShadowSide) => string;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ShadowEvent) => void;
}

export interface ShadowSideOutcome {
  readonly side: ShadowSide;
  /** Absolute folder the side wrote into (its `${output}`). */
  readonly outputDir: string;
  /** Present when the process ran (whatever its exit code). */
  readonly result?: PipelineRunResult;
  /** Present when it could not be started (missing executable, working directory). */
  readonly error?: Error;
}

function pipelineFor(loaded: LoadedConfig, side: ShadowSide): PipelineConfig {
  return side === 'v2' ? loaded.config.pipelines.v2 : loaded.config.pipelines.v1;
}

/** Runs every side concurrently; resolves when all have ended (never rejects: failures are in the outcomes). */
export async function runShadowPipelines(spec: ShadowRunSpec): Promise<ShadowSideOutcome[]> {
  const sides: ShadowSide[] = spec.noise ? ['v1', 'v2', 'v1-noise'] : ['v1', 'v2'];
  return Promise.all(
    sides.map(async (side): Promise<ShadowSideOutcome> => {
      const pipeline = pipelineFor(spec.loaded, side);
      const outputDir = spec.outputDir?.(side) ?? join(spec.runDir, side);
      mkdirSync(outputDir, { recursive: true });
      const values = { input: spec.input, output: outputDir, runDir: spec.runDir, workspaceFolder: spec.loaded.dir, ...configPlaceholder(spec.loaded, pipeline) };
      try {
        const running = runPipeline({
          name: side,
          command: pipeline.command,
          values,
          cwd: resolveCwd(spec.loaded, pipeline.cwd),
          env: pipeline.env,
          logFile: spec.logPath(side),
          signal: spec.signal,
        });
        spec.onEvent?.({ type: 'start', side, argv: substitute(pipeline.command, values) });
        const result = await running;
        spec.onEvent?.({ type: 'exit', side, result });
        return { side, outputDir, result };
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        spec.onEvent?.({ type: 'error', side, error: err });
        return { side, outputDir, error: err };
      }
    }),
  );
}

/** Records one side's pipeline run as a command of `run`: argv, working directory, exit code or signal, time, log. */
export function recordSideCommand(run: RunWriter, outcome: ShadowSideOutcome, name: string = outcome.side, log: string = run.logPath(outcome.side)): void {
  const r = outcome.result;
  run.addCommand({
    name,
    argv: r ? [...r.argv] : [],
    cwd: r?.cwd ?? '',
    exitCode: r?.exitCode ?? null,
    ...(r?.signal ? { signal: r.signal } : {}),
    ms: Math.round(r?.durationMs ?? 0),
    log,
  });
}
