/**
 * `cutover shadow [--input NAME|PATH] [--noise] [--config FILE] [--json]`: runs V1 and V2 from cutover.json on the
 * same input (concurrently, with V1 a second time for the noise floor when asked), compares what they wrote and
 * records the run. Exit code: 0 pass, 1 fail, 2 inconclusive; 4 when a pipeline or the comparison fails (the run
 * is then recorded as failed, with the failing pipeline's exit code and log).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LoadedConfig } from '../../core/config/load';
import { loadConfig, locateConfig } from '../../core/config/load';
import type { ResolvedInput } from '../../core/config/resolve';
import { resolveInput } from '../../core/config/resolve';
import { badness } from '../../core/engine/judge';
import type { KpiResult } from '../../core/engine/types';
import { ConfigError, ExitCode, RuntimeError } from '../../core/errors';
import type { GoNoGo } from '../../core/gate/goNoGo';
import { goNoGoInWorkspace } from '../../core/gate/goNoGo';
import { formatAccepted, formatCriterion, formatValue } from '../../core/gate/format';
import { formatPercent } from '../../core/percent';
import type { OutputComparison } from '../../core/pipeline/compare-outputs';
import { compareOutputs } from '../../core/pipeline/compare-outputs';
import { quoteForDisplay, succeeded } from '../../core/pipeline/run';
import type { ShadowEvent } from '../../core/pipeline/shadow';
import { recordSideCommand, runShadowPipelines } from '../../core/pipeline/shadow';
import type { RunRecord } from '../../core/runs/record';
import type { RunWriter } from '../../core/runs/store';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import { cancelOnSignals } from '../engine-options';

interface Options {
  readonly input?: string;
  readonly noise?: boolean;
  readonly config?: string;
  readonly json?: boolean;
}

export function registerShadow(program: Command, ctx: CliContext): void {
  program
    .command('shadow')
    .description('Run V1 and V2 on the same input, compare their outputs and record the run (exit 0 pass, 1 fail, 2 inconclusive, 4 error).')
    .option('--input <name|path>', 'a named input from cutover.json, or a path (default: defaultInput)')
    .option('--noise', 'also run V1 a second time: differences between the two V1 runs are the noise floor')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .option('--json', 'print one JSON document on stdout (progress goes to stderr)')
    .action(async (options: Options) => {
      await shadow(ctx, options);
    });
}

/** The pipelines' configuration files, checked before anything runs so a typo costs no run folder. */
function configFiles(loaded: LoadedConfig): { side: 'v1' | 'v2'; path: string }[] {
  const out: { side: 'v1' | 'v2'; path: string }[] = [];
  for (const side of ['v1', 'v2'] as const) {
    for (const file of loaded.config.pipelines[side].configFiles ?? []) {
      const path = resolve(loaded.dir, file);
      if (!existsSync(path)) throw new ConfigError(`pipelines.${side}.configFiles: file not found: ${path}`, { file: loaded.file });
      out.push({ side, path });
    }
  }
  return out;
}

function dataFiles(path: string): string[] | undefined {
  if (!existsSync(path)) return undefined;
  if (!statSync(path).isDirectory()) return [path];
  return (readdirSync(path, { recursive: true }) as string[])
    .map((f) => join(path, f))
    .filter((f) => statSync(f).isFile() && !/(^|[\\/])[._][^\\/]*$/.test(f))
    .sort();
}

function tail(file: string, lines: number): string[] {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
  } catch {
    return [];
  }
}

