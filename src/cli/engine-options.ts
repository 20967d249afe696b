/**
 * The engine flags of the table commands (`--memory-limit`, `--temp-dir`) and cancellation by SIGINT/SIGTERM:
 * declared and parsed here once, so every command that opens an engine offers and checks them the same way.
 *
 * Cancelling aborts the engine's signal: DuckDB interrupts the running query, the command's `finally` closes the
 * engine, which removes its spill folder, and the run record (if any) is marked failed "interrupted". The process
 * then ends with the runtime-error exit code, never a verdict. A second signal is not caught, so it still kills a
 * process that does not stop (its spill folder is then left in the temp dir).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { EngineOptions } from '../core/engine/duckdb';
import { defaultMemoryLimit, formatBytes, memorySetting } from '../core/engine/memory';
import { UsageError } from '../core/errors';

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

/** An AbortSignal that SIGINT or SIGTERM aborts, until dispose() (call it in a finally). */
export function cancelOnSignals(): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
