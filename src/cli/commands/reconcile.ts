/**
 * `cutover reconcile <v1> <v2> --date-column C --days N`: per-day KPI comparison of two dated KPI tables (hive
 * partitions like `as_of_date=…/` or a date column) over the last N days present; exit code is the overall verdict.
 */
import type { Command } from 'commander';
import { reconcile } from '../../core/engine/reconcile';
import { loadTable } from '../../core/engine/source';
import type { Reconciliation } from '../../core/engine/types';
import { UsageError } from '../../core/errors';
import { sha256Files } from '../../core/runs/hash';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import type { KpiFlags } from '../options';
import { addKpiOptions, parseFormat, parseKpiFlags, parseNumber } from '../options';
import { exitCodeOf, fmtNumber, Progress, recordInput, textTable, typedArgv, withEngine } from './compare';

interface ReconcileFlags extends KpiFlags {
  dateColumn?: string;
  days?: string;
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
  const command = program
    .command('reconcile')
    .description('Per-day KPI comparison of two dated KPI tables over the last N days')
    .argument('<v1>', 'V1 KPI table: file, glob or hive-partitioned folder')
    .argument('<v2>', 'V2 KPI table: file, glob or hive-partitioned folder')
    .requiredOption('--date-column <name>', 'date column or hive partition key, e.g. as_of_date')
    .option('--days <n>', 'the last N days present', '30')
    .option('--abs-tol <x>', 'absolute KPI tolerance');
  addKpiOptions(command)
    .option('--format <format>', 'force the input format: parquet or csv')
    .option('--no-record', 'do not record a run in .cutover/runs')
    .option('--json', 'print one JSON document on stdout')
    .action(async (v1: string, v2: string, flags: ReconcileFlags, cmd: Command) => {
      const days = parseNumber('--days', flags.days, 1) ?? 30;
      if (!Number.isInteger(days)) throw new UsageError(`--days must be a whole number, got "${flags.days}"`);
      const kpi = parseKpiFlags(flags);
      const format = parseFormat(flags.format);
      const dateColumn = flags.dateColumn as string;
      const thresholds = { dateColumn, days, segments: kpi.table.segmentColumns, layout: kpi.table.layout, abs: kpi.abs ?? 0, passLine: kpi.passLine ?? 0.001, failLine: kpi.failLine ?? 0.01 };

      const writer = flags.record ? await new RunStore(ctx.cwd).begin('reconcile', { argv: typedArgv(cmd), cwd: ctx.cwd, thresholds }) : undefined;
      const progress = new Progress(ctx, 'reconcile', 3);
      await withEngine(progress, writer, async (e) => {
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
        const result = await timed('reconcile', () => reconcile(e, t1, t2, { dateColumn, days, layout: kpi.table, judge: kpi.judge }));
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
      });
    });
}
