/**
 * `cutover runs [--json] [--limit N]`: the run history of the workspace, newest first: id, kind, status, verdict,
 * worst KPI variance and duration. Runs killed mid-way are found and marked interrupted first.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadConfig, locateConfig, storeRoot } from '../../core/config/load';
import { formatPercent } from '../../core/percent';
import { kpiLinesOf } from '../../core/runs/summary';
import type { RunRecord } from '../../core/runs/record';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';

interface Options {
  readonly json?: boolean;
  readonly limit?: number;
  readonly config?: string;
}

export interface RunSummary {
  readonly id: string;
  readonly kind: string;
  readonly status: RunRecord['status'];
  readonly verdict: string | null;
  /** Worst |relative variance| over the run's KPIs; null without KPIs; `worstVarianceInfinite` when not finite. */
  readonly worstVariance: number | null;
  readonly worstVarianceInfinite: boolean;
  readonly startedAt: string;
  readonly durationMs: number | null;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

export function registerRuns(program: Command, ctx: CliContext): void {
  program
    .command('runs')
    .description('List the recorded runs, newest first.')
    .option('--json', 'print one JSON document')
    .option('--limit <n>', 'show at most N runs', positiveInt)
    .option('--config <file>', 'the cutover.json whose workspace to list (default: the nearest one from the current folder up)')
    .action(async (options: Options) => {
      const root = options.config !== undefined ? loadConfig(locateConfig(ctx.cwd, options.config)).dir : storeRoot(ctx.cwd);
      const store = new RunStore(root);
      // A run whose process died shows as interrupted: the CLI marks such runs before it lists. When it cannot (a
      // full disk), the history is still listed, with the reason.
      try {
        await store.recoverInterrupted();
      } catch (error) {
        ctx.stderr.write(`warning: runs that died were not marked interrupted: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      const { total, shown: records, problems } = await listed(store, options.limit, ctx);
      const shown = records.map(summarize);
      if (options.json) {
        ctx.stdout.write(`${JSON.stringify({ root: store.root, total, runs: shown, problems }, null, 2)}\n`);
        return;
      }
      if (shown.length === 0) {
        ctx.stdout.write(`no runs in ${store.root}\n`);
      } else {
        const rows = shown.map((r) => [r.id, r.kind, r.status, r.verdict ?? '–', r.worstVarianceInfinite ? '∞' : r.worstVariance === null ? '–' : formatPercent(r.worstVariance), r.durationMs === null ? '–' : `${(r.durationMs / 1000).toFixed(1)} s`]);
        ctx.stdout.write(table(['run', 'kind', 'status', 'verdict', 'worst variance', 'duration'], rows));
        if (total > shown.length) ctx.stdout.write(`(${total - shown.length} older not shown)\n`);
      }
      for (const p of problems) ctx.stderr.write(`warning: run ${p.id}: ${p.message}\n`);
    });
}

type Problem = { readonly id: string; readonly message: string };

/**
 * The runs to show, newest first, found through the store's index: only the shown runs' run.json are read (`--limit`
 * reads N of them). A run.json that cannot be read is a problem named with its file, and the next run is shown in its
 * place. When the index cannot be brought up to date (a full disk), the run folders are read instead, with the reason.
 */
async function listed(store: RunStore, limit: number | undefined, ctx: CliContext): Promise<{ total: number; shown: RunRecord[]; problems: Problem[] }> {
  // The index's own warnings about a run it left out repeat a problem listed below; a rebuilt index is worth saying.
  const notes: string[] = [];
  const index = store.index((message) => notes.push(message));
  let ids: string[];
  try {
    ids = (await index.entries()).map((e) => e.id);
  } catch (error) {
    ctx.stderr.write(`warning: the run index could not be read, the run folders are: ${error instanceof Error ? error.message : String(error)}\n`);
    const { runs, problems } = await store.scan();
    return { total: runs.length, shown: runs.slice(0, limit ?? runs.length), problems };
  }
  const problems: Problem[] = [...index.problems].map(([id, message]) => ({ id, message }));
  const shown: RunRecord[] = [];
  for (const id of ids) {
    if (shown.length === (limit ?? ids.length)) break;
    try {
      shown.push(await store.read(id));
    } catch (error) {
      problems.push({ id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  for (const note of notes) if (!problems.some((p) => note.includes(p.id))) ctx.stderr.write(`warning: ${note}\n`);
  problems.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const unreadable = problems.filter((p) => ids.includes(p.id)).length;
  return { total: ids.length - unreadable, shown, problems };
}

export function summarize(record: RunRecord): RunSummary {
  let worst: number | null = null;
  let infinite = false;
  // A reconciliation keeps its not-passing lines (every day) under `reconcile`.
  for (const k of kpiLinesOf(record.results)) {
    if (k.relVariance !== null) worst = Math.max(worst ?? 0, Math.abs(k.relVariance));
    else infinite = true;
  }
  const ended = record.endedAt ? Date.parse(record.endedAt) : NaN;
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    verdict: record.verdict?.verdict ?? null,
    worstVariance: worst,
    worstVarianceInfinite: infinite,
    startedAt: record.startedAt,
    durationMs: Number.isNaN(ended) ? null : ended - Date.parse(record.startedAt),
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
