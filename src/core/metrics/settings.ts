/**
 * cutover.json `monitoring`: where metrics go after every run, the label cap, the staleness window of the alerts
 * and where alerts are delivered. Part of the one cutover.json schema (config/schema.ts includes it). Webhook URLs
 * carry their secret in the URL (Slack, Teams), so cutover.json names the environment variable that holds each one.
 */
import { z } from 'zod';

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, _), not the URL itself')
  .describe('Name of the environment variable holding the webhook URL (the URL is a secret: it never goes into cutover.json, run records or logs).');

/** Default cap on KPI segments per run in the metrics. */
export const DEFAULT_MAX_SEGMENTS = 20;

export const MonitoringSchema = z
  .strictObject({
    workspace: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - (it is a label value and a Pushgateway URL segment)')
      .optional()
      .describe('The `workspace` label of every metric and the Pushgateway group. Default: the name of the folder of cutover.json.'),
    maxSegments: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_MAX_SEGMENTS)
      .describe(`Most KPI segments exported per run (label cardinality cap; the worst segments by variance are kept and the number left out is exported as cutover_kpi_segments_dropped). Default ${DEFAULT_MAX_SEGMENTS}.`),
    textfile: z
      .string()
      .regex(/\.prom$/, 'must end in .prom (the node_exporter textfile collector reads only *.prom)')
      .optional()
      .describe('A .prom file, relative to cutover.json, rewritten atomically (temp file + rename) after every run, for the node_exporter textfile collector.'),
    pushgateway: z
      .url()
      .optional()
      .describe('A Pushgateway base URL (http://host:9091): after every run the metrics are pushed, grouped by workspace and run kind.'),
    staleHours: z
      .number()
      .positive()
      .default(24)
      .describe('Alert CutoverChecksStale fires when no shadow or reconcile run has passed for this many hours (CutoverChecksNeverPassed when they have run and none ever passed).'),
    webhooks: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a receiver name (letters, digits, _ . -)'), z.url())
      .default({})
      .describe('Alertmanager webhook receivers by name (`cutover alerts --alertmanager-config`): URLs of services that take Alertmanager\'s webhook JSON.'),
    notify: z
      .strictObject({
        slackWebhookEnv: envName.optional(),
        teamsWebhookEnv: envName.optional(),
      })
      .default({})
      .describe('`cutover notify`: a Slack incoming webhook and/or a Microsoft Teams Workflows webhook (Adaptive Card), each named by the environment variable holding its URL.'),
  })
  .describe('Metrics (Prometheus), alert rules and alert delivery.');

export type MonitoringConfig = z.output<typeof MonitoringSchema>;
