import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectMetrics, keptSegments } from '../../../src/core/metrics/collect';
import { exportedMetricNames, METRICS } from '../../../src/core/metrics/catalog';
import { groupUrl, writeTextfile } from '../../../src/core/metrics/deliver';
import { evaluateGate } from '../../../src/core/gate/evaluate';
import { evidenceFromRun } from '../../../src/core/gate/evidence';
import { GateSchema } from '../../../src/core/config/schema';
import type { RunRecord } from '../../../src/core/runs/record';
import { runCli } from '../cli';
import { kpiLine, writeRecord } from '../gate/records';
import { writeFailingV2Config } from '../shadow/workspace';
import { promtoolCheckMetrics, shadowRuns } from './fixtures';

const gate = (r: RunRecord) => evaluateGate(evidenceFromRun(r), GateSchema.parse({}));

function sample(collected: ReturnType<typeof collectMetrics>, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = collected.families.find((x) => x.family.name === name);
  return f?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('metrics from a run store', () => {
  it('exports the gate figures of the latest shadow run, its id, and the last passing run\'s time', () => {
    const c = collectMetrics(shadowRuns(), { workspace: 'ws', maxSegments: 20, gate });
    assert.ok(Math.abs((sample(c, 'cutover_gate_kpi_variance_ratio') ?? 0) - 0.02) < 1e-12);
    assert.equal(sample(c, 'cutover_gate_latency_seconds'), 2);
    assert.equal(sample(c, 'cutover_gate_error_ratio'), 0);
    assert.equal(sample(c, 'cutover_gate_verdict', { verdict: 'no-go' }), 1);
    assert.equal(sample(c, 'cutover_gate_criterion_no_data', { criterion: 'nullRate' }), 0);
    assert.equal(sample(c, 'cutover_run_info', { run_id: '20260102-000000-000-bbbbbb', verdict: 'fail' }), 1);
    assert.equal(sample(c, 'cutover_last_success_timestamp_seconds', { kind: 'shadow' }), Date.parse('2026-01-01T00:00:05.000Z') / 1000);
    // A kind that ran and never passed: 0, never absent (absent would never go stale).
    const never = collectMetrics(shadowRuns().slice(0, 1), { workspace: 'ws', maxSegments: 20, gate });
    assert.equal(sample(never, 'cutover_last_success_timestamp_seconds', { kind: 'shadow' }), 0);
    assert.equal(sample(c, 'cutover_kpi_value', { side: 'v2', segment: 'total' }), 102);
    assert.deepEqual(c.kinds, ['shadow']);
    for (const f of c.families) for (const s of f.samples) assert.deepEqual([s.labels['workspace'], s.labels['kind']], ['ws', 'shadow'], f.family.name);
  });

  it('a missing KPI side is an infinite variance, a criterion without data is flagged, a running run says nothing', () => {
    const [failing] = shadowRuns();
    const broken: RunRecord = { ...failing!, results: { kpis: { ...failing!.results.kpis!, kpis: [{ ...kpiLine('total', 'balance', 100, 100), v2: null, relVariance: null }] } } };
    const running: RunRecord = { ...failing!, id: '20260103-000000-000-cccccc', status: 'running' };
    const c = collectMetrics([running, broken], { workspace: 'ws', maxSegments: 20, gate });
    assert.equal(sample(c, 'cutover_kpi_variance_ratio'), Infinity);
    assert.equal(sample(c, 'cutover_gate_kpi_variance_ratio'), Infinity);
    assert.equal(sample(c, 'cutover_gate_criterion_no_data', { criterion: 'errorRate' }), 1);
    assert.equal(sample(c, 'cutover_gate_error_ratio'), undefined);
    assert.equal(sample(c, 'cutover_run_info', { run_id: running.id }), undefined);
  });

  it('caps KPI segments, keeping the worst, and exports how many were left out', () => {
    const lines = ['a', 'b', 'c', 'd'].map((s, i) => kpiLine(s, 'balance', 100, 100 + i));
    assert.deepEqual([...keptSegments(lines, 2).kept].sort(), ['c', 'd']);
    const c = collectMetrics(shadowRuns(), { workspace: 'ws', maxSegments: 2, gate });
    assert.equal(sample(c, 'cutover_kpi_segments_dropped'), 1);
    const segments = new Set(c.families.find((f) => f.family.name === 'cutover_kpi_variance_ratio')?.samples.map((s) => s.labels['segment']));
    assert.deepEqual([...segments].sort(), ['region=s', 'total']);
  });

  it('exports load and soak resources, soak memory growth and channel verdicts', () => {
    const base = { ...shadowRuns()[1]!, commands: [], results: {} };
    const m = (copy: number, rss: number, cpu: number, wall: number) => ({ pipeline: 'v2', size: '100k', copy, peakRssBytes: rss, peakCpuPercent: cpu, wallSeconds: wall });
    const load = { ...base, id: '20260103-000000-000-000001', kind: 'load', results: { load: { measurements: [m(0, 100, 40, 2), m(1, 300, 55, 3)] } } };
    const soak = {
      ...base, id: '20260103-000000-000-000002', kind: 'soak',
      results: { soak: {
        pipelines: ['v2'],
        iterations: [{ pipeline: 'v2', peakRssBytes: 10, peakCpuPercent: 20 }, { pipeline: 'v2', peakRssBytes: 30, peakCpuPercent: 10 }],
        leaks: [{ pipeline: 'v2', highMBPerHour: 36 }],
        failures: [{ pipeline: 'v2', recovered: false }, { pipeline: 'v2', recovered: true }],
      } },
    };
    const channels = { ...base, id: '20260103-000000-000-000003', kind: 'channels', results: { channels: { channels: [{ channel: 'azure', side: 'v2', verdict: 'fail' }] } } };
    const c = collectMetrics([channels, soak, load] as unknown as RunRecord[], { workspace: 'ws', maxSegments: 20, gate });
    assert.equal(sample(c, 'cutover_peak_rss_bytes', { kind: 'load', size: '100k' }), 300);
    assert.equal(sample(c, 'cutover_peak_cpu_ratio', { kind: 'load' }), 0.55);
    assert.equal(sample(c, 'cutover_load_wall_seconds', { kind: 'load' }), 3);
    assert.equal(sample(c, 'cutover_peak_rss_bytes', { kind: 'soak' }), 30);
    assert.equal(sample(c, 'cutover_soak_rss_growth_bytes_per_second', { pipeline: 'v2' }), (36 * 2 ** 20) / 3600);
    assert.equal(sample(c, 'cutover_soak_unrecovered_failures', { pipeline: 'v2' }), 1);
    assert.equal(sample(c, 'cutover_channel_verdict', { channel: 'azure', verdict: 'fail' }), 1);
    assert.equal(sample(c, 'cutover_channel_verdict', { channel: 'azure', verdict: 'pass' }), 0);
    assert.deepEqual(c.kinds, ['channels', 'load', 'soak']);
  });

  it('declares every family once, with Prometheus names and units (no _total on a gauge)', () => {
    const names = exportedMetricNames();
    assert.equal(new Set(names).size, names.length);
    for (const f of Object.values(METRICS)) {
      assert.match(f.name, /^cutover_[a-z0-9_]+$/);
      assert.ok(!f.name.endsWith('_total'), f.name);
      if ('unit' in f) assert.ok(f.name.endsWith(`_${f.unit}`), `${f.name} ends in its unit`);
    }
  });
});

describe('cutover metrics', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'cutover-metrics-'));
    for (const r of shadowRuns()) writeRecord(ws, r);
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('prints the store\'s metrics, which promtool check metrics accepts', async () => {
    const r = await runCli(['metrics'], ws);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^cutover_gate_kpi_variance_ratio\{kind="shadow",workspace="cutover-metrics-[^"]+"\} 0\.02/m);
    assert.match(r.stdout, /segment="region=\\"n\\""/);
    const check = promtoolCheckMetrics(r.stdout);
    assert.equal(check.status, 0, check.output);
  });

  it('writes the textfile atomically: no temp file left, a reader sees a whole file', async () => {
    const file = join(ws, 'out', 'cutover.prom');
    const r = await runCli(['metrics', '--textfile', file], ws);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(file, 'utf8').endsWith('# EOF\n'));
    await writeTextfile(file, 'second\n');
    assert.equal(readFileSync(file, 'utf8'), 'second\n');
    assert.deepEqual(readdirSync(join(ws, 'out')), ['cutover.prom']);
  });

  it('pushes one group per workspace and kind with PUT, and a refused push exits 4 without the credentials', async () => {
    const got: { method: string; url: string; body: string; auth: string | undefined }[] = [];
    let status = 200;
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        got.push({ method: req.method ?? '', url: req.url ?? '', body, auth: req.headers.authorization });
        res.writeHead(status).end('nope');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      writeFileSync(join(ws, 'cutover.json'), readFileSync(join(__dirname, '..', '..', '..', 'examples', 'loan-cutover', 'cutover.json'), 'utf8').replace('"defaultInput"', '"monitoring": { "workspace": "loans" },\n  "defaultInput"'));
      const r = await runCli(['metrics', '--push', base], ws);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(got.map((g) => [g.method, g.url]), [['PUT', '/metrics/job/cutover/workspace/loans/kind/shadow']]);
      assert.match(got[0]?.body ?? '', /cutover_run_info\{kind="shadow",run_id="20260102-000000-000-bbbbbb"/);
      assert.equal(got[0]?.auth, undefined);
      status = 400;
      const refused = await runCli(['metrics', '--push', `http://user:s3cret@127.0.0.1:${(server.address() as AddressInfo).port}`], ws);
      assert.equal(refused.code, 4);
      assert.match(refused.stderr, /refused .*HTTP 400/);
      assert.ok(!refused.stderr.includes('s3cret'));
      assert.equal(got[1]?.auth, `Basic ${Buffer.from('user:s3cret').toString('base64')}`, 'credentials go in the header');
    } finally {
      server.close();
    }
    assert.equal(groupUrl('http://h:9091/', 'my ws', 'shadow'), `http://h:9091/metrics/job/cutover/workspace@base64/${Buffer.from('my ws').toString('base64url')}/kind/shadow`);
  });

  it('exports after a recorded run when cutover.json names a textfile', async () => {
    const config = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'loan-cutover', 'cutover.json'), 'utf8')
      .replace('"defaultInput"', '"monitoring": { "textfile": "metrics/cutover.prom" },\n  "defaultInput"');
    writeFileSync(join(ws, 'cutover.json'), config);
    writeFailingV2Config(ws, 'failing.json');
    cpSync(join(__dirname, '..', '..', '..', 'examples', 'loan-cutover', 'pipelines'), join(ws, 'pipelines'), { recursive: true });
    writeFileSync(join(ws, 'in.csv'), 'loan_id\n1\n');
    // A usage error records no run: nothing to export.
    const usage = await runCli(['shadow', '--input', 'nowhere.parquet'], ws);
    assert.equal(usage.code, 3);
    assert.ok(!existsSync(join(ws, 'metrics', 'cutover.prom')));
    // A shadow run whose V2 fails is recorded as failed, and still ends through the export.
    const r = await runCli(['shadow', '--input', 'in.csv', '--config', 'failing.json'], ws);
    assert.equal(r.code, 4, r.stderr);
    const text = readFileSync(join(ws, 'metrics', 'cutover.prom'), 'utf8');
    assert.match(text, /^cutover_run_verdict\{kind="shadow",verdict="error",workspace="[^"]+"\} 1$/m);
  });
});
