/**
 * `cutover notify [--dry-run] [--config FILE]`: for teams without Alertmanager, the alerts that fire on the latest
 * runs (the same conditions as `cutover alerts`' rules) posted to the Slack incoming webhook and/or the Microsoft
 * Teams Workflows webhook whose URLs are in the environment variables cutover.json `monitoring.notify` names.
 * Nothing firing, nothing sent. Exit 0 when delivered (or nothing to send), 4 when a delivery failed. `cutover watch`
 * sends the alerts that are new after each of its runs the same way.
 */
import type { Command } from 'commander';
import type { LoadedConfig } from '../../core/config/load';
import { alertDefinitions } from '../../core/alerts/catalog';
import { firingAlerts, type FiringAlert } from '../../core/alerts/evaluate';
import { ConfigError, UsageError } from '../../core/errors';
import { workspaceMetrics } from '../../core/metrics/workspace';
import { noticeOf, slackPayload, teamsPayload, type Notice } from '../../core/notify/payloads';
import { postWebhook } from '../../core/notify/send';
import type { CliContext } from '../context';
import { optionalConfig } from './metrics';

interface Options {
  readonly dryRun?: boolean;
  readonly config?: string;
}

export function registerNotify(program: Command, ctx: CliContext): void {
  program
    .command('notify')
    .description('Post the alerts firing on the latest runs to Slack and/or Microsoft Teams (webhook URLs from the env vars monitoring.notify names).')
    .option('--dry-run', 'print the payloads as JSON instead of sending them')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .action(async (options: Options) => {
      const loaded = optionalConfig(ctx, options.config);
      if (!loaded) throw new UsageError('cutover notify needs a cutover.json with monitoring.notify (slackWebhookEnv and/or teamsWebhookEnv)');
      if (notifyTargets(loaded).length === 0) throw new ConfigError('monitoring.notify names no webhook: set slackWebhookEnv and/or teamsWebhookEnv', { file: loaded.file });
      const metrics = await workspaceMetrics(loaded.dir, loaded.config);
      const alerts = firingAlerts(alertDefinitions(loaded.config), metrics, Date.now());
      ctx.stderr.write(formatAlerts(alerts));
      if (options.dryRun) {
        const notice = noticeOf(metrics.workspace, alerts);
        for (const t of notifyTargets(loaded)) ctx.stdout.write(`${JSON.stringify({ to: t.env, payload: t.payload(notice) }, null, 2)}\n`);
        return;
      }
      await sendNotice(ctx, loaded, metrics.workspace, alerts);
    });
}

/** The webhooks cutover.json's monitoring.notify names, each with its payload builder. */
function notifyTargets(loaded: LoadedConfig): { env: string; payload: (notice: Notice) => Record<string, unknown> }[] {
  const { slackWebhookEnv, teamsWebhookEnv } = loaded.config.monitoring.notify;
  return [
    ...(slackWebhookEnv !== undefined ? [{ env: slackWebhookEnv, payload: slackPayload }] : []),
    ...(teamsWebhookEnv !== undefined ? [{ env: teamsWebhookEnv, payload: teamsPayload }] : []),
  ];
}

/**
 * Posts `alerts` to every webhook monitoring.notify names (nothing when none fire, or none is named): what
 * `cutover notify` and `cutover watch` send. An unset variable is a ConfigError naming it.
 */
export async function sendNotice(ctx: CliContext, loaded: LoadedConfig, workspace: string, alerts: readonly FiringAlert[]): Promise<void> {
  if (alerts.length === 0) return;
  const notice = noticeOf(workspace, alerts);
  for (const t of notifyTargets(loaded)) {
    const url = process.env[t.env];
    if (url === undefined || url === '') throw new ConfigError(`monitoring.notify: the environment variable ${t.env} is not set (it holds the webhook URL)`, { file: loaded.file });
    const attempts = await postWebhook({ name: t.env, url }, t.payload(notice));
    ctx.stderr.write(`cutover notify: sent to the webhook in ${t.env}${attempts > 1 ? ` (${attempts} attempts)` : ''}\n`);
  }
}

/** The firing alerts as lines (also what `cutover watch` prints after each run). */
export function formatAlerts(alerts: readonly FiringAlert[]): string {
  if (alerts.length === 0) return 'no alert firing\n';
  return `${alerts.map((a) => `! ${a.name}: ${a.summary}\n  ${a.description}`).join('\n')}\n`;
}
