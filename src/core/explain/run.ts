/**
 * The process half of `cutover explain`: for a recorded shadow run, finds the keys in which V1's and V2's
 * configuration files differ, runs V2 on the run's input once per key set back to V1's value and once with every
 * key set back (each with a temporary copy of its configuration file, passed through `${config}`), up to `parallel`
 * at a time, compares each output with the run's own V1 output (the shadow run's comparison, so the same judge) and
 * hands the figures to `attribute`.
 *
 * A pipeline that exits non-zero with a reverted value is that key's finding (`rejected`), not the whole run's
 * failure. Cancelling (the signal) kills the pipelines still running; what finished is reported, the rest `cancelled`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load';
import { configFilesOf } from '../config/pipelineConfigFiles';
import { resolveCwd } from '../config/resolve';
import { ConfigError, InputError, UsageError } from '../errors';
import { compareOutputs } from '../pipeline/compare-outputs';
import { runPipeline } from '../pipeline/run';
import type { RunRecord } from '../runs/record';
import type { ExplainResults, ExplainSubRun } from '../runs/results';
import { sha256File } from '../runs/hash';
import type { ColumnFigures, KeyOutcome, SubRunOutcome } from './attribute';
import { attribute } from './attribute';
import type { ConfigKeyDiff } from './configKeys';
import { ABSENT, diffKeys, keyLine, parseConfig, revertKeys } from './configKeys';

export const CONFIG_PLACEHOLDER = '${config}';

export interface ExplainPlan {
  readonly shadow: RunRecord;
  readonly input: string;
  readonly v1Output: string;
  readonly files: { readonly v1: string; readonly v2: string };
  readonly keys: readonly ConfigKeyDiff[];
  /** Pipeline runs this costs: N keys → N + 1 (none when no key differs). */
  readonly runs: number;
}

/**
 * Everything explain needs, checked before anything runs: V2's command takes `${config}`, the run's configuration
 * files are unchanged since the run (their recorded sha256), its input and V1 output are still there.
 */
export async function planExplain(loaded: LoadedConfig, shadow: RunRecord, shadowDir: string): Promise<ExplainPlan> {
  if (shadow.kind !== 'shadow') throw new UsageError(`run ${shadow.id} is a ${shadow.kind} run: explain needs a shadow run`);
  if (shadow.status !== 'complete' || !shadow.results.kpis) throw new UsageError(`run ${shadow.id} has no KPI comparison (status ${shadow.status}): explain needs a completed shadow run`);
  const v2 = loaded.config.pipelines.v2;
  if (!v2.command.some((a) => a.includes(CONFIG_PLACEHOLDER))) {
    throw new ConfigError(`pipelines.v2.command must pass its configuration file as ${CONFIG_PLACEHOLDER} so explain can run V2 with a modified copy`, { file: loaded.file });
  }
  const named = configFilesOf(shadow, loaded.dir);
  const [f1, f2] = [named.v1[0], named.v2[0]];
  if (f1 === undefined || f2 === undefined) throw new ConfigError('pipelines.v1.configFiles and pipelines.v2.configFiles must each name a file to compare', { file: loaded.file });
  const current = resolve(loaded.dir, v2.configFiles?.[0] ?? '');
  if (resolve(f2) !== current) throw new UsageError(`run ${shadow.id} ran V2 with ${f2}, cutover.json now names ${current}: run a new shadow run`);
  for (const file of [f1, f2]) {
    if (!existsSync(file)) throw new InputError('configuration file not found', { file });
    const recorded = shadow.inputs.find((i) => resolve(loaded.dir, i.path) === resolve(file) || i.path === file)?.sha256;
    if (recorded !== undefined && recorded !== (await sha256File(file))) {
      throw new UsageError(`${file} changed since run ${shadow.id}: run a new shadow run, then explain it`);
    }
  }
  const input = shadow.results.input?.path;
  if (input === undefined || !existsSync(input)) throw new InputError(`the input of run ${shadow.id} is gone`, { file: input ?? '(none recorded)' });
  const v1Output = join(shadowDir, 'v1');
  if (!existsSync(join(v1Output, loaded.config.pipelines.v1.outputs.kpis.path))) throw new InputError(`V1's output of run ${shadow.id} is gone`, { file: v1Output });
  const keys = diffKeys(parseConfig(readFileSync(f1, 'utf8'), f1), parseConfig(readFileSync(f2, 'utf8'), f2));
  return { shadow, input, v1Output, files: { v1: f1, v2: f2 }, keys, runs: keys.length === 0 ? 0 : keys.length + 1 };
}

export type ExplainEvent =
  | { readonly type: 'start'; readonly name: string; readonly keys: readonly string[] }
  | { readonly type: 'end'; readonly name: string; readonly run: ExplainSubRun; readonly ms: number };

