import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { judgeLoad } from '../../../src/core/load/judge';
import { diffDigests } from '../../../src/core/load/outputs';
import { parseSize, sizeLabel } from '../../../src/core/load/sizes';
import { RunRecord } from '../../../src/core/runs/record';
import type { LoadMeasurement, LoadResults } from '../../../src/core/runs/results';
import type { Postgres } from '../../host/postgres';
import { startPostgres } from '../../host/postgres';
import { RunStore } from '../../../src/core/runs/store';
import { runCli } from '../cli';

const fixture = (name: string): string => resolve(__dirname, '../../fixtures/load', name);

function measurement(extra: Partial<LoadMeasurement> = {}): LoadMeasurement {
  return {
    pipeline: 'v2', size: '100k', rows: 100_000, copy: 0, exitCode: 0, wallSeconds: 4, rowsPerSecond: 25_000, samples: 40,
    peakRssBytes: 200 * 2 ** 20, meanRssBytes: 100 * 2 ** 20, peakCpuPercent: 60, meanCpuPercent: 40,
    peakThreads: 8, peakOpenFiles: 20, peakProcesses: 1, leftovers: [], log: 'logs/v2-100k.log', ...extra,
  };
}

describe('load: sizes, judgement, output checksums', () => {
  it('reads and prints sizes as people write them, and refuses what is not a row count', () => {
    assert.deepEqual(['10k', '100K', '1m', '2500', '1.5k'].map((s) => parseSize(s)), [10_000, 100_000, 1_000_000, 2500, 1500]);
    assert.deepEqual([10_000, 1_000_000, 2500].map(sizeLabel), ['10k', '1m', '2500']);
    for (const bad of ['', 'ten', '0', '1.5', '-3k']) assert.throws(() => parseSize(bad), /not a row count/, bad);
  });

  it('passes figures within their thresholds, naming value and threshold', () => {
    const v = judgeLoad([measurement()], [], { seconds: { '100k': 10 }, maxCpuPercent: 80, maxRssMB: 512, minSoakIterations: 10 });
    assert.equal(v.verdict, 'pass');
    assert.deepEqual(v.reasons, ['v2 at 100k: seconds 4.00 s ≤ 10.00 s', 'v2 at 100k: peak CPU 60.0% ≤ 80.0%', 'v2 at 100k: peak RSS 200 MB ≤ 512 MB']);
  });

  it('fails a figure past its threshold, a failed exit, leftovers and corruption', () => {
    const perf = { seconds: { '100000': 3 }, minSoakIterations: 10 };
    assert.deepEqual(judgeLoad([measurement()], [], perf).reasons, ['v2 at 100k: seconds 4.00 s > 3.00 s']);
    assert.equal(judgeLoad([measurement({ exitCode: 1, rowsPerSecond: null })], [], perf).verdict, 'fail');
    assert.match(judgeLoad([measurement({ wallSeconds: 1, leftovers: [{ pid: 9, comm: 'sleep', kind: 'orphan' }] })], [], perf).reasons.join(), /left orphan sleep \(pid 9\)/);
    const corrupt = judgeLoad([measurement({ wallSeconds: 1 })], [{ pipeline: 'v2', size: '100k', copy: 2, file: 'kpis.parquet', kind: 'different', expected: 'a', actual: 'b' }], perf);
    assert.deepEqual(corrupt.reasons, ['corruption: v2 at 100k, copy 2: kpis.parquet different']);
  });

  it('is inconclusive, never a pass, when a judged figure is missing or nothing is judged', () => {
    const noCpu = judgeLoad([measurement({ peakCpuPercent: null })], [], { seconds: {}, maxCpuPercent: 80, minSoakIterations: 10 });
    assert.equal(noCpu.verdict, 'inconclusive');
    assert.match(noCpu.reasons.join(), /no CPU figure/);
    assert.equal(judgeLoad([measurement()], [], undefined).verdict, 'inconclusive');
    assert.equal(judgeLoad([], [], { seconds: { '100k': 10 }, minSoakIterations: 10 }).verdict, 'inconclusive');
  });

  it('names missing, extra and different files between a copy and the reference', () => {
    const d = diffDigests(new Map([['a', '1'], ['b', '2'], ['c', '3']]), new Map([['a', '1'], ['b', 'X'], ['d', '4']]));
    assert.deepEqual(d.map((x) => `${x.file}:${x.kind}`), ['b:different', 'c:missing', 'd:extra']);
  });
});

