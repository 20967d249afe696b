import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertDefinitions } from '../../../src/core/alerts/catalog';
import { alertmanagerConfigYaml } from '../../../src/core/alerts/alertmanager';
import { firingAlerts } from '../../../src/core/alerts/evaluate';
import { alertRulesYaml } from '../../../src/core/alerts/rules';
import { GateSchema } from '../../../src/core/config/schema';
import { exportedMetricNames } from '../../../src/core/metrics/catalog';
import { collectMetrics } from '../../../src/core/metrics/collect';
import { MonitoringSchema } from '../../../src/core/metrics/settings';
import { evaluateGate } from '../../../src/core/gate/evaluate';
import { evidenceFromRun } from '../../../src/core/gate/evidence';
import { runCli } from '../cli';
import { shadowRuns } from '../metrics/fixtures';

const settings = { gate: GateSchema.parse({}), monitoring: MonitoringSchema.parse({ staleHours: 24 }), performance: { seconds: {}, minSoakIterations: 10, leakMBPerHour: 5 } };

function promtool(args: readonly string[]): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const info = (kind: string, run: string) => `cutover_run_info{workspace="ws",kind="${kind}",run_id="${run}",status="complete",verdict="fail"}`;

/** Series in, alerts out: what `promtool test rules` checks against the generated rule file. */
function ruleTests(rules: string, variance: string): Record<string, unknown> {
  return {
    rule_files: [rules],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: [
          { series: 'cutover_gate_kpi_variance_ratio{workspace="ws",kind="shadow"}', values: `${variance}x10` },
          { series: 'cutover_gate_error_ratio{workspace="ws",kind="shadow"}', values: '0.0005x10' },
          { series: 'cutover_gate_latency_seconds{workspace="ws",kind="shadow"}', values: '31x10' },
          { series: 'cutover_channel_verdict{workspace="ws",kind="channels",channel="azure",side="v2",verdict="fail"}', values: '1x10' },
          { series: info('shadow', 'R1'), values: '1x10' },
          { series: info('channels', 'C1'), values: '1x10' },
        ],
        alert_rule_test: [
          {
            eval_time: '5m',
            alertname: 'CutoverKpiVarianceHigh',
            exp_alerts: [{
              exp_labels: { severity: 'critical', workspace: 'ws', kind: 'shadow', run_id: 'R1' },
              exp_annotations: {
                summary: 'worst KPI variance: 2% > 1.00% in workspace ws (shadow run R1)',
                description: 'Open run R1 in workspace ws: `cutover gate R1`, record .cutover/runs/R1/run.json',
                value: '0.02',
                threshold: '0.01',
              },
            }],
          },
          { eval_time: '5m', alertname: 'CutoverErrorRateHigh', exp_alerts: [] },
          {
            eval_time: '5m',
            alertname: 'CutoverLatencyHigh',
            exp_alerts: [{
              exp_labels: { severity: 'critical', workspace: 'ws', kind: 'shadow', run_id: 'R1' },
              exp_annotations: {
                summary: 'V2 latency: 31s > 30s in workspace ws (shadow run R1)',
                description: 'Open run R1 in workspace ws: `cutover gate R1`, record .cutover/runs/R1/run.json',
                value: '31',
                threshold: '30',
              },
            }],
          },
          {
            eval_time: '5m',
            alertname: 'CutoverChannelFailing',
            exp_alerts: [{
              exp_labels: { severity: 'critical', workspace: 'ws', kind: 'channels', run_id: 'C1', channel: 'azure', side: 'v2', verdict: 'fail' },
              exp_annotations: {
                summary: 'output channel failing (azure v2) in workspace ws (channels run C1)',
                description: 'Open run C1 in workspace ws: `cutover runs`, record .cutover/runs/C1/run.json',
                value: '1',
                threshold: '0',
              },
            }],
          },
        ],
      },
      {
        interval: '1h',
        input_series: [
          { series: 'cutover_last_success_timestamp_seconds{workspace="ws",kind="reconcile"}', values: '3600x30' },
          { series: 'cutover_last_success_timestamp_seconds{workspace="ws",kind="shadow"}', values: '0+3600x30' },
          { series: 'cutover_soak_rss_growth_bytes_per_second{workspace="ws",kind="soak",pipeline="v2"}', values: '10000x30' },
          { series: info('reconcile', 'D1'), values: '1x30' },
          { series: info('shadow', 'R1'), values: '1x30' },
          { series: info('soak', 'S1'), values: '1x30' },
        ],
        alert_rule_test: [
          { eval_time: '24h', alertname: 'CutoverChecksStale', exp_alerts: [] },
          { eval_time: '24h', alertname: 'CutoverChecksNeverPassed', exp_alerts: [] },
          {
            eval_time: '26h',
            alertname: 'CutoverChecksStale',
            exp_alerts: [{
              exp_labels: { severity: 'warning', workspace: 'ws', kind: 'reconcile', run_id: 'D1' },
              exp_annotations: {
                summary: 'time since the last passing run: 1d 1h 0m 0s > 24h in workspace ws (reconcile run D1)',
                description: 'Open run D1 in workspace ws: `cutover runs`, record .cutover/runs/D1/run.json',
                value: '90000',
                threshold: '86400',
              },
            }],
          },
          // 10 kB/s is 34 MiB/h, past the 5 MiB/h of performance.leakMBPerHour.
          {
            eval_time: '2h',
            alertname: 'CutoverSoakMemoryGrowth',
            exp_alerts: [{
              exp_labels: { severity: 'warning', workspace: 'ws', kind: 'soak', pipeline: 'v2', run_id: 'S1' },
              exp_annotations: {
                summary: 'soak memory growth (upper 95% bound) (v2): 9.766kiB/s > 1.422kiB/s (5 MiB/h) in workspace ws (soak run S1)',
                description: 'Open run S1 in workspace ws: `cutover runs`, record .cutover/runs/S1/run.json',
                value: '10000',
                threshold: String((5 * 2 ** 20) / 3600),
              },
            }],
          },
        ],
      },
      {
        // Reconciliations that run and never pass: no age to compare, the "never" alert fires from the first run on.
        interval: '1h',
        input_series: [
          { series: 'cutover_last_success_timestamp_seconds{workspace="ws",kind="reconcile"}', values: '0x30' },
          { series: info('reconcile', 'D1'), values: '1x30' },
        ],
        alert_rule_test: [
          {
            eval_time: '1h',
            alertname: 'CutoverChecksNeverPassed',
            exp_alerts: [{
              exp_labels: { severity: 'warning', workspace: 'ws', kind: 'reconcile', run_id: 'D1' },
              exp_annotations: {
                summary: 'never a passing run in workspace ws (reconcile run D1)',
                description: 'Open run D1 in workspace ws: `cutover runs`, record .cutover/runs/D1/run.json',
                value: '0',
                threshold: '0',
              },
            }],
          },
          { eval_time: '26h', alertname: 'CutoverChecksStale', exp_alerts: [] },
        ],
      },
    ],
  };
}

