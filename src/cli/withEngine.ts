import type { Engine, EngineOptions } from '../core/engine/duckdb';
import { openEngine } from '../core/engine/duckdb';
import type { RunWriter } from '../core/runs/store';
import { cancelOnSignals } from './engine-options';
import type { Progress } from './progress';

/**
 * Runs `work` with a fresh engine and closes it after. On failure it stops the progress display and marks a begun
 * run record failed (with the DuckDB version once known) before the error goes on to become the exit code.
 * SIGINT/SIGTERM interrupt the engine, so the same path (and the engine's spill-folder cleanup) runs on Ctrl-C,
 * and the run is recorded stopped.
 */
export async function withEngine(progress: Progress, writer: RunWriter | undefined, work: (engine: Engine) => Promise<void>, options: Omit<EngineOptions, 'signal'> = {}): Promise<void> {
  let engine: Engine | undefined;
  const cancel = cancelOnSignals();
  try {
    engine = await openEngine({ ...options, signal: cancel.signal });
    await work(engine);
  } catch (error) {
    progress.stop();
    // After a cancel, whatever the abort caused is a stop: the run is recorded stopped, the exit code is 2.
    const ended = cancel.stopped(error);
    if (writer && !writer.closed) await writer.fail(ended, engine ? { duckdbVersion: engine.duckdbVersion } : {});
    throw ended;
  } finally {
    cancel.dispose();
    engine?.close();
  }
}