describe('load: cutover load on synthetic pipelines', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover-load-cli-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function workspace(v1: string[], v2: string[], performance: unknown): void {
    writeFileSync(join(dir, 'input.csv'), `id,amount\n${Array.from({ length: 20 }, (_, i) => `${i + 1},${i * 1.5}`).join('\n')}\n`);
    const node = (args: string[]) => [process.execPath, ...args];
    writeFileSync(join(dir, 'cutover.json'), JSON.stringify({
      pipelines: {
        v1: { command: node(v1), outputs: { kpis: { path: 'result.txt' } } },
        v2: { command: node(v2), outputs: { kpis: { path: 'result.txt' } } },
      },
      inputs: { small: { path: 'input.csv' } },
      compare: { keys: ['id'] },
      performance,
    }));
  }

  it('measures each pipeline at each size (the base input and one scaled by perturb), records a load run and judges it', async () => {
    workspace([fixture('busy.mjs'), '${output}', '48', '400'], [fixture('busy.mjs'), '${output}', '48', '400'], { seconds: { 20: 30, 40: 30 }, maxRssMB: 4096 });
    const r = await runCli(['load', '--sizes', '20,40', '--json'], dir);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout) as { id: string; load: { sizes: { rows: number }[]; measurements: LoadMeasurement[] } };
    assert.deepEqual(out.load.sizes.map((s) => s.rows), [20, 40]);
    assert.deepEqual(out.load.measurements.map((m) => `${m.pipeline} ${m.size}`), ['v1 20', 'v2 20', 'v1 40', 'v2 40']);
    for (const m of out.load.measurements) assert.ok((m.peakRssBytes ?? 0) > 48 * 2 ** 20, `${m.pipeline} ${m.size}: ${m.peakRssBytes}`);
    const record = RunRecord.parse(await new RunStore(dir).read(out.id));
    assert.equal(record.kind, 'load');
    assert.equal(record.verdict?.verdict, 'pass');
    assert.equal(record.results.load?.summary.corruptionEvents, null);
  });

  it('fails a pipeline that leaves an orphan, naming it', async () => {
    workspace([fixture('busy.mjs'), '${output}', '16', '100'], [fixture('orphan.mjs'), '${output}'], { seconds: { 20: 30 } });
    const r = await runCli(['load', '--sizes', '20'], dir);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /v2 at 20 left orphan node \(pid \d+\)/);
  });

  it('with --parallel, copies that clobber each other are corruption events, shown with their files', async () => {
    const racy = [fixture('racy.mjs'), '${output}', join(dir, 'shared.tmp')];
    workspace(racy, racy, { seconds: { 20: 30 } });
    const r = await runCli(['load', '--sizes', '20', '--pipelines', 'v2', '--parallel', '3', '--json'], dir);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout) as { load: { corruption: { file: string; kind: string; copy: number }[]; summary: { corruptionEvents: number } } };
    // Of three copies at once, at most the last to park its token gets it back.
    assert.ok(out.load.corruption.length >= 2, JSON.stringify(out.load.corruption));
    assert.equal(out.load.summary.corruptionEvents, out.load.corruption.length);
    assert.ok(out.load.corruption.every((e) => e.file === 'result.txt' && e.kind === 'different'));
  });

  it('stops its pipeline on Cancel (SIGTERM to the CLI), as on Ctrl+C, and records the run as stopped, exit 2', async () => {
    // A pipeline that would run for a minute; its command line names this test's folder, so it can be found in /proc.
    workspace([fixture('busy.mjs'), '${output}', '16', '60000'], [fixture('busy.mjs'), '${output}', '16', '60000'], { seconds: { 20: 300 } });
    const tsx = pathToFileURL(resolve(__dirname, '../../../node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, resolve(__dirname, '../../../src/cli/main.ts'), 'load', '--sizes', '20', '--pipelines', 'v1'], { cwd: dir, stdio: 'ignore' });
    const pipelines = (): number[] => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
      try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('busy.mjs') && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir); } catch { return false; }
    });
    for (const until = Date.now() + 30_000; pipelines().length === 0; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > until) throw new Error('the pipeline never started');
    }
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.equal(code, 2);
    for (const until = Date.now() + 10_000; pipelines().length > 0; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > until) assert.fail(`pipeline processes still running after Cancel: ${pipelines().join(', ')}`);
    }
    const [run] = await new RunStore(dir).list();
    assert.equal(run?.kind, 'load');
    assert.equal(run?.status, 'stopped');
    assert.equal(run?.verdict, undefined);
    assert.match(run?.error?.message ?? '', /^stopped by SIGTERM \(Cancel\) after [\d.]+ s/);
  });

  it('finds no corruption when copies of a well-behaved pipeline run at once', async () => {
    workspace([fixture('busy.mjs'), '${output}', '16', '100'], [fixture('busy.mjs'), '${output}', '16', '100'], { seconds: { 20: 30 } });
    const r = await runCli(['load', '--sizes', '20', '--pipelines', 'v1', '--parallel', '2', '--json'], dir);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal((JSON.parse(r.stdout) as { load: { summary: { corruptionEvents: number } } }).load.summary.corruptionEvents, 0);
  });
});

