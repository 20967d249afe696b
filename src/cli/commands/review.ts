/**
 * `cutover review accept|list|revoke`: the reviewed discrepancies of `.cutover/reviews.json` from the command line,
 * so CI and scripts can do what the KPI Diff panel's Accept… does. The file lives beside cutover.json (or in the
 * current folder without one); every write goes through the reviews store (locked, atomic).
 *
 *   cutover review accept [RUN] --kpi NAME [--segment SEG] [--day DAY] --reason TEXT [--by WHO]
 *   cutover review list [--json]
 *   cutover review revoke --kpi NAME --segment SEG [--run RUN] --reason TEXT [--by WHO]
 *
 * Who: `--by`, else `git config user.name`, else the operating-system user. A review covers the KPI line with the
 * values it was given (a run whose numbers moved needs a new review); a revoked one stays listed and counts for
 * nothing, in `cutover gate` and in every surface of the editor.
 */
import type { Command } from 'commander';
import { dirname } from 'node:path';
import { findConfig, locateConfig } from '../../core/config/load';
import { UsageError } from '../../core/errors';
import { formatValue } from '../../core/gate/format';
import { formatPercent } from '../../core/percent';
import { reviewerName } from '../../core/reviews/reviewer';
import { ReviewStore, type Review } from '../../core/reviews/store';
import type { RunKpiLine } from '../../core/runs/results';
import { RunStore } from '../../core/runs/store';
import { kpiLinesOf } from '../../core/runs/summary';
import type { CliContext } from '../context';
import { pickRun } from '../pickRun';

interface Common {
  readonly config?: string;
  readonly json?: boolean;
}

interface AcceptOptions extends Common {
  readonly kpi: string;
  readonly segment?: string;
  readonly day?: string;
  readonly reason: string;
  readonly by?: string;
}

interface RevokeOptions extends Common {
  readonly kpi: string;
  readonly segment: string;
  readonly run?: string;
  readonly reason: string;
  readonly by?: string;
}

const CONFIG_HELP = 'the cutover.json whose folder holds .cutover/ (default: the nearest one from the current folder up)';

export function registerReview(program: Command, ctx: CliContext): void {
  const review = program
    .command('review')
    .description('Accept a KPI discrepancy after review, list the reviews, or revoke one (.cutover/reviews.json; go/no-go leaves accepted lines out).');

  review
    .command('accept')
    .description('Accept a KPI line that did not pass: go/no-go then leaves it out of the KPI variance while its values stay the same.')
    .argument('[run]', 'run id, or a unique prefix of one (default: the latest shadow run)')
    .requiredOption('--kpi <name>', 'the KPI')
    .option('--segment <segment>', 'its segment (needed when the KPI did not pass in several segments)')
    .option('--day <day>', "a reconciliation's day (needed when the line did not pass on several days)")
    .requiredOption('--reason <text>', 'why the difference is acceptable')
    .option('--by <name>', 'who accepts (default: git config user.name, else the OS user)')
    .option('--config <file>', CONFIG_HELP)
    .option('--json', 'print the review as JSON')
    .action(async (runId: string | undefined, options: AcceptOptions) => {
      const root = workspaceRoot(ctx, options);
      const record = await pickRun(new RunStore(root), runId);
      const line = pickLine(kpiLinesOf(record.results), options, record.id);
      const who = options.by ?? (await reviewerName(root));
      const accepted = await new ReviewStore(root).accept(record.id, line, options.reason, who);
      ctx.stdout.write(options.json ? `${JSON.stringify(accepted, null, 2)}\n` : `Accepted ${describe(accepted)}\n`);
    });

  review
    .command('list')
    .description('List the reviews: those in force and those revoked.')
    .option('--config <file>', CONFIG_HELP)
    .option('--json', 'print the reviews as JSON')
    .action(async (options: Common) => {
      const store = new ReviewStore(workspaceRoot(ctx, options));
      const reviews = await store.list();
      if (options.json) {
        ctx.stdout.write(`${JSON.stringify(reviews, null, 2)}\n`);
        return;
      }
      if (reviews.length === 0) {
        ctx.stdout.write(`No reviews in ${store.file}.\n`);
        return;
      }
      ctx.stdout.write(`${reviews.map((r) => `${(r.revoked ? 'revoked' : 'in force').padEnd(8)}  ${describe(r)}${r.revoked ? `\n          revoked by ${r.revoked.who} on ${r.revoked.when.slice(0, 10)}: ${r.revoked.reason}` : ''}`).join('\n')}\n`);
    });

  review
    .command('revoke')
    .description('Withdraw the reviews in force of a KPI line: go/no-go counts the line again.')
    .requiredOption('--kpi <name>', 'the KPI')
    .requiredOption('--segment <segment>', 'its segment')
    .option('--run <run>', 'only reviews made on this run (id or prefix)')
    .requiredOption('--reason <text>', 'why the acceptance no longer holds')
    .option('--by <name>', 'who revokes (default: git config user.name, else the OS user)')
    .option('--config <file>', CONFIG_HELP)
    .option('--json', 'print the revoked reviews as JSON')
    .action(async (options: RevokeOptions) => {
      const root = workspaceRoot(ctx, options);
      const who = options.by ?? (await reviewerName(root));
      const line = { kpi: options.kpi, segment: options.segment, ...(options.run !== undefined ? { runId: options.run } : {}) };
      const revoked = await new ReviewStore(root).revoke(line, options.reason, who);
      ctx.stdout.write(options.json ? `${JSON.stringify(revoked, null, 2)}\n` : `${revoked.map((r) => `Revoked ${describe(r)}`).join('\n')}\n`);
    });
}

