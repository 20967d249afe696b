/**
 * Runs one pipeline command as a sampled process tree: the pipeline runner (pipeline/run.ts) starts it, the
 * sampler watches its tree until it exits, and what it left behind is looked for straight after.
 */
import type { PipelineRunResult, PipelineRunSpec } from '../pipeline/run';
import { runPipeline } from '../pipeline/run';
import type { Leftover } from './leftovers';
import { findLeftovers } from './leftovers';
import { snapshot } from './proc';
import type { LoadFigures, LoadSample } from './sampler';
import { summarize, TreeSampler } from './sampler';

export interface Measured {
  readonly result: PipelineRunResult;
  readonly samples: readonly LoadSample[];
  readonly figures: LoadFigures;
  readonly leftovers: readonly Leftover[];
}

export interface MeasureOptions {
  readonly intervalMs?: number;
  readonly onSample?: (sample: LoadSample) => void;
  /** Kill what the pipeline left behind (after recording it), so a soak does not pile it up. */
  readonly killLeftovers?: boolean;
}

export async function measurePipeline(spec: PipelineRunSpec, options: MeasureOptions = {}): Promise<Measured> {
  let sampler: TreeSampler | undefined;
  const result = await runPipeline({
    ...spec,
    onStart: (pid) => {
      sampler = new TreeSampler(pid, { ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}), ...(options.onSample ? { onSample: options.onSample } : {}) });
      sampler.start();
      spec.onStart?.(pid);
    },
  });
  const samples = sampler?.stop() ?? [];
  const root = sampler?.root;
  const leftovers = root === undefined ? [] : findLeftovers(snapshot(), root, sampler?.seenProcesses() ?? []);
  if (options.killLeftovers) {
    for (const l of leftovers) {
      try {
        process.kill(l.pid, 'SIGKILL');
      } catch (error) {
        // Gone meanwhile: nothing left to kill.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  }
  return { result, samples, figures: summarize(samples), leftovers };
}