export interface ExplainRunSpec {
  readonly loaded: LoadedConfig;
  readonly plan: ExplainPlan;
  /** The explain run's folder: configuration copies, outputs and logs go under it. */
  readonly runDir: string;
  readonly logPath: (name: string) => string;
  /** Relative form of a path inside the run folder, as the record stores it. */
  readonly relative: (path: string) => string;
  /** Pipeline runs at once; default the machine's cores. */
  readonly parallel?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: ExplainEvent) => void;
  /** Each finished sub-run's command, for the run record (argv, exit code, time, log). */
  readonly onCommand?: (c: { name: string; argv: readonly string[]; cwd: string; exitCode: number | null; signal?: string; ms: number; log: string }) => void;
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(log unreadable: ${(error as Error).message})`;
  }
}

async function subRun(spec: ExplainRunSpec, name: string, reverted: readonly ConfigKeyDiff[]): Promise<SubRunOutcome> {
  const { loaded, plan } = spec;
  const log = spec.logPath(name);
  const base = { name, log: spec.relative(log) };
  if (spec.signal?.aborted) return { run: { ...base, status: 'cancelled', exitCode: null } };
  const dir = join(spec.runDir, 'explain', name);
  const output = join(dir, 'out');
  mkdirSync(output, { recursive: true });
  const config = join(dir, `config${extname(plan.files.v2)}`);
  writeFileSync(config, revertKeys(readFileSync(plan.files.v2, 'utf8'), plan.files.v2, reverted));
  const pipeline = loaded.config.pipelines.v2;
  spec.onEvent?.({ type: 'start', name, keys: reverted.map((k) => k.key) });
  const t0 = performance.now();
  const end = (run: ExplainSubRun): ExplainSubRun => {
    spec.onEvent?.({ type: 'end', name, run, ms: performance.now() - t0 });
    return run;
  };
  let result;
  try {
    result = await runPipeline({
      name,
      command: pipeline.command,
      values: { input: plan.input, output, runDir: spec.runDir, workspaceFolder: loaded.dir, config },
      cwd: resolveCwd(loaded, pipeline.cwd),
      env: pipeline.env,
      logFile: log,
      signal: spec.signal,
    });
  } catch (error) {
    return { run: end({ ...base, status: 'failed', exitCode: null, reason: (error as Error).message }) };
  }
  spec.onCommand?.({ name, argv: result.argv, cwd: result.cwd, exitCode: result.exitCode, ...(result.signal ? { signal: result.signal } : {}), ms: Math.round(result.durationMs), log });
  if (result.cancelled) return { run: end({ ...base, status: 'cancelled', exitCode: result.exitCode }) };
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? `killed by ${result.signal ?? 'a signal'}` : `exit ${result.exitCode}`;
    return { run: end({ ...base, status: 'rejected', exitCode: result.exitCode, reason: `${how}: ${tail(log, 3)}` }) };
  }
  try {
    const c = await compareOutputs(loaded, { v1: plan.v1Output, v2: output }, dir, spec.signal);
    const columns: ColumnFigures[] = (c.rows?.columns ?? []).map((x) => ({ name: x.name, mismatches: x.mismatches, maxAbsDiff: x.maxAbsDiff }));
    return { run: end({ ...base, status: 'ok', exitCode: 0 }), kpis: c.kpis.kpis, columns };
  } catch (error) {
    if (spec.signal?.aborted) return { run: end({ ...base, status: 'cancelled', exitCode: 0 }) };
    return { run: end({ ...base, status: 'failed', exitCode: 0, reason: `its outputs could not be compared: ${(error as Error).message}` }) };
  }
}

/** Runs `work` over `items` with at most `limit` at once, results in the items' order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function runExplain(spec: ExplainRunSpec): Promise<ExplainResults> {
  const { plan } = spec;
  const v2Text = readFileSync(plan.files.v2, 'utf8');
  const jobs = plan.keys.length === 0 ? [] : [...plan.keys.map((k, i) => ({ name: `key-${i + 1}`, reverted: [k] })), { name: 'all', reverted: plan.keys }];
  const outcomes = await pool(jobs, spec.parallel ?? availableParallelism(), (j) => subRun(spec, j.name, j.reverted));
  const keys: KeyOutcome[] = plan.keys.map((k, i) => ({
    ...(outcomes[i] as SubRunOutcome),
    key: {
      key: k.key,
      path: [...k.path],
      line: keyLine(v2Text, plan.files.v2, k.path) ?? null,
      ...(k.v1 === ABSENT ? {} : { v1: k.v1 }),
      ...(k.v2 === ABSENT ? {} : { v2: k.v2 }),
    },
  }));
  const rows = plan.shadow.results.rows?.columns ?? [];
  return attribute({
    shadowRun: plan.shadow.id,
    files: plan.files,
    baseline: {
      kpis: plan.shadow.results.kpis?.kpis ?? [],
      columns: rows.map((c) => ({ name: c.name, mismatches: c.mismatches, maxAbsDiff: c.maxAbsDiff })),
    },
    keys,
    ...(jobs.length > 0 ? { all: outcomes[jobs.length - 1] as SubRunOutcome } : {}),
  });
}
