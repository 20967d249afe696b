/**
 * A throwaway monitoring stack for tests: Debian's Prometheus, Pushgateway and Alertmanager (system-packages.json)
 * started as child processes on free loopback ports, with 1 s scrape and evaluation intervals, data in a temp
 * folder; `stop()` ends them and deletes it. Nothing on the machine is touched (no service, no fixed port).
 *
 *   const stack = await startMonitoringStack({ rules, alertmanagerConfig });  // YAML texts
 *   … push to stack.pushgateway, read stack.prometheus …
 *   await stack.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server';

export interface MonitoringStack {
  /** Base URLs (http://127.0.0.1:PORT). */
  readonly prometheus: string;
  readonly pushgateway: string;
  readonly alertmanager: string;
  stop(): Promise<void>;
}

const BINARIES = ['/usr/bin/prometheus', '/usr/bin/prometheus-pushgateway', '/usr/bin/prometheus-alertmanager'];

/** Polls `url` until it answers 200 (the servers' /-/ready), or fails naming the server and its output. */
async function ready(name: string, url: string, child: ChildProcess, output: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output()}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms:\n${output()}`);
}

function start(command: string, args: readonly string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => { log = `${log}${chunk.toString()}`.slice(-20_000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => log };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });
}

export interface StackOptions {
  readonly rules: string;
  readonly alertmanagerConfig: string;
  /** Further scrape targets (host:port) by job name, e.g. a test server of `cutover metrics` text. */
  readonly targets?: Readonly<Record<string, string>>;
}

export async function startMonitoringStack(options: StackOptions): Promise<MonitoringStack> {
  const missing = BINARIES.filter((b) => !existsSync(b));
  if (missing.length > 0) {
    throw new Error(`not installed: ${missing.join(', ')}; install them with: sudo apt-get install -y --no-install-recommends prometheus prometheus-pushgateway prometheus-alertmanager (or run npm test, whose set-up gate installs system-packages.json)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'cutover-monitoring-'));
  const [promPort, pushPort, amPort] = [await freePort(), await freePort(), await freePort()];
  const prometheus = `http://127.0.0.1:${promPort}`;
  const pushgateway = `http://127.0.0.1:${pushPort}`;
  const alertmanager = `http://127.0.0.1:${amPort}`;
  writeFileSync(join(dir, 'rules.yml'), options.rules);
  writeFileSync(join(dir, 'alertmanager.yml'), options.alertmanagerConfig);
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    'rule_files: [rules.yml]',
    `alerting: { alertmanagers: [ { static_configs: [ { targets: ["127.0.0.1:${amPort}"] } ] } ] }`,
    // honor_labels keeps the pushed workspace and kind instead of the scrape's own labels.
    'scrape_configs:',
    `  - { job_name: pushgateway, honor_labels: true, static_configs: [ { targets: ["127.0.0.1:${pushPort}"] } ] }`,
    ...Object.entries(options.targets ?? {}).map(([job, target]) => `  - { job_name: ${job}, honor_labels: true, static_configs: [ { targets: ["${target}"] } ] }`),
    '',
  ].join('\n'));
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const am = start('/usr/bin/prometheus-alertmanager', [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=']);
    children.push(am.child);
    const push = start('/usr/bin/prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${pushPort}`]);
    children.push(push.child);
    const prom = start('/usr/bin/prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`,
      '--rules.alert.resend-delay=1s',
    ]);
    children.push(prom.child);
    await ready('alertmanager', `${alertmanager}/-/ready`, am.child, am.output);
    await ready('pushgateway', `${pushgateway}/-/ready`, push.child, push.output);
    await ready('prometheus', `${prometheus}/-/ready`, prom.child, prom.output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { prometheus, pushgateway, alertmanager, stop };
}
