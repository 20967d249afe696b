/**
 * `cutover reconcile`: per-day KPI comparison over the last N days, in one of two ways.
 *   - `cutover reconcile <v1> <v2> --date-column C [--days N]`: two dated KPI tables (hive partitions like
 *     `as_of_date=…/` or a date column) that already exist.
 *   - `cutover reconcile [--input NAME|PATH] [--days N]`: runs V1 and V2 from cutover.json on each of the input's last
 *     N day partitions (the input's `dateColumn`), each day's outputs into the run folder as `v1|v2/<col>=<day>/`,
 *     then compares their KPI tables day by day with the KPI layout and thresholds of cutover.json. A pipeline that
 *     fails stops the run (recorded as failed, exit 4), naming the day and its log.
 * Exit code is the overall verdict.
 */
import { relative, join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, locateConfig } from '../../core/config/load';
import { resolveInput } from '../../core/config/resolve';
import type { Engine } from '../../core/engine/duckdb';
import { reconcile } from '../../core/engine/reconcile';
import { defaultFailLine, defaultPassLine } from '../../core/engine/judge';
import { formatPercent } from '../../core/percent';
import { loadTable } from '../../core/engine/source';
import type { KpiJudgeOptions, KpiTableLayout, LoadedTable, Reconciliation } from '../../core/engine/types';
import { ConfigError, RuntimeError, UsageError } from '../../core/errors';
import { judgeOptions, layoutOf } from '../../core/pipeline/compare-outputs';
import { lastDays } from '../../core/pipeline/days';
import { succeeded } from '../../core/pipeline/run';
import { recordSideCommand, runShadowPipelines } from '../../core/pipeline/shadow';
import { sha256Files } from '../../core/runs/hash';
import type { RunWriter } from '../../core/runs/store';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import type { KpiFlags } from '../options';
import { addKpiOptions, parseFormat, parseKpiFlags, parseNumber } from '../options';
import { typedArgv } from '../argv';
import { exitCodeOf } from '../exitCodes';
import { Progress } from '../progress';
import { recordInput } from '../runInputs';
import { fmtNumber, textTable } from '../textTable';
import { withEngine } from '../withEngine';
import { cancelOnSignals } from '../engine-options';

interface ReconcileFlags extends KpiFlags {
  dateColumn?: string;
  days?: string;
  format?: string;
  input?: string;
  config?: string;
  record: boolean;
  json?: boolean;
}

/** What the per-day comparison needs, whichever way the two KPI tables came about. */
interface DailyKpis {
  readonly dateColumn: string;
  readonly days: number;
  readonly layout: KpiTableLayout;
  readonly judge: KpiJudgeOptions;
}

function variance(value: number | null, nonFinite: string | undefined): string {
  return value === null && nonFinite === undefined ? '–' : formatPercent(value, nonFinite);
}

function printHuman(ctx: CliContext, r: Reconciliation, runDir: string | null): void {
  const lines = [
    textTable([
      ['day', 'KPIs', 'failing', 'worst variance', 'worst KPI', 'verdict'],
      ...r.days.map((d) => [d.day, String(d.kpis), String(d.failing), variance(d.worstRelVariance, d.worstNonFinite), d.worstKpi ? `${d.worstKpi} (${d.worstSegment})` : '–', d.verdict]),
    ]),
    '',
    `days: ${r.summary.days} · passing ${r.summary.daysPassing} · worst day ${r.summary.worstDay ?? '–'} · worst KPI ${r.summary.worstKpi ?? '–'}`,
    `verdict: ${r.summary.verdict.toUpperCase()} — ${fmtNumber(r.summary.daysPassing)} of ${fmtNumber(r.summary.days)} days pass`,
  ];
  if (runDir) lines.push(`run: ${runDir}`);
  ctx.stdout.write(`${lines.join('\n')}\n`);
}

