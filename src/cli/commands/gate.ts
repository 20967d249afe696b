/**
 * `cutover gate [RUN] [--json] [--config FILE]`: the go/no-go decision on a shadow run (default: the latest):
 * each criterion's value against its threshold, with a reason. Exit 0 go, 1 no-go, 2 inconclusive.
 * The decision is `goNoGo` (core/gate/goNoGo.ts), the one every surface shows: thresholds from the current
 * cutover.json (the policy now), else those recorded with the run; reviews in force applied.
 */
import type { Command } from 'commander';
import { findConfig, loadConfig, locateConfig } from '../../core/config/load';
import { ExitCode } from '../../core/errors';
import type { GateVerdict } from '../../core/gate/evaluate';
import { formatAccepted, formatCriterion } from '../../core/gate/format';
import { goNoGoInWorkspace } from '../../core/gate/goNoGo';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import { pickRun } from '../pickRun';

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
      const result = await goNoGoInWorkspace(store.workspaceRoot, record, loaded?.config.gate);
      if (options.json) {
        const { verdict, criteria, thresholds, thresholdsFrom, accepted } = result;
        ctx.stdout.write(`${JSON.stringify({ runId: record.id, runStatus: record.status, runVerdict: record.verdict?.verdict ?? null, thresholds, thresholdsFrom, verdict, criteria, accepted }, null, 2)}\n`);
      } else {
        const lines = [`Go/no-go on run ${record.id} (${record.kind}, ${record.status}${record.verdict ? `, verdict ${record.verdict.verdict}` : ''}):`];
        for (const c of result.criteria) lines.push(formatCriterion(c));
        if (result.accepted.length > 0) lines.push('', 'Accepted discrepancies (.cutover/reviews.json):');
        for (const r of result.accepted) lines.push(formatAccepted(r));
        lines.push('', `Decision: ${result.verdict.toUpperCase()}`, '');
        ctx.stdout.write(lines.join('\n'));
      }
      ctx.setExitCode(gateExitCode(result.verdict));
    });
}

function gateExitCode(verdict: GateVerdict): ExitCode {
  return verdict === 'go' ? ExitCode.pass : verdict === 'no-go' ? ExitCode.fail : ExitCode.inconclusive;
}
