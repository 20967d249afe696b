// End to end with the real servers: a failing shadow run of the example → its metrics pushed to a Pushgateway →
// Prometheus evaluates the rules `cutover alerts` generated → Alertmanager (configured by `cutover alerts
// --alertmanager-config`) → a local webhook gets the alert with the run id; a passing run resolves it.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertmanagerConfigYaml } from '../../../src/core/alerts/alertmanager';
import { RunStore } from '../../../src/core/runs/store';
import { startMonitoringStack, type MonitoringStack } from '../../host/prometheus';
import { runCli } from '../cli';
import { exampleWorkspace } from '../shadow/workspace';

interface WebhookAlert { readonly status: string; readonly labels: Record<string, string>; readonly annotations: Record<string, string> }

/** Polls until `find` returns something, or fails after `ms` saying what it waited for. */
async function within<T>(ms: number, what: string, find: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('monitoring end to end (Prometheus, Pushgateway, Alertmanager)', function () {
  this.timeout(90_000);
  let ws: string;
  let stack: MonitoringStack | undefined;
  let hook: Server;
  let exposition: Server;
  const received: WebhookAlert[] = [];

  before(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        received.push(...(JSON.parse(body) as { alerts: WebhookAlert[] }).alerts);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    ws = exampleWorkspace('cutover monitoring ', ['--rows', '10000']);
    // `cutover metrics` served as OpenMetrics: Prometheus scrapes it with its OpenMetrics parser.
    exposition = createServer((_req, res) => {
      void runCli(['metrics'], ws).then((r) => res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' }).end(r.stdout));
    });
    await new Promise<void>((resolve) => exposition.listen(0, '127.0.0.1', resolve));
    const rules = await runCli(['alerts', '--out', 'rules.yml'], ws);
    assert.equal(rules.code, 0, rules.stderr);
    stack = await startMonitoringStack({
      targets: { openmetrics: `127.0.0.1:${(exposition.address() as AddressInfo).port}` },
      rules: readFileSync(join(ws, 'rules.yml'), 'utf8'),
      alertmanagerConfig: alertmanagerConfigYaml({ hook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts` }, 'the test', { groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' }),
    });
    const config = readFileSync(join(ws, 'cutover.json'), 'utf8')
      .replace('"defaultInput"', `"monitoring": { "workspace": "e2e", "pushgateway": "${stack.pushgateway}" },\n  "defaultInput"`);
    writeFileSync(join(ws, 'cutover.json'), config);
    // V2 replaced by V1: the same outputs, a passing run.
    writeFileSync(join(ws, 'pass.json'), config.replaceAll('pipelines/v2/', 'pipelines/v1/'));
  });

  after(async () => {
    await stack?.stop();
    hook.close();
    exposition.close();
    rmSync(ws, { recursive: true, force: true });
  });

  it('a failing shadow run fires CutoverKpiVarianceHigh with its run id at the webhook; a passing run resolves it', async () => {
    const failing = await runCli(['shadow'], ws);
    assert.equal(failing.code, 1, failing.stderr);
    assert.match(failing.stderr, /metrics: pushed shadow to the Pushgateway/);
    const failingId = (await new RunStore(ws).list())[0]?.id ?? '';
    const fired = await within(30_000, `CutoverKpiVarianceHigh firing for ${failingId}`, () =>
      received.find((a) => a.status === 'firing' && a.labels['alertname'] === 'CutoverKpiVarianceHigh' && a.labels['run_id'] === failingId));
    assert.equal(fired.labels['workspace'], 'e2e');
    assert.match(fired.annotations['summary'] ?? '', /^worst KPI variance: [\d.]+% > 1\.00% in workspace e2e \(shadow run /);
    assert.equal(fired.annotations['description'], `Open run ${failingId} in workspace e2e: \`cutover gate ${failingId}\`, record .cutover/runs/${failingId}/run.json`);

    const passing = await runCli(['shadow', '--config', 'pass.json'], ws);
    assert.equal(passing.code, 0, passing.stderr);
    await within(30_000, `CutoverKpiVarianceHigh resolved for ${failingId}`, () =>
      received.find((a) => a.status === 'resolved' && a.labels['alertname'] === 'CutoverKpiVarianceHigh' && a.labels['run_id'] === failingId));
    const passingId = (await new RunStore(ws).list())[0]?.id ?? '';
    assert.equal(received.find((a) => a.labels['run_id'] === passingId), undefined, 'nothing fires for the passing run');
  });

  it('serves text that Prometheus scrapes as OpenMetrics', async () => {
    const query = async (q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
      const r = await fetch(`${stack!.prometheus}/api/v1/query?query=${encodeURIComponent(q)}`);
      return ((await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
    };
    for (const until = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 300))) {
      const [up] = await query('up{job="openmetrics"}');
      const [info] = await query('cutover_run_info{job="openmetrics",kind="shadow"}');
      if (up?.value[1] === '1' && info) break;
      if (Date.now() > until) assert.fail(`not scraped as OpenMetrics: up=${JSON.stringify(up)}; ${JSON.stringify(await query('scrape_samples_scraped{job="openmetrics"}'))}`);
    }
  });
});
