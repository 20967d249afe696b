/**
 * `cutover gate [RUN] [--json] [--config FILE]`: the go/no-go decision on a shadow run (default: the latest):
 * each criterion's value against its threshold, with a reason. Exit 0 go, 1 no-go, 2 inconclusive.
 * Thresholds come from the current cutover.json (the policy now), else from those recorded with the run.
 */
import type { Command } from 'commander';
import { findConfig, loadConfig, locateConfig } from '../../core/config/load';
import type { GateConfig } from '../../core/config/schema';
import { GateSchema } from '../../core/config/schema';
import { ExitCode, UsageError } from '../../core/errors';
import type { GateVerdict } from '../../core/gate/evaluate';
import { evaluateGate } from '../../core/gate/evaluate';
import { evidenceFromRun } from '../../core/gate/evidence';
import { formatCriterion } from '../../core/gate/format';
import type { RunRecord } from '../../core/runs/record';
import { RunStore } from '../../core/runs/store';
import { acceptedFor, ReviewStore } from '../../core/reviews/store';
import type { CliContext } from '../context';

interface Options {
  readonly json?: boolean;
  readonly config?: string;
}

export function registerGate(program: Command, ctx: CliContext): void {
  program
    .command('gate')
    .description('Evaluate go/no-go on a shadow run: KPI variance, error rate, latency, null rate (exit 0 go, 1 no-go, 2 inconclusive).')
    .argument('[run]', 'run id, or a unique prefix of one (default: the latest shadow run)')
    .option('--json', 'print one JSON document')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .action(async (runId: string | undefined, options: Options) => {
      const configFile = options.config !== undefined ? locateConfig(ctx.cwd, options.config) : findConfig(ctx.cwd);
      const loaded = configFile !== undefined ? loadConfig(configFile) : undefined;
      const store = new RunStore(loaded?.dir ?? ctx.cwd);
      const record = await pickRun(store, runId);
      const thresholds = loaded?.config.gate ?? recordedThresholds(record);
      const evidence = evidenceFromRun(record);
      // Reviewed discrepancies (.cutover/reviews.json) are left out of the variance and listed as accepted.
      const reviews = acceptedFor(await new ReviewStore(store.workspaceRoot).list(), evidence.kpis ?? []);
      const result = evaluateGate(evidence, thresholds, reviews);
      const accepted = reviews.accepted;
      if (options.json) {
        ctx.stdout.write(`${JSON.stringify({ runId: record.id, runStatus: record.status, runVerdict: record.verdict?.verdict ?? null, thresholds, ...result, accepted }, null, 2)}\n`);
      } else {
        const lines = [`Go/no-go on run ${record.id} (${record.kind}, ${record.status}${record.verdict ? `, verdict ${record.verdict.verdict}` : ''}):`];
        for (const c of result.criteria) lines.push(formatCriterion(c));
        if (accepted.length > 0) lines.push('', 'Accepted discrepancies (.cutover/reviews.json):');
        for (const r of accepted) lines.push(`  ~ ${r.kpi} [${r.segment}] accepted by ${r.who} on ${r.when.slice(0, 10)} (run ${r.runId}): ${r.reason}`);
        lines.push('', `Decision: ${result.verdict.toUpperCase()}`, '');
        ctx.stdout.write(lines.join('\n'));
      }
      ctx.setExitCode(gateExitCode(result.verdict));
    });
}

function gateExitCode(verdict: GateVerdict): ExitCode {
  return verdict === 'go' ? ExitCode.pass : verdict === 'no-go' ? ExitCode.fail : ExitCode.inconclusive;
}

/** The gate thresholds stored with the run, defaults filling any gap. */
function recordedThresholds(record: RunRecord): GateConfig {
  const parsed = GateSchema.safeParse(record.thresholds['gate'] ?? {});
  return parsed.success ? parsed.data : GateSchema.parse({});
}

async function pickRun(store: RunStore, wanted: string | undefined): Promise<RunRecord> {
  const runs = await store.list();
  if (wanted === undefined) {
    const latest = runs.find((r) => r.kind === 'shadow');
    if (!latest) throw new UsageError(`no shadow run in ${store.root}: run \`cutover shadow\` first`);
    return latest;
  }
  const matches = runs.filter((r) => r.id.startsWith(wanted));
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length === 0) throw new UsageError(`no run ${wanted} in ${store.root} (see \`cutover runs\`)`);
  throw new UsageError(`run id prefix ${wanted} is ambiguous: ${matches.map((r) => r.id).join(', ')}`);
}