describe('load: the run store under contention', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover-load-store-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps N intact records when N cutover load processes record at once', async () => {
    writeFileSync(join(dir, 'input.csv'), 'id,amount\n1,2\n2,3\n');
    const busy = [process.execPath, fixture('busy.mjs'), '${output}', '16', '200'];
    writeFileSync(join(dir, 'cutover.json'), JSON.stringify({
      pipelines: { v1: { command: busy, outputs: { kpis: { path: 'result.txt' } } }, v2: { command: busy, outputs: { kpis: { path: 'result.txt' } } } },
      inputs: { small: { path: 'input.csv' } },
      performance: { seconds: { 2: 30 } },
    }));
    const tsx = pathToFileURL(resolve(__dirname, '../../../node_modules/tsx/dist/loader.mjs')).href;
    const cli = resolve(__dirname, '../../../src/cli/main.ts');
    const N = 4;
    const codes = await Promise.all(Array.from({ length: N }, () => new Promise<number | null>((done) => {
      spawn(process.execPath, ['--import', tsx, cli, 'load', '--sizes', '2', '--pipelines', 'v2'], { cwd: dir, stdio: 'ignore' }).once('exit', done);
    })));
    assert.deepEqual(codes, Array.from({ length: N }, () => 0));
    const scan = await new RunStore(dir).scan();
    assert.deepEqual(scan.problems, []);
    assert.equal(scan.runs.length, N);
    assert.equal(new Set(scan.runs.map((r) => r.id)).size, N);
    for (const r of scan.runs) assert.equal(r.results.load?.measurements.length, 1);
  });
});

describe('load: database connections of a PostgreSQL channel', function () {
  this.timeout(60_000);
  let dir: string;
  let pg: Postgres;
  before(async () => { pg = await startPostgres(); });
  after(async () => { await pg?.stop(); });
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover-load-pg-')); });
  afterEach(() => {
    delete process.env.CUTOVER_TEST_PG;
    rmSync(dir, { recursive: true, force: true });
  });

  function workspace(): void {
    writeFileSync(join(dir, 'input.csv'), 'id,amount\n1,2\n2,3\n');
    const hold = [process.execPath, fixture('holdpg.mjs'), '${output}', '3', '800'];
    writeFileSync(join(dir, 'cutover.json'), JSON.stringify({
      pipelines: { v1: { command: hold, outputs: { kpis: { path: 'result.txt' } } }, v2: { command: hold, outputs: { kpis: { path: 'result.txt' } } } },
      inputs: { small: { path: 'input.csv' } },
      channels: { db: { type: 'supabase', output: 'kpis', table: 'kpis_v2', connectionStringEnv: 'CUTOVER_TEST_PG' } },
      performance: { seconds: { 2: 30 } },
    }));
  }

  it('reports the peak connections the pipelines held against max_connections', async () => {
    workspace();
    process.env.CUTOVER_TEST_PG = pg.url;
    const r = await runCli(['load', '--sizes', '2', '--pipelines', 'v2', '--parallel', '2', '--json'], dir);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const load = (JSON.parse(r.stdout) as { load: LoadResults }).load;
    // Alone: 3 connections; two copies at once: 6.
    assert.deepEqual(load.connections?.map((c) => [c.channel, c.env, c.baseline, c.peak, c.maxConnections]), [['db', 'CUTOVER_TEST_PG', 0, 6, 100]]);
    assert.ok(!r.stdout.includes(pg.url), 'the connection string is never printed');
    assert.ok(load.judgements.some((j) => j.criterion === 'connections' && j.verdict === 'pass' && /peak 6 client connections .* < max_connections 100/.test(j.reason)));
  });

  it('says why connections were not measured when the channel\'s variable is unset, and judges the rest', async () => {
    workspace();
    const r = await runCli(['load', '--sizes', '2', '--pipelines', 'v1'], dir);
    assert.match(r.stdout, /db: CUTOVER_TEST_PG is not set: database connections not measured/);
    // Without its database this pipeline cannot run: that is judged, the missing connection figure is not.
    assert.equal(r.code, 1);
    assert.match(r.stdout, /v1 at 2 exited 1/);
    assert.doesNotMatch(r.stdout, /connections.*(pass|fail)/);
  });
});