/** The folder whose `.cutover/` holds the runs and reviews: cutover.json's, else the current folder. */
function workspaceRoot(ctx: CliContext, options: Common): string {
  const file = options.config !== undefined ? locateConfig(ctx.cwd, options.config) : findConfig(ctx.cwd);
  return file !== undefined ? dirname(file) : ctx.cwd;
}

/** The one KPI line of the run that the options name; it must not pass (there is nothing to accept then). */
function pickLine(lines: readonly RunKpiLine[], o: AcceptOptions, runId: string): RunKpiLine {
  const named = lines.filter((k) => k.kpi === o.kpi && (o.segment === undefined || k.segment === o.segment) && (o.day === undefined || k.day === o.day));
  const label = `${o.kpi}${o.segment !== undefined ? ` [${o.segment}]` : ''}${o.day !== undefined ? ` on ${o.day}` : ''}`;
  if (named.length === 0) {
    const kpis = [...new Set(lines.filter((k) => k.verdict !== 'pass').map((k) => `${k.kpi} [${k.segment}]`))];
    throw new UsageError(`run ${runId} has no KPI line ${label}${kpis.length > 0 ? `; lines that did not pass: ${kpis.join(', ')}` : ''}`);
  }
  const open = named.filter((k) => k.verdict !== 'pass');
  if (open.length === 0) throw new UsageError(`${label} passes in run ${runId}: there is nothing to accept`);
  const [only, ...more] = open;
  if (only && more.length === 0) return only;
  const choices = open.map((k) => `--segment ${JSON.stringify(k.segment)}${k.day !== undefined ? ` --day ${k.day}` : ''}`);
  throw new UsageError(`${label} did not pass on ${open.length} lines of run ${runId}: name one with ${choices.join(' | ')}`);
}

function describe(r: Review): string {
  const variance = r.v1 === null || r.v2 === null ? 'missing on one side' : `variance ${formatPercent(r.relVariance, r.relVariance === null ? 'Infinity' : undefined)}`;
  return `${r.kpi} [${r.segment}] (V1 ${formatValue(r.v1)} → V2 ${formatValue(r.v2)}, ${variance}) of run ${r.runId}, by ${r.who} on ${r.when.slice(0, 10)}: ${r.reason}`;
}