async function shadow(ctx: CliContext, options: Options): Promise<void> {
  // Everything that can be wrong with the setup is found before a run folder exists.
  const loaded = loadConfig(locateConfig(ctx.cwd, options.config));
  const input = resolveInput(loaded, options.input, ctx.cwd);
  const configs = configFiles(loaded);

  const out = options.json ? ctx.stderr : ctx.stdout;
  const say = (text: string): void => void out.write(`${text}\n`);
  const store = new RunStore(loaded.dir);
  const argv = ['shadow', ...(options.input ? ['--input', options.input] : []), ...(options.noise ? ['--noise'] : []), ...(options.config ? ['--config', options.config] : [])];
  const run = await store.begin('shadow', {
    argv: ['cutover', ...argv],
    cwd: ctx.cwd,
    id: ctx.runId,
    thresholds: { gate: loaded.config.gate, ...(loaded.config.compare ? { compare: thresholdsOf(loaded) } : {}) },
  });
  // Ctrl+C in a terminal (SIGINT) and the extension's Cancel Run (SIGTERM to the CLI's process group) both stop the
  // pipelines, which run in process groups of their own and would outlive the CLI otherwise.
  const controller = cancelOnSignals();
  try {
    say(`cutover shadow · run ${run.id} · input ${input.name}${input.name === input.path ? '' : ` (${input.path})`}`);
    const files = dataFiles(input.path);
    if (files && files.length > 0) await run.addFile('inputs', input.path, { role: 'input', ...(files.length > 1 || files[0] !== input.path ? { paths: files } : {}) });
    for (const c of configs) await run.addFile('inputs', c.path, { role: `config-${c.side}` });

    const outcomes = await run.phase('pipelines', () =>
      runShadowPipelines({
        loaded,
        input: input.path,
        runDir: run.dir,
        logPath: (side) => run.logPath(side),
        noise: options.noise,
        signal: controller.signal,
        onEvent: (e) => say(formatEvent(e)),
      }),
    );
    for (const o of outcomes) recordSideCommand(run, o);
    if (controller.signal.aborted) return await failed(ctx, run, options, input, controller.stopped());
    const bad = outcomes.find((o) => !o.result || !succeeded(o.result));
    if (bad) {
      const log = join(run.finalDir, relative(run.dir, run.logPath(bad.side)));
      const why = bad.error
        ? bad.error.message
        : `pipeline ${bad.side} exited with ${bad.result?.exitCode ?? `signal ${bad.result?.signal ?? '?'}`}; its log: ${log}`;
      return await failed(ctx, run, options, input, new RuntimeError(why), bad.error ? [] : tail(run.logPath(bad.side), 10));
    }

    say('▶ compare');
    const t0 = performance.now();
    const dirs = {
      v1: join(run.dir, 'v1'),
      v2: join(run.dir, 'v2'),
      ...(options.noise ? { v1Noise: join(run.dir, 'v1-noise') } : {}),
    };
    let comparison: OutputComparison;
    try {
      comparison = await run.phase('compare', () => compareOutputs(loaded, dirs, run.dir, controller.signal));
    } catch (error) {
      return await failed(ctx, run, options, input, controller.stopped(error));
    }
    say(`✓ compare in ${seconds(performance.now() - t0)}`);

    for (const side of ['v1', 'v2'] as const) {
      for (const [what, t] of Object.entries(comparison.tables[side])) {
        if (t) await run.addFile('outputs', t.path, { role: `${side}-${what}`, rows: t.rows, columns: [...t.columns] });
      }
    }
    if (comparison.rows?.mismatches) await run.addFile('outputs', comparison.rows.mismatches.path, { role: 'mismatches', rows: comparison.rows.mismatches.rows });

    const record = await run.finish({
      verdict: { verdict: comparison.verdict, reasons: [...comparison.reasons] },
      results: resultsOf(run, input, comparison),
      duckdbVersion: comparison.duckdbVersion,
    });
    const gate = await goNoGoInWorkspace(store.workspaceRoot, record, loaded.config.gate);
    if (options.json) {
      ctx.stdout.write(`${JSON.stringify(jsonOf(record, run.finalDir, run.dir, comparison, gate), null, 2)}\n`);
    } else {
      ctx.stdout.write(formatSummary(comparison, gate, record, relative(ctx.cwd, run.finalDir) || '.'));
    }
    ctx.setExitCode(comparison.verdict === 'pass' ? ExitCode.pass : comparison.verdict === 'fail' ? ExitCode.fail : ExitCode.inconclusive);
  } catch (error) {
    // Anything unexpected still closes the run as failed (stopped after a cancel), so no temp folder is left running.
    const ended = controller.stopped(error);
    if (!run.closed) {
      await run.fail(ended).catch((recording: unknown) => {
        ctx.stderr.write(`cutover: could not record run ${run.id} as ended: ${recording instanceof Error ? recording.message : String(recording)}\n`);
      });
    }
    throw ended;
  } finally {
    controller.dispose();
  }
}

