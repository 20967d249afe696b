/**
 * `cutover metrics [--push URL] [--textfile FILE] [--config FILE]`: the latest runs' figures in the Prometheus text
 * format (gauges only, so also valid OpenMetrics) on stdout, or pushed to a Pushgateway (one group per workspace
 * and run kind), or written atomically to a textfile-collector file. Also the export after every recorded run
 * (`exportAfterCommand`), when cutover.json's `monitoring` names a textfile or a Pushgateway.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { LoadedConfig } from '../../core/config/load';
import { findConfig, loadConfig, locateConfig } from '../../core/config/load';
import { printableUrl, pushMetrics, writeTextfile } from '../../core/metrics/deliver';
import { exportAfterRun, workspaceMetrics } from '../../core/metrics/workspace';
import type { CliContext } from '../context';

interface Options {
  readonly push?: string;
  readonly textfile?: string;
  readonly config?: string;
}

/** cutover.json from --config or found from the current folder up; undefined when there is none. */
export function optionalConfig(ctx: CliContext, config: string | undefined): LoadedConfig | undefined {
  const file = config !== undefined ? locateConfig(ctx.cwd, config) : findConfig(ctx.cwd);
  return file !== undefined ? loadConfig(file) : undefined;
}

export function registerMetrics(program: Command, ctx: CliContext): void {
  program
    .command('metrics')
    .description('Print the latest runs\' metrics (Prometheus text format), or push them to a Pushgateway, or write a textfile-collector file.')
    .option('--push <url>', 'push to this Pushgateway (http://host:9091), one group per workspace and run kind, instead of printing')
    .option('--textfile <file>', 'write this .prom file atomically (temp file + rename) instead of printing')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .action(async (options: Options) => {
      const loaded = optionalConfig(ctx, options.config);
      const metrics = await workspaceMetrics(loaded?.dir ?? ctx.cwd, loaded?.config);
      for (const p of metrics.problems) ctx.stderr.write(`warning: run ${p.id} left out: ${p.message}\n`);
      if (metrics.kinds.length === 0) ctx.stderr.write('cutover metrics: no finished runs in this workspace yet\n');
      if (options.textfile !== undefined) {
        const file = resolve(ctx.cwd, options.textfile);
        await writeTextfile(file, metrics.text);
        ctx.stderr.write(`cutover metrics: wrote ${file}\n`);
      }
      if (options.push !== undefined) {
        const pushed = await pushMetrics(options.push, metrics.workspace, metrics);
        ctx.stderr.write(`cutover metrics: pushed ${pushed.length} group(s) (${pushed.join(', ') || 'none'}) to ${printableUrl(options.push)}\n`);
      }
      if (options.textfile === undefined && options.push === undefined) ctx.stdout.write(metrics.text);
    });
}

/**
 * After a command that records a run: the textfile and the push cutover.json's `monitoring` asks for. A failed
 * export is reported on stderr and leaves the run's verdict (exit code) as it is: the run itself is on disk.
 */
export async function exportAfterCommand(ctx: CliContext, config: string | undefined): Promise<void> {
  try {
    const loaded = optionalConfig(ctx, config);
    if (loaded === undefined) return;
    const done = await exportAfterRun(loaded.dir, loaded.config);
    if (done.textfile !== undefined) ctx.stderr.write(`metrics: wrote ${done.textfile}\n`);
    if (done.pushed !== undefined) ctx.stderr.write(`metrics: pushed ${done.pushed.join(', ') || 'nothing'} to the Pushgateway\n`);
  } catch (error) {
    ctx.stderr.write(`cutover: metrics export failed: ${(error as Error).message}\n`);
  }
}
