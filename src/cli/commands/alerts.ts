/**
 * `cutover alerts [--alertmanager-config] [--out FILE] [--config FILE]`: Prometheus alerting rules generated from
 * cutover.json's thresholds (gate, performance.leakMBPerHour, monitoring.staleHours), or an Alertmanager
 * configuration with the webhook receivers of monitoring.webhooks. Without a cutover.json the defaults apply.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { alertDefinitions } from '../../core/alerts/catalog';
import { alertmanagerConfigYaml } from '../../core/alerts/alertmanager';
import { alertRulesYaml } from '../../core/alerts/rules';
import type { CutoverConfig } from '../../core/config/schema';
import { GateSchema } from '../../core/config/schema';
import { RuntimeError } from '../../core/errors';
import { MonitoringSchema } from '../../core/metrics/settings';
import type { CliContext } from '../context';
import { optionalConfig } from './metrics';

interface Options {
  readonly alertmanagerConfig?: boolean;
  readonly out?: string;
  readonly config?: string;
}

/** The thresholds the alerts need: cutover.json's, else the schema's defaults. */
export function alertSettings(ctx: CliContext, config: string | undefined): { settings: Pick<CutoverConfig, 'gate' | 'performance' | 'monitoring'>; source: string } {
  const loaded = optionalConfig(ctx, config);
  if (loaded) return { settings: loaded.config, source: loaded.file };
  return { settings: { gate: GateSchema.parse({}), monitoring: MonitoringSchema.parse({}) }, source: 'the default thresholds (no cutover.json found)' };
}

export function registerAlerts(program: Command, ctx: CliContext): void {
  program
    .command('alerts')
    .description('Print Prometheus alerting rules generated from cutover.json\'s thresholds, or an Alertmanager configuration (--alertmanager-config).')
    .option('--alertmanager-config', 'print an Alertmanager configuration routing every alert to monitoring.webhooks instead')
    .option('--out <file>', 'write the YAML to this file instead of stdout')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .action(async (options: Options) => {
      const { settings, source } = alertSettings(ctx, options.config);
      const yaml = options.alertmanagerConfig
        ? alertmanagerConfigYaml(settings.monitoring.webhooks, source)
        : alertRulesYaml(alertDefinitions(settings), source);
      if (options.out === undefined) {
        ctx.stdout.write(yaml);
        return;
      }
      const file = resolve(ctx.cwd, options.out);
      await writeFile(file, yaml).catch((error: unknown) => {
        throw new RuntimeError(`cannot write: ${(error as Error).message}`, { file }, { cause: error });
      });
      ctx.stderr.write(`cutover alerts: wrote ${file}\n`);
    });
}