function thresholdsOf(loaded: LoadedConfig): Record<string, unknown> {
  const c = loaded.config.compare;
  return c ? { passLine: c.passLine, failLine: c.failLine, tolerances: c.tolerances ?? {}, keys: c.keys, ignoreColumns: c.ignoreColumns } : {};
}

/** Paths inside the run folder are stored relative to it (the folder is renamed when the run closes). */
function resultsOf(run: RunWriter, input: ResolvedInput, c: OutputComparison): Record<string, unknown> {
  const table = <T extends { path: string }>(t: T | undefined) => (t ? { ...t, path: run.relative(t.path) } : undefined);
  return {
    input: { name: input.name, path: input.path },
    tables: {
      v1: { kpis: table(c.tables.v1.kpis), loans: table(c.tables.v1.loans) },
      v2: { kpis: table(c.tables.v2.kpis), loans: table(c.tables.v2.loans) },
    },
    schema: c.schemas,
    kpis: c.kpis,
    ...(c.noise ? { noise: c.noise } : {}),
    ...(c.rows ? { rows: { ...c.rows, mismatches: c.rows.mismatches ? { ...c.rows.mismatches, path: run.relative(c.rows.mismatches.path) } : null } } : {}),
    ...(c.declarative ? { declarative: c.declarative } : {}),
    ...(c.profiles ? { profiles: c.profiles } : {}),
  };
}

