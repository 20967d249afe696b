/**
 * `cutover reconcile <v1> <v2> --date-column C --days N`: per-day KPI comparison of two dated KPI tables (hive
 * partitions like `as_of_date=…/` or a date column) over the last N days present; exit code is the overall verdict.
 */
import type { Command } from 'commander';
import type { Engine } from '../../core/engine/duckdb';
import { openEngine } from '../../core/engine/duckdb';
import { reconcile } from '../../core/engine/reconcile';
import { loadTable } from '../../core/engine/source';
import type { Reconciliation } from '../../core/engine/types';
import { UsageError } from '../../core/errors';
import { sha256Files } from '../../core/runs/hash';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import { exitCodeOf, fmtNumber, parseColumns, parseNumber, Progress, recordInput, textTable, typedArgv } from './compare';

interface ReconcileFlags {
  dateColumn?: string;
  days?: string;
  segment?: string;
  layout?: string;
  kpiColumn?: string;
  valueColumn?: string;
  absTol?: string;
  passLine?: string;
  failLine?: string;
  format?: string;
  record: boolean;
  json?: boolean;
}

function variance(value: number | null, nonFinite: string | undefined): string {
  if (value === null) return nonFinite ?? '–';
  return `${(value * 100).toFixed(3)}%`;
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
  program
    .command('reconcile')
    .description('Per-day KPI comparison of two dated KPI tables over the last N days')
    .argument('<v1>', 'V1 KPI table: file, glob or hive-partitioned folder')
    .argument('<v2>', 'V2 KPI table: file, glob or hive-partitioned folder')
    .requiredOption('--date-column <name>', 'date column or hive partition key, e.g. as_of_date')
    .option('--days <n>', 'the last N days present', '30')
    .option('--segment <cols>', 'segment columns, comma-separated (default "segment"; "" for none)')
    .option('--layout <layout>', 'long (segment, kpi, value) or wide (a column per KPI)', 'long')
    .option('--kpi-column <name>', 'long layout: KPI name column', 'kpi')
    .option('--value-column <name>', 'long layout: value column', 'value')
    .option('--abs-tol <x>', 'absolute KPI tolerance')
    .option('--pass-line <p>', 'pass line as a fraction (default 0.001)')
    .option('--fail-line <f>', 'fail line as a fraction (default 0.01)')
    .option('--format <format>', 'force the input format: parquet or csv')
    .option('--no-record', 'do not record a run in .cutover/runs')
    .option('--json', 'print one JSON document on stdout')
    .action(async (v1: string, v2: string, flags: ReconcileFlags, cmd: Command) => {
      const days = parseNumber('--days', flags.days, 1) ?? 30;
      if (!Number.isInteger(days)) throw new UsageError(`--days must be a whole number, got "${flags.days}"`);
      const abs = parseNumber('--abs-tol', flags.absTol) ?? 0;
      const passLine = parseNumber('--pass-line', flags.passLine);
      const failLine = parseNumber('--fail-line', flags.failLine);
      if (passLine !== undefined && failLine !== undefined && passLine > failLine) throw new UsageError('--pass-line must not exceed --fail-line');
      const layout = flags.layout ?? 'long';
      if (layout !== 'long' && layout !== 'wide') throw new UsageError(`--layout must be long or wide, got "${layout}"`);
      if (flags.format !== undefined && flags.format !== 'parquet' && flags.format !== 'csv') throw new UsageError(`--format must be parquet or csv, got "${flags.format}"`);
      const format = flags.format as 'parquet' | 'csv' | undefined;
      const dateColumn = flags.dateColumn as string;
      const segments = flags.segment === undefined ? ['segment'] : parseColumns(flags.segment);
      const judge = { abs, ...(passLine !== undefined ? { passLine } : {}), ...(failLine !== undefined ? { failLine } : {}) };
      const thresholds = { dateColumn, days, segments, layout, abs, passLine: passLine ?? 0.001, failLine: failLine ?? 0.01 };

      const writer = flags.record ? await new RunStore(ctx.cwd).begin('reconcile', { argv: typedArgv(cmd), cwd: ctx.cwd, thresholds }) : undefined;
      const progress = new Progress(ctx, 'reconcile', 3);
      let engine: Engine | undefined;
      try {
        engine = await openEngine();
        const e = engine;
        const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
          const started = performance.now();
          const result = await fn();
          const ms = performance.now() - started;
          progress.phase(name, ms);
          writer?.addPhase(name, ms);
          return result;
        };
        const source = (path: string, label: string): { path: string; label: string; format?: 'parquet' | 'csv' } => (format ? { path, label, format } : { path, label });
        const t1 = await timed('load v1', () => loadTable(e, source(v1, 'V1'), 'v1', { cwd: ctx.cwd }));
        const t2 = await timed('load v2', () => loadTable(e, source(v2, 'V2'), 'v2', { cwd: ctx.cwd }));
        const hashes = writer ? Promise.all([sha256Files(t1.files), sha256Files(t2.files)]) : undefined;
        const result = await timed('reconcile', () => reconcile(e, t1, t2, { dateColumn, days, layout: { layout, segmentColumns: segments, kpiColumn: flags.kpiColumn ?? 'kpi', valueColumn: flags.valueColumn ?? 'value' }, judge }));
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
            results: { reconcile: summaryResult },
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
      } catch (error) {
        progress.stop();
        if (writer && !writer.closed) await writer.fail(error, engine ? { duckdbVersion: engine.duckdbVersion } : {});
        throw error;
      } finally {
        engine?.close();
      }
    });
}