export function registerReconcile(program: Command, ctx: CliContext): void {
  const command = program
    .command('reconcile')
    .description('Per-day KPI comparison over the last N days: of two dated KPI tables, or of V1 and V2 run on each day of a dated input')
    .argument('[v1]', 'V1 KPI table: file, glob or hive-partitioned folder (omit both tables to run the pipelines from cutover.json)')
    .argument('[v2]', 'V2 KPI table: file, glob or hive-partitioned folder')
    .option('--date-column <name>', 'date column or hive partition key, e.g. as_of_date (with no tables: default the input\'s dateColumn)')
    .option('--days <n>', 'the last N days present', '30')
    .option('--input <name|path>', 'with no tables: the dated input to run the pipelines on (default: the first input with a dateColumn)')
    .option('--config <file>', 'with no tables: the cutover.json to use (default: the nearest one from the current folder up)')
    .option('--abs-tol <x>', 'absolute KPI tolerance');
  addKpiOptions(command)
    .option('--format <format>', 'force the input format: parquet or csv')
    .option('--no-record', 'do not record a run in .cutover/runs (two tables only)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (v1: string | undefined, v2: string | undefined, flags: ReconcileFlags, cmd: Command) => {
      const days = parseNumber('--days', flags.days, 1) ?? 30;
      if (!Number.isInteger(days)) throw new UsageError(`--days must be a whole number, got "${flags.days}"`);
      if (v1 !== undefined && v2 !== undefined) return reconcileTables(ctx, v1, v2, days, flags, cmd);
      if (v1 !== undefined) throw new UsageError('give both KPI tables (V1 and V2), or neither to run the pipelines from cutover.json');
      return reconcilePipelines(ctx, days, flags, cmd);
    });
}

async function reconcileTables(ctx: CliContext, v1: string, v2: string, days: number, flags: ReconcileFlags, cmd: Command): Promise<void> {
  if (flags.dateColumn === undefined) throw new UsageError('--date-column is required when reconciling two tables');
  for (const flag of ['input', 'config'] as const) {
    if (flags[flag] !== undefined) throw new UsageError(`--${flag} applies when no tables are given (the pipelines run from cutover.json)`);
  }
  const kpi = parseKpiFlags(flags);
  const format = parseFormat(flags.format);
  const daily: DailyKpis = { dateColumn: flags.dateColumn, days, layout: kpi.table, judge: kpi.judge };
  const writer = flags.record ? await new RunStore(ctx.cwd).begin('reconcile', { argv: typedArgv(cmd), cwd: ctx.cwd, thresholds: thresholdsOf(daily), id: ctx.runId }) : undefined;
  const progress = new Progress(ctx, 'reconcile', 3);
  await withEngine(progress, writer, async (e) => {
    const source = (path: string, label: string): { path: string; label: string; format?: 'parquet' | 'csv' } => (format ? { path, label, format } : { path, label });
    const t1 = await timed(progress, writer, 'load v1', () => loadTable(e, source(v1, 'V1'), 'v1', { cwd: ctx.cwd }));
    const t2 = await timed(progress, writer, 'load v2', () => loadTable(e, source(v2, 'V2'), 'v2', { cwd: ctx.cwd }));
    await compareDays(ctx, flags, progress, writer, e, t1, t2, daily);
  });
}

/** Options that describe a KPI table given on the command line; with the pipelines, cutover.json says them. */
const TABLE_ONLY = ['segment', 'layout', 'kpiColumn', 'valueColumn', 'format'] as const;

