import type { Engine } from '../core/engine/duckdb';
import { openEngine } from '../core/engine/duckdb';
import type { RunWriter } from '../core/runs/store';
import type { Progress } from './progress';

/**
 * Runs `work` with a fresh engine and closes it after. On failure it stops the progress display and marks a begun
 * run record failed (with the DuckDB version once known) before the error goes on to become the exit code.
 */
export async function withEngine(progress: Progress, writer: RunWriter | undefined, work: (engine: Engine) => Promise<void>): Promise<void> {
  let engine: Engine | undefined;
  try {
    engine = await openEngine();
    await work(engine);
  } catch (error) {
    progress.stop();
    if (writer && !writer.closed) await writer.fail(error, engine ? { duckdbVersion: engine.duckdbVersion } : {});
    throw error;
  } finally {
    engine?.close();
  }
}
