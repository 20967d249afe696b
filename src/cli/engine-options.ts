/**
 * The engine flags of the table commands (`--memory-limit`, `--temp-dir`) and cancellation by SIGINT/SIGTERM:
 * declared and parsed here once, so every command that opens an engine offers and checks them the same way.
 *
 * Cancelling (Ctrl+C is SIGINT; the extension's Cancel sends SIGTERM to the CLI's process group) aborts the one
 * signal of `cancelOnSignals`: DuckDB interrupts the running query, pipelines' process trees are killed, the
 * command's `finally` closes the engine (which removes its spill folder), and `stopped()` turns whatever error the
 * abort caused into a StoppedError: the run (if any) is recorded `stopped` with what it had so far, the CLI exits 2
 * (no verdict), never 0. A second signal is not caught, so it still kills a process that does not stop (its run is
 * then found `interrupted` at the next start, and its spill folder is left in the temp dir).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { EngineOptions } from '../core/engine/duckdb';
import { defaultMemoryLimit, formatBytes, memorySetting } from '../core/engine/memory';
import { StoppedError, UsageError } from '../core/errors';

export interface EngineFlags {
  memoryLimit?: string;
  tempDir?: string;
}

export function addEngineOptions(command: Command): Command {
  return command
    .option('--memory-limit <size>', `memory the whole process may use; past it the engine spills to disk. A size (4GB, 512MiB) or a share of RAM (50%); default 50% of RAM (${formatBytes(defaultMemoryLimit())} here)`)
    .option('--temp-dir <dir>', 'folder in which the spill folder is made (default the OS temp dir, $TMPDIR); it is removed afterwards, also on failure or Ctrl-C');
}

/** Engine options from the flags; a bad size is a UsageError naming the flag. */
export function parseEngineFlags(flags: EngineFlags, cwd: string): EngineOptions {
  let memoryLimit: string;
  try {
    memoryLimit = memorySetting(flags.memoryLimit);
  } catch (error) {
    throw new UsageError(`--memory-limit: ${(error as Error).message}`, undefined, { cause: error });
  }
  return {
    memoryLimit,
    ...(flags.tempDir !== undefined ? { spillParent: resolve(cwd, flags.tempDir) } : {}),
    // Every ordered output of compare and reconcile says ORDER BY (the sample, KPI lists), so DuckDB may stream.
    preserveInsertionOrder: false,
  };
}

/** What SIGINT or SIGTERM cancel, until dispose() (call it in a finally). */
export interface Cancellation {
  readonly signal: AbortSignal;
  /**
   * The error a command ends with: once cancelled, a StoppedError saying by what and after how long (whatever
   * `error` the abort caused, e.g. the engine's "interrupted"); before that, `error` itself.
   */
  stopped(error?: unknown): unknown;
  dispose(): void;
}

const BY: Record<string, string> = { SIGINT: 'SIGINT (Ctrl+C)', SIGTERM: 'SIGTERM (Cancel)' };

/** The one cancellation of every command: SIGINT and SIGTERM abort `signal`. */
export function cancelOnSignals(): Cancellation {
  const controller = new AbortController();
  const started = performance.now();
  let by: { name: string; seconds: number } | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    by ??= { name, seconds: (performance.now() - started) / 1000 };
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    stopped(error?: unknown) {
      if (!by) return error;
      if (error instanceof StoppedError) return error;
      return new StoppedError(`stopped by ${BY[by.name] ?? by.name} after ${by.seconds.toFixed(1)} s; what it had done so far is kept`, undefined, error === undefined ? undefined : { cause: error });
    },
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