async function reconcilePipelines(ctx: CliContext, days: number, flags: ReconcileFlags, cmd: Command): Promise<void> {
  for (const flag of TABLE_ONLY) {
    if (cmd.getOptionValueSource(flag) === 'cli') {
      throw new UsageError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} describes a KPI table given on the command line; with the pipelines, cutover.json sets it`);
    }
  }
  if (!flags.record) throw new UsageError('--no-record applies to two tables: a reconcile that runs the pipelines keeps their outputs in its run folder');
  // Everything that can be wrong with the setup is found before a run folder exists.
  const loaded = loadConfig(locateConfig(ctx.cwd, flags.config));
  const inputName = flags.input ?? Object.entries(loaded.config.inputs).find(([, i]) => i.dateColumn !== undefined)?.[0];
  if (inputName === undefined) {
    throw new ConfigError('no input in cutover.json has a dateColumn: add "dateColumn" (and "partitioning": "hive") to a dated input, or pass --input and --date-column', { file: loaded.file });
  }
  const input = resolveInput(loaded, inputName, ctx.cwd);
  const dateColumn = flags.dateColumn ?? input.dateColumn;
  if (dateColumn === undefined) throw new ConfigError(`input "${input.name}" has no dateColumn: add one in cutover.json or pass --date-column`, { file: loaded.file });
  const partitions = lastDays(input.path, dateColumn, days);
  const kpi = parseKpiFlags(flags);
  const fromConfig = judgeOptions(loaded.config.compare);
  const judge: KpiJudgeOptions = {
    ...fromConfig,
    ...(kpi.abs !== undefined ? { abs: kpi.abs } : {}),
    ...(kpi.passLine !== undefined ? { passLine: kpi.passLine } : {}),
    ...(kpi.failLine !== undefined ? { failLine: kpi.failLine } : {}),
  };
  const daily: DailyKpis = { dateColumn, days, layout: layoutOf(loaded.config.pipelines.v1, loaded.config.compare), judge };

  const out = flags.json ? ctx.stderr : ctx.stdout;
  const say = (text: string): void => void out.write(`${text}\n`);
  const writer = await new RunStore(loaded.dir).begin('reconcile', { argv: typedArgv(cmd), cwd: ctx.cwd, thresholds: thresholdsOf(daily), id: ctx.runId });
  // Ctrl+C in a terminal (SIGINT) and the extension's Cancel Run (SIGTERM to the CLI's process group) both stop the
  // pipelines, which run in process groups of their own and would outlive the CLI otherwise.
  const controller = cancelOnSignals();
  const progress = new Progress(ctx, 'reconcile', 3);
  try {
    say(`cutover reconcile · run ${writer.id} · input ${input.name} · ${partitions.length} day(s) ${partitions[0]?.day} … ${partitions.at(-1)?.day}`);
    for (const { day, path } of partitions) {
      const outcomes = await writer.phase(`pipelines ${day}`, () => runShadowPipelines({
        loaded,
        input: path,
        runDir: writer.dir,
        outputDir: (side) => join(writer.dir, side, `${dateColumn}=${day}`),
        logPath: (side) => writer.logPath(`${side}-${day}`),
        signal: controller.signal,
      }));
      for (const o of outcomes) recordSideCommand(writer, o, `${o.side} ${day}`, writer.logPath(`${o.side}-${day}`));
      if (controller.signal.aborted) throw controller.stopped();
      const bad = outcomes.find((o) => !o.result || !succeeded(o.result));
      if (bad) {
        const log = join(writer.finalDir, relative(writer.dir, writer.logPath(`${bad.side}-${day}`)));
        throw new RuntimeError(bad.error
          ? `${bad.side} on ${day}: ${bad.error.message}`
          : `pipeline ${bad.side} on ${day} exited with ${bad.result?.exitCode ?? `signal ${bad.result?.signal ?? '?'}`}; its log: ${log}`);
      }
      say(`✓ ${day}  v1 ${seconds(outcomes[0]?.result?.durationMs)} · v2 ${seconds(outcomes[1]?.result?.durationMs)}`);
    }
  } catch (error) {
    progress.stop();
    const ended = controller.stopped(error);
    await writer.fail(ended, { results: { input: { name: input.name, path: input.path } } }).catch((recording: unknown) => {
      ctx.stderr.write(`cutover: could not record run ${writer.id} as ended: ${recording instanceof Error ? recording.message : String(recording)}\n`);
    });
    throw ended;
  } finally {
    controller.dispose();
  }
  const kpiFile = (side: 'v1' | 'v2'): string => join(writer.dir, side, '*', loaded.config.pipelines[side].outputs.kpis.path);
  const format = (side: 'v1' | 'v2'): { format?: 'parquet' | 'csv' } => {
    const f = loaded.config.pipelines[side].outputs.kpis.format;
    return f ? { format: f } : {};
  };
  await withEngine(progress, writer, async (e) => {
    const t1 = await timed(progress, writer, 'load v1', () => loadTable(e, { path: kpiFile('v1'), label: 'V1 KPI tables', ...format('v1') }, 'v1'));
    const t2 = await timed(progress, writer, 'load v2', () => loadTable(e, { path: kpiFile('v2'), label: 'V2 KPI tables', ...format('v2') }, 'v2'));
    await compareDays(ctx, flags, progress, writer, e, t1, t2, daily, { name: input.name, path: input.path });
  });
}

function thresholdsOf(d: DailyKpis): Record<string, unknown> {
  return { dateColumn: d.dateColumn, days: d.days, segments: d.layout.segmentColumns ?? ['segment'], layout: d.layout.layout ?? 'long', abs: d.judge.abs ?? 0, passLine: d.judge.passLine ?? defaultPassLine, failLine: d.judge.failLine ?? defaultFailLine, ...(d.judge.perKpi ? { perKpi: d.judge.perKpi } : {}) };
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`;
}

async function timed<T>(progress: Progress, writer: RunWriter | undefined, name: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  const ms = performance.now() - started;
  progress.phase(name, ms);
  writer?.addPhase(name, ms);
  return result;
}

/** The per-day comparison of two loaded KPI tables, recorded and printed; the exit code is its verdict. */
async function compareDays(
  ctx: CliContext, flags: ReconcileFlags, progress: Progress, writer: RunWriter | undefined, e: Engine,
  t1: LoadedTable, t2: LoadedTable, daily: DailyKpis, input?: { name: string; path: string },
): Promise<void> {
  const hashes = writer ? Promise.all([sha256Files(t1.files), sha256Files(t2.files)]) : undefined;
  const result = await timed(progress, writer, 'reconcile', () => reconcile(e, t1, t2, { dateColumn: daily.dateColumn, days: daily.days, layout: daily.layout, judge: daily.judge }));
  // Only KPIs that did not pass are kept: thirty days of every KPI would drown the record.
  const notPassing = result.kpis.filter((k) => k.verdict !== 'pass');
  const summaryResult = { dateColumn: result.dateColumn, summary: result.summary, days: result.days, kpis: notPassing };
  if (writer && hashes) {
    const [h1, h2] = await hashes;
    await recordInput(writer, 'v1', t1, h1);
    await recordInput(writer, 'v2', t2, h2);
    const failingDays = result.days.filter((d) => d.verdict !== 'pass').map((d) => `${d.day}: ${d.verdict} (worst ${d.worstKpi ?? '–'} ${variance(d.worstRelVariance, d.worstNonFinite)})`);
    await writer.finish({
      verdict: { verdict: result.summary.verdict, reasons: failingDays.length > 0 ? failingDays : [`${result.summary.days} days pass`] },
      results: { reconcile: summaryResult, ...(input ? { input } : {}) },
      duckdbVersion: e.duckdbVersion,
    });
  }
  progress.stop();
  const runDir = writer ? writer.finalDir : null;
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify({ verdict: result.summary.verdict, runId: writer?.id ?? null, runDir, duckdb: e.duckdbVersion, ...summaryResult }, null, 2)}\n`);
  } else {
    printHuman(ctx, result, runDir);
  }
  ctx.setExitCode(exitCodeOf(result.summary.verdict));
}
