/**
 * A load test: each pipeline run alone on each input size as a sampled process tree, then (with `parallel` > 1)
 * N copies at once, each copy's outputs checked against the alone run's. The CLI (`cutover load`) records and
 * prints; this module runs and measures.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/load';
import { configPlaceholder, resolveCwd } from '../config/resolve';
import type { Engine } from '../engine/duckdb';
import { perturb } from '../engine/perturb';
import { loadTable } from '../engine/source';
import { isNumericType } from '../engine/sql';
import type { PipelineRunSpec } from '../pipeline/run';
import type { CorruptionEvent, LoadMeasurement } from '../runs/results';
import type { MeasureOptions } from './measure';
import { measurePipeline } from './measure';
import { diffDigests, digestFolder } from './outputs';
import { sizeLabel } from './sizes';

export type Side = 'v1' | 'v2';

export interface SizedInput {
  readonly size: string;
  readonly rows: number;
  /** Absolute path the pipelines read. */
  readonly input: string;
}

/**
 * An input per size: the base input itself when it has that many rows, else the base resampled to that many rows
 * by the perturb machinery (`scaled`, fresh values in the numeric and text key columns so keys stay unique).
 */
export async function sizedInputs(engine: Engine, loaded: LoadedConfig, base: string, rows: readonly number[], dir: string): Promise<SizedInput[]> {
  const table = await loadTable(engine, { path: base }, 'load_input', { cwd: loaded.dir });
  const keys = (loaded.config.compare?.keys ?? [])
    .filter((k) => table.columns.some((c) => c.name === k && (isNumericType(c.type) || c.type === 'VARCHAR')));
  const out: SizedInput[] = [];
  for (const n of rows) {
    if (n === table.rows) {
      out.push({ size: sizeLabel(n), rows: n, input: base });
      continue;
    }
    const made = await perturb(engine, table, join(dir, sizeLabel(n)), { variants: ['scaled'], rows: n, keys, format: 'parquet' });
    out.push({ size: sizeLabel(n), rows: n, input: made.variants[0]?.path as string });
  }
  return out;
}

export interface LoadRunSpec {
  readonly loaded: LoadedConfig;
  readonly inputs: readonly SizedInput[];
  readonly pipelines: readonly Side[];
  readonly parallel: number;
  readonly runDir: string;
  readonly logPath: (name: string) => string;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  readonly onMeasured?: (m: LoadMeasurement) => void;
  readonly onCorruption?: (e: CorruptionEvent) => void;
}

/** The runner's spec for one pipeline on one input into one folder. */
export function pipelineSpec(loaded: LoadedConfig, side: Side, input: string, output: string, runDir: string, logFile: string, signal?: AbortSignal): PipelineRunSpec {
  const pipeline = loaded.config.pipelines[side];
  mkdirSync(output, { recursive: true });
  return {
    name: side,
    command: pipeline.command,
    values: { input, output, runDir, workspaceFolder: loaded.dir, ...configPlaceholder(loaded, pipeline) },
    cwd: resolveCwd(loaded, pipeline.cwd),
    ...(pipeline.env ? { env: pipeline.env } : {}),
    logFile,
    ...(signal ? { signal } : {}),
  };
}

/** Runs a spec as a sampled tree and returns its figures as the run record holds them. */
export async function measureRun(spec: PipelineRunSpec, at: { size: string; rows: number; copy: number }, log: string, options: MeasureOptions = {}): Promise<LoadMeasurement> {
  const { result, figures, leftovers } = await measurePipeline(spec, { killLeftovers: true, ...options });
  const wallSeconds = result.durationMs / 1000;
  return {
    pipeline: spec.name,
    size: at.size,
    rows: at.rows,
    copy: at.copy,
    exitCode: result.exitCode,
    ...(result.signal ? { signal: result.signal } : {}),
    wallSeconds,
    rowsPerSecond: result.exitCode === 0 && wallSeconds > 0 ? at.rows / wallSeconds : null,
    ...figures,
    leftovers: [...leftovers],
    log,
  };
}

export async function runLoad(spec: LoadRunSpec): Promise<{ measurements: LoadMeasurement[]; corruption: CorruptionEvent[] }> {
  const measurements: LoadMeasurement[] = [];
  const corruption: CorruptionEvent[] = [];
  const interval = spec.intervalMs ? { intervalMs: spec.intervalMs } : {};
  const one = async (side: Side, sized: SizedInput, copy: number): Promise<{ m: LoadMeasurement; output: string }> => {
    const name = `${side}-${sized.size}${copy > 0 ? `-copy${copy}` : ''}`;
    const output = join(spec.runDir, 'outputs', name);
    const log = spec.logPath(name);
    const m = await measureRun(pipelineSpec(spec.loaded, side, sized.input, output, spec.runDir, log, spec.signal), { size: sized.size, rows: sized.rows, copy }, log, interval);
    measurements.push(m);
    spec.onMeasured?.(m);
    return { m, output };
  };
  for (const sized of spec.inputs) {
    for (const side of spec.pipelines) {
      if (spec.signal?.aborted) return { measurements, corruption };
      // Alone first: its figures are the pipeline's own, and its outputs the reference for the copies.
      const reference = await one(side, sized, 0);
      if (spec.parallel < 2 || reference.m.exitCode !== 0) continue;
      const copies = await Promise.all(Array.from({ length: spec.parallel }, (_, i) => one(side, sized, i + 1)));
      const expected = await digestFolder(reference.output);
      for (const c of copies) {
        for (const d of diffDigests(expected, await digestFolder(c.output))) {
          const event: CorruptionEvent = { pipeline: side, size: sized.size, copy: c.m.copy, ...d };
          corruption.push(event);
          spec.onCorruption?.(event);
        }
      }
    }
  }
  return { measurements, corruption };
}