describe('alert rules', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'cutover-alerts-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('pass promtool check rules and name only exported metrics', () => {
    const file = join(dir, 'rules.yml');
    writeFileSync(file, alertRulesYaml(alertDefinitions(settings), 'a test'));
    const r = promtool(['check', 'rules', file]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /SUCCESS: 10 rules found/);
    const names = new Set(exportedMetricNames());
    for (const def of alertDefinitions(settings)) assert.ok(names.has(def.metric.name), def.metric.name);
  });

  it('fire on the series past their thresholds with value, threshold and run (promtool test rules), and the test can fail', () => {
    writeFileSync(join(dir, 'rules.yml'), alertRulesYaml(alertDefinitions(settings), 'a test'));
    writeFileSync(join(dir, 'tests.yml'), stringify(ruleTests('rules.yml', '0.02')));
    const r = promtool(['test', 'rules', join(dir, 'tests.yml')]);
    assert.equal(r.status, 0, r.output);
    // Under the threshold the variance alert must not fire: the same expectations then fail.
    writeFileSync(join(dir, 'tests-under.yml'), stringify(ruleTests('rules.yml', '0.009')));
    const under = promtool(['test', 'rules', join(dir, 'tests-under.yml')]);
    assert.notEqual(under.status, 0, under.output);
    assert.match(under.output, /CutoverKpiVarianceHigh/);
  });

  it('follow cutover.json: a stricter gate is a lower threshold, no leak threshold is no soak rule', () => {
    const strict = alertDefinitions({ ...settings, gate: GateSchema.parse({ kpiVariance: 0.001 }), performance: undefined });
    assert.equal(strict.find((d) => d.name === 'CutoverKpiVarianceHigh')?.threshold, 0.001);
    assert.equal(strict.find((d) => d.name === 'CutoverSoakMemoryGrowth'), undefined);
  });

  it('evaluated without Prometheus, fire on the same samples with the same words', () => {
    const gate = (r: Parameters<typeof evidenceFromRun>[0]) => evaluateGate(evidenceFromRun(r), GateSchema.parse({}));
    const collected = collectMetrics(shadowRuns(), { workspace: 'ws', maxSegments: 20, gate });
    const defs = alertDefinitions({ ...settings, monitoring: MonitoringSchema.parse({ staleHours: 48 }) });
    const firing = firingAlerts(defs, collected, Date.parse('2026-01-02T01:00:00Z'));
    assert.deepEqual(firing.map((a) => a.name), ['CutoverKpiVarianceHigh']);
    assert.equal(firing[0]?.runId, '20260102-000000-000-bbbbbb');
    assert.equal(firing[0]?.summary, 'worst KPI variance: 2.00% > 1.00% in workspace ws (shadow run 20260102-000000-000-bbbbbb)');
    const later = firingAlerts(defs, collected, Date.parse('2026-01-03T00:00:06Z'));
    assert.deepEqual(later.map((a) => a.name).sort(), ['CutoverChecksStale', 'CutoverKpiVarianceHigh']);
    // Only failing runs: never a pass is an alert at once, with no age.
    const never = collectMetrics(shadowRuns().slice(0, 1), { workspace: 'ws', maxSegments: 20, gate });
    const stale = firingAlerts(defs, never, Date.parse('2026-01-02T00:01:00Z')).filter((a) => a.name.startsWith('CutoverChecks'));
    assert.deepEqual(stale.map((a) => [a.name, a.summary]), [['CutoverChecksNeverPassed', 'never a passing run in workspace ws (shadow run 20260102-000000-000-bbbbbb)']]);
  });

  it('cutover alerts prints the rules; --alertmanager-config a configuration amtool accepts', async () => {
    const rules = await runCli(['alerts'], dir);
    assert.equal(rules.code, 0, rules.stderr);
    assert.match(rules.stdout, /alert: CutoverLatencyHigh\n\s+expr: \(cutover_gate_latency_seconds > 30\)/);
    const am = join(dir, 'am.yml');
    writeFileSync(am, alertmanagerConfigYaml({ ops: 'http://127.0.0.1:9/hook' }, 'a test'));
    const check = spawnSync('amtool', ['check-config', am], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    const none = await runCli(['alerts', '--alertmanager-config'], dir);
    assert.equal(none.code, 3);
    assert.match(none.stderr, /no webhook receivers/);
  });
});
