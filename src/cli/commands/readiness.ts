/**
 * `cutover readiness [--format md|html] [--out FILE] [--plan FILE…] [--config FILE]`: the report for the go/no-go
 * meeting (core/readiness): plan progress, every success criterion with its evidence, discrepancies, the latest
 * go/no-go, rollback and roll-forward timings, channels, load, soak, sign-offs and what is missing.
 * Exit 0 ready, 1 not ready, 2 not enough evidence, so CI can gate a release on it.
 */
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { findConfig, loadConfig, locateConfig, type LoadedConfig } from '../../core/config/load';
import { ExitCode, UsageError } from '../../core/errors';
import { parsePlan } from '../../core/plan/parse';
import { readPlanFile } from '../../core/plan/read';
import type { PlanFile } from '../../core/readiness/criteria';
import { renderHtml, renderMarkdown } from '../../core/readiness/render';
import type { Readiness, ReadinessVerdict } from '../../core/readiness/report';
import { readConfiguredPlans, workspaceReadiness } from '../../core/readiness/workspace';
import type { CliContext } from '../context';

export interface WorkspaceOptions {
  readonly config?: string;
  readonly plan?: readonly string[];
}

interface Options extends WorkspaceOptions {
  readonly format: string;
  readonly out?: string;
}

/** The readiness as `cutover readiness` run in `ctx.cwd` sees it (also what `cutover signoff` signs). */
export async function readinessFromCli(ctx: CliContext, options: WorkspaceOptions): Promise<{ readiness: Readiness; loaded: LoadedConfig | undefined; root: string }> {
  const configFile = options.config !== undefined ? locateConfig(ctx.cwd, options.config) : findConfig(ctx.cwd);
  const loaded = configFile !== undefined ? loadConfig(configFile) : undefined;
  const root = loaded?.dir ?? ctx.cwd;
  let plans: PlanFile[];
  if (options.plan !== undefined && options.plan.length > 0) {
    plans = [];
    for (const file of options.plan) {
      const path = resolve(ctx.cwd, file);
      plans.push({ file: relative(root, path), plan: parsePlan(await readPlanFile(path)) });
    }
  } else if (loaded) plans = await readConfiguredPlans(loaded);
  else throw new UsageError(`no cutover.json from ${ctx.cwd} up: pass --config FILE or --plan FILE`);
  return { readiness: await workspaceReadiness(root, loaded, plans), loaded, root };
}

export function readinessExitCode(verdict: ReadinessVerdict): ExitCode {
  return verdict === 'ready' ? ExitCode.pass : verdict === 'not-ready' ? ExitCode.fail : ExitCode.inconclusive;
}

/** Writes through a temp file renamed into place: a reader never sees half a report. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  await writeFile(temp, text);
  await rename(temp, file);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerReadiness(program: Command, ctx: CliContext): void {
  program
    .command('readiness')
    .description('Report readiness for the go/no-go meeting: success criteria decided by evidence, discrepancies, go/no-go, rollback, channels, load, soak, sign-offs (exit 0 ready, 1 not ready, 2 not enough evidence).')
    .option('--format <format>', 'md or html', 'md')
    .option('--out <file>', 'write the report to this file (default: print it)')
    .option('--plan <file>', 'a plan file (repeatable; default: the plans cutover.json names)', collect)
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .action(async (options: Options) => {
      if (options.format !== 'md' && options.format !== 'html') throw new UsageError(`--format must be md or html, not "${options.format}"`);
      const { readiness } = await readinessFromCli(ctx, options);
      const text = options.format === 'html' ? renderHtml(readiness) : renderMarkdown(readiness);
      if (options.out !== undefined) {
        const file = resolve(ctx.cwd, options.out);
        await writeAtomic(file, text);
        ctx.stdout.write(`${readiness.verdict}: report written to ${file}\n`);
      } else ctx.stdout.write(text);
      ctx.setExitCode(readinessExitCode(readiness.verdict));
    });
}