async function failed(
  ctx: CliContext,
  run: RunWriter,
  options: Options,
  input: ResolvedInput,
  error: unknown,
  logTail: readonly string[] = [],
): Promise<void> {
  const record = await run.fail(error, { results: { input: { name: input.name, path: input.path } } });
  const message = error instanceof Error ? error.message : String(error);
  const stopped = record.status === 'stopped';
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ ...jsonBase(record, run.finalDir), error: message }, null, 2)}\n`);
  } else {
    ctx.stderr.write(`✗ shadow run ${stopped ? 'stopped' : 'failed'}: ${message}\n`);
    if (logTail.length > 0) ctx.stderr.write(`${logTail.map((l) => `  │ ${l}`).join('\n')}\n`);
    ctx.stderr.write(`  run recorded as ${record.status}: ${relative(ctx.cwd, run.finalDir)}\n`);
  }
  ctx.setExitCode(stopped ? ExitCode.inconclusive : ExitCode.runtime);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatEvent(e: ShadowEvent): string {
  switch (e.type) {
    case 'start':
      return `▶ ${e.side}  ${e.argv.map(quoteForDisplay).join(' ')}`;
    case 'exit':
      if (e.result.cancelled) return `✗ ${e.side} cancelled after ${seconds(e.result.durationMs)}`;
      return e.result.exitCode === 0
        ? `✓ ${e.side} exit 0 in ${seconds(e.result.durationMs)}`
        : `✗ ${e.side} ${e.result.exitCode === null ? `killed by ${e.result.signal ?? 'a signal'}` : `exit ${e.result.exitCode}`} in ${seconds(e.result.durationMs)}`;
    case 'error':
      return `✗ ${e.side} did not start: ${e.error.message}`;
  }
}

function jsonBase(record: RunRecord, runDir: string) {
  const pipelines = Object.fromEntries(
    record.commands.map((c) => [c.name, { argv: c.argv, cwd: c.cwd, exitCode: c.exitCode, durationMs: c.ms, log: c.log ? join(runDir, c.log) : null }]),
  );
  return { runId: record.id, runDir, status: record.status, verdict: record.verdict?.verdict ?? (record.status === 'stopped' ? 'stopped' : 'error'), reasons: record.verdict?.reasons ?? [], input: record.results['input'], pipelines };
}

function jsonOf(record: RunRecord, runDir: string, tmpDir: string, c: OutputComparison, gate: GoNoGo) {
  return {
    ...jsonBase(record, runDir),
    kpis: c.kpis,
    // The run folder was renamed when the run closed: point at the mismatch file where it is now.
    rows: c.rows ? { ...c.rows, mismatches: c.rows.mismatches ? { ...c.rows.mismatches, path: join(runDir, relative(tmpDir, c.rows.mismatches.path)) } : null } : null,
    declarative: c.declarative ?? null,
    profiles: c.profiles ?? null,
    noise: c.noise ?? null,
    schema: c.schemas,
    gate,
  };
}

const WORST_SHOWN = 10;

function kpiLine(k: KpiResult): string {
  const variance = formatPercent(k.relVariance, k.nonFinite?.relVariance);
  return `  ${k.verdict.padEnd(12)} ${`${k.kpi} [${k.segment}]`.padEnd(34)} ${formatValue(k.v1).padStart(16)} → ${formatValue(k.v2).padEnd(16)} ${variance.padStart(9)}  ${k.reason}`;
}

function formatSummary(c: OutputComparison, gate: GoNoGo, record: RunRecord, runDir: string): string {
  const lines: string[] = [''];
  const k = c.kpis.counts;
  lines.push(`KPIs: ${k.total} compared · ${k.pass} pass · ${k.inconclusive} inconclusive · ${k.fail} fail${k.noise > 0 ? ` · ${k.noise} within noise` : ''}`);
  const notPassing = c.kpis.kpis.filter((x) => x.verdict !== 'pass').sort((a, b) => {
    const [va, ra] = badness(a);
    const [vb, rb] = badness(b);
    return vb - va || rb - ra;
  });
  for (const x of notPassing.slice(0, WORST_SHOWN)) lines.push(kpiLine(x));
  if (notPassing.length > WORST_SHOWN) lines.push(`  … ${notPassing.length - WORST_SHOWN} more in ${join(runDir, 'run.json')}`);
  if (c.rows) {
    const r = c.rows.rows;
    lines.push(
      `Loan-level rows (${c.rows.keys.join(', ')}): ${r.v1} V1 · ${r.v2} V2 · ${r.matched} matched · ${r.onlyV1} only V1 · ${r.onlyV2} only V2 · ${r.changed} changed` +
        (r.duplicateKeysV1 + r.duplicateKeysV2 > 0 ? ` · duplicate keys ${r.duplicateKeysV1} V1 / ${r.duplicateKeysV2} V2` : ''),
    );
    for (const col of c.rows.columns.filter((x) => x.mismatches > 0)) {
      lines.push(`  ${col.name}: ${col.mismatches} mismatches${col.nullMismatches > 0 ? ` (${col.nullMismatches} null on one side)` : ''}${col.maxAbsDiff !== null ? `, max |Δ| ${formatValue(col.maxAbsDiff)}` : ''}`);
    }
  }
  if (c.declarative) {
    const d = c.declarative.comparison.counts;
    const s = c.declarative.selfCheck;
    lines.push(`Declarative KPIs (V1 vs V2): ${d.total} compared · ${d.pass} pass · ${d.inconclusive} inconclusive · ${d.fail} fail`);
    lines.push(`  self-check against own KPI table: V1 ${s.v1.verdict} (${s.v1.counts.fail} fail), V2 ${s.v2.verdict} (${s.v2.counts.fail} fail)`);
  }
  if (c.profiles) {
    const p = c.profiles.v2;
    const worst = p.columns.reduce<(typeof p.columns)[number] | undefined>((a, b) => (a === undefined || b.nullRate > a.nullRate ? b : a), undefined);
    const odd = p.columns.filter((x) => x.nan + x.posInf + x.negInf + x.outOfBounds > 0);
    lines.push(`Data quality (V2, ${p.rows} rows): worst null rate ${worst ? `${formatPercent(worst.nullRate)} (${worst.name})` : 'n/a'}` +
      (odd.length > 0 ? `; ${odd.map((x) => `${x.name}: ${x.nan} NaN, ${x.posInf + x.negInf} ±Inf, ${x.outOfBounds} out of bounds`).join('; ')}` : ''));
  }
  if (c.noise) lines.push(`Noise floor (V1 vs V1′): ${c.noise.counts.total - c.noise.counts.pass} of ${c.noise.counts.total} KPIs moved`);
  lines.push('', `Gate: ${gate.verdict}`);
  for (const criterion of gate.criteria) lines.push(formatCriterion(criterion));
  for (const review of gate.accepted) lines.push(formatAccepted(review));
  lines.push('', `Verdict: ${c.verdict.toUpperCase()}`);
  for (const reason of c.reasons) lines.push(`  - ${reason}`);
  lines.push(`Run ${record.id}: ${runDir}`, '');
  return lines.join('\n');
}
