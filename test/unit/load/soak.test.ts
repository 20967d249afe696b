import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { judgeLeak, slopeWithInterval, tQuantile975 } from '../../../src/core/load/leak';
import { parseDuration } from '../../../src/core/load/sizes';
import { failuresOf, injects, judgeSoak } from '../../../src/core/load/soak';
import type { SoakIteration, SoakResults } from '../../../src/core/runs/results';
import { RunStore } from '../../../src/core/runs/store';
import type { Postgres } from '../../host/postgres';
import { startPostgres } from '../../host/postgres';
import { runCli } from '../cli';

const fixture = (name: string): string => resolve(__dirname, '../../fixtures/load', name);
const REPO = resolve(__dirname, '../../..');
const MB = 2 ** 20;

function iteration(n: number, extra: Partial<SoakIteration> = {}): SoakIteration {
  return {
    iteration: n, pipeline: 'v2', startedAt: '2026-12-01T00:00:00Z', hours: n / 60, exitCode: 0, injected: false, wallSeconds: 1,
    peakRssBytes: 100 * MB, meanRssBytes: 80 * MB, peakCpuPercent: 50, meanCpuPercent: 40, leftovers: [], ...extra,
  };
}

describe('load: soak arithmetic and judgement', () => {
  it('gives Student t quantiles within 0.2% of the tables', () => {
    for (const [df, t] of [[1, 12.706], [2, 4.303], [3, 3.182], [5, 2.571], [10, 2.228], [30, 2.042], [120, 1.980]] as const) {
      assert.ok(Math.abs(tQuantile975(df) - t) / t < 0.002, `df ${df}: ${tQuantile975(df)} vs ${t}`);
    }
  });

  it('fits a slope with a 95% interval that holds the true slope and narrows with exact data', () => {
    const exact = slopeWithInterval([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })));
    assert.deepEqual(exact && [exact.slope, exact.low, exact.high].map((v) => Number(v.toFixed(9))), [2, 2, 2]);
    const noisy = slopeWithInterval([0, 1, 2, 3, 4, 5].map((x, i) => ({ x, y: 2 * x + [0.3, -0.2, 0.1, -0.4, 0.2, 0][i]! })));
    assert.ok(noisy && noisy.low < 2 && noisy.high > 2 && noisy.high - noisy.low < 1, JSON.stringify(noisy));
    assert.equal(slopeWithInterval([{ x: 1, y: 1 }, { x: 2, y: 2 }]), undefined);
  });

  it('calls memory stable only with enough iterations and the whole interval under the threshold', () => {
    const flat = Array.from({ length: 12 }, (_, i) => ({ hours: i, peakRssBytes: (100 + (i % 2)) * MB }));
    assert.equal(judgeLeak('v2', flat, 10, 10).verdict, 'pass');
    assert.equal(judgeLeak('v2', flat.slice(0, 5), 10, 10).verdict, 'inconclusive');
    assert.equal(judgeLeak('v2', flat, undefined, 10).verdict, 'inconclusive');
    const growing = flat.map((p, i) => ({ ...p, peakRssBytes: p.peakRssBytes + i * 50 * MB }));
    const leak = judgeLeak('v2', growing.slice(0, 4), 10, 10);
    assert.equal(leak.verdict, 'fail', 'a clear leak fails even before enough iterations for "stable"');
    assert.match(leak.reason, /a leak/);
  });

  it('chooses the iterations to kill reproducibly, about the share asked for', () => {
    const chosen = Array.from({ length: 1000 }, (_, n) => injects(7, n + 1, 0.2));
    assert.deepEqual(chosen, Array.from({ length: 1000 }, (_, n) => injects(7, n + 1, 0.2)));
    const share = chosen.filter(Boolean).length / 1000;
    assert.ok(share > 0.15 && share < 0.25, String(share));
    assert.equal(Array.from({ length: 100 }, (_, n) => injects(7, n, 0)).some(Boolean), false);
  });

  it('says whether each failure was followed by a successful run of the same pipeline', () => {
    const its = [iteration(1, { exitCode: null, injected: true }), iteration(1, { pipeline: 'v1' }), iteration(2, { exitCode: null, injected: true }), iteration(3), iteration(3, { exitCode: 1 }), iteration(4, { exitCode: 1 })];
    // A run killed on purpose is no evidence either way: iteration 1's recovery is decided by iteration 3.
    assert.deepEqual(failuresOf(its), [
      { iteration: 1, pipeline: 'v2', injected: true, recovered: true },
      { iteration: 2, pipeline: 'v2', injected: true, recovered: true },
      { iteration: 3, pipeline: 'v2', injected: false, recovered: false },
      { iteration: 4, pipeline: 'v2', injected: false, recovered: null },
    ]);
  });

  it('fails on leftovers, own failures and full connection slots, is inconclusive on too few runs, passes a clean long-enough soak', () => {
    const perf = { seconds: {}, leakMBPerHour: 10, minSoakIterations: 5 };
    const clean = Array.from({ length: 6 }, (_, i) => iteration(i + 1));
    const base = { pipelines: ['v2'] } satisfies Partial<SoakResults>;
    assert.equal(judgeSoak({ ...base, iterations: clean }, perf).verdict, 'pass');
    assert.equal(judgeSoak({ ...base, iterations: clean.slice(0, 4) }, perf).verdict, 'inconclusive');
    const db = { channel: 'db', env: 'DB_URL', maxConnections: 10, baseline: 1 };
    const roomy = judgeSoak({ ...base, iterations: clean, connections: [{ ...db, peak: 9 }] }, perf);
    assert.equal(roomy.verdict, 'pass');
    assert.ok(roomy.reasons.includes('db: peak 9 client connections (1 before the pipelines) < max_connections 10'), roomy.reasons.join('\n'));
    const full = judgeSoak({ ...base, iterations: clean, connections: [{ ...db, peak: 10 }] }, perf);
    assert.deepEqual([full.verdict, full.reasons], ['fail', ['db: peak 10 client connections (1 before the pipelines) ≥ max_connections 10']]);
    const orphan = judgeSoak({ ...base, iterations: [...clean, iteration(7, { leftovers: [{ pid: 5, comm: 'sleep', kind: 'orphan' }] })] }, perf);
    assert.equal(orphan.verdict, 'fail');
    assert.equal(orphan.summary.orphans, 1);
    assert.equal(judgeSoak({ ...base, iterations: [...clean, iteration(7, { exitCode: 3 }), iteration(8)] }, perf).verdict, 'fail');
    assert.equal(judgeSoak({ ...base, iterations: [] }, perf).verdict, 'inconclusive');
  });

  it('reads durations as people write them', () => {
    assert.deepEqual(['30s', '10m', '24h', '1.5h', '0.5s'].map((d) => parseDuration(d, '--duration')), [30, 600, 86400, 5400, 0.5]);
    for (const bad of ['10', 'ten', '0s', '-1m']) assert.throws(() => parseDuration(bad, '--duration'), /not a duration/, bad);
  });
});

describe('load: cutover soak on synthetic pipelines', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover-soak-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function workspace(v2: string[], performance: unknown): void {
    writeFileSync(join(dir, 'input.csv'), 'id,amount\n1,2\n');
    writeFileSync(join(dir, 'cutover.json'), JSON.stringify({
      pipelines: {
        v1: { command: [process.execPath, fixture('busy.mjs'), '${output}', '16', '100'], outputs: { kpis: { path: 'result.txt' } } },
        v2: { command: [process.execPath, ...v2], outputs: { kpis: { path: 'result.txt' } } },
      },
      inputs: { small: { path: 'input.csv' } },
      performance,
    }));
  }
  type Out = { id: string; verdict: { verdict: string; reasons: string[] }; soak: SoakResults };
  const soak = async (...args: string[]): Promise<{ code: number; out: Out; stderr: string }> => {
    const r = await runCli(['soak', ...args, '--sample', '50', '--json'], dir);
    return { code: r.code, out: JSON.parse(r.stdout) as Out, stderr: r.stderr };
  };

  it('detects a pipeline that leaks memory from run to run', async () => {
    workspace([fixture('leaky.mjs'), '${output}', join(dir, 'leak-state'), '24'], { leakMBPerHour: 1000, minSoakIterations: 5 });
    const { code, out, stderr } = await soak('--duration', '3.5s', '--interval', '0.1s');
    assert.equal(code, 1, stderr);
    assert.ok(out.soak.iterations.length >= 6, `iterations: ${out.soak.iterations.length}`);
    assert.equal(out.soak.leaks[0]?.verdict, 'fail', JSON.stringify(out.soak.leaks));
    assert.match(out.verdict.reasons.join('\n'), /v2: memory grows .* a leak/);
  });

  it('finds the orphan left after every iteration', async () => {
    workspace([fixture('orphan.mjs'), '${output}'], { leakMBPerHour: 1e9, minSoakIterations: 3 });
    const { code, out } = await soak('--duration', '1.5s', '--interval', '0.3s');
    assert.equal(code, 1);
    assert.ok(out.soak.summary.orphans >= 2 && out.soak.summary.orphans === out.soak.iterations.length, JSON.stringify(out.soak.summary));
    assert.match(out.verdict.reasons.join('\n'), /iteration 1: v2 left orphan node \(pid \d+\)/);
  });

  it('calls a steady pipeline stable, and shows each injected failure recovered by the next run', async () => {
    workspace([fixture('busy.mjs'), '${output}', '32', '300'], { leakMBPerHour: 1e9, minSoakIterations: 4 });
    const { code, out, stderr } = await soak('--duration', '4s', '--interval', '0.1s', '--inject-failures', '0.3', '--seed', '3');
    const injected = out.soak.iterations.filter((i) => i.injected);
    assert.ok(injected.length >= 1, `seed 3 kills at least one of ${out.soak.iterations.length} runs`);
    for (const f of out.soak.failures) assert.equal(f.injected, true);
    const last = out.soak.iterations.at(-1);
    assert.equal(code, last?.injected ? 2 : 0, `${stderr}\n${out.verdict.reasons.join('\n')}`);
    assert.ok(out.soak.failures.filter((f) => f.recovered !== null).every((f) => f.recovered));
    assert.equal(out.soak.leaks[0]?.verdict, 'pass');
  });

  /** The CLI as its own process (one process: node with tsx's loader), so it can be killed. */
  function spawnSoak(args: string[]) {
    const tsx = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
    return spawn(process.execPath, ['--import', tsx, join(REPO, 'src/cli/main.ts'), 'soak', ...args], { cwd: dir, stdio: 'ignore' });
  }
  async function runningIterations(min: number): Promise<string> {
    const root = join(dir, '.cutover', 'runs');
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      const tmp = existsSync(root) ? readdirSync(root).find((n) => n.startsWith('.tmp-')) : undefined;
      if (!tmp) continue;
      const file = join(root, tmp, 'run.json');
      // The run may land (its folder renamed) between listing and reading.
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '{"results":{}}';
      const record = JSON.parse(text) as { results: { soak?: SoakResults } };
      if ((record.results.soak?.iterations.length ?? 0) >= min) return tmp.slice('.tmp-'.length);
    }
    throw new Error(`no soak reached ${min} iterations`);
  }

  it('resumes the same soak run after kill -9, keeping and numbering on from its iterations', async () => {
    workspace([fixture('busy.mjs'), '${output}', '16', '100'], { leakMBPerHour: 1e9, minSoakIterations: 3 });
    const child = spawnSoak(['--duration', '5s', '--interval', '0.2s']);
    const id = await runningIterations(2);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Straight to --resume, as a person would: the run is still the dead process's temp folder.
    const before = JSON.parse(readFileSync(join(dir, '.cutover', 'runs', `.tmp-${id}`, 'run.json'), 'utf8')) as { startedAt: string; status: string; results: { soak?: SoakResults } };
    assert.equal(before.status, 'running');
    const kept = before.results.soak?.iterations.length ?? 0;
    const { code, out } = await soak('--resume', id);
    assert.equal(out.id, id);
    assert.equal(out.soak.sessions, 2);
    assert.ok(out.soak.iterations.length > kept);
    assert.deepEqual(out.soak.iterations.map((i) => i.iteration), out.soak.iterations.map((_, i) => i + 1));
    assert.ok(out.soak.elapsedSeconds >= 5, String(out.soak.elapsedSeconds));
    assert.equal(code, 0);
    const after = await new RunStore(dir).read(id);
    assert.equal(after.status, 'complete');
    assert.equal(after.startedAt, before.startedAt);
  });

  it('stops on Cancel (SIGTERM) with status stopped, not failed or complete, no verdict, its iterations kept', async () => {
    workspace([fixture('busy.mjs'), '${output}', '16', '100'], { leakMBPerHour: 1e9, minSoakIterations: 3 });
    const child = spawnSoak(['--duration', '10m', '--interval', '0.2s']);
    const id = await runningIterations(2);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    assert.equal(code, 2);
    const record = await new RunStore(dir).read(id);
    assert.equal(record.status, 'stopped');
    assert.equal(record.verdict, undefined);
    assert.match(record.error?.message ?? '', /^stopped by SIGTERM \(Cancel\) after [\d.]+ s/);
    assert.equal(record.error?.kind, 'stopped');
    assert.ok((record.results.soak?.iterations.length ?? 0) >= 2);
    assert.equal(record.results.soak?.leaks.length, 1, 'the figures so far are still judged');
  });

  it('stops on Ctrl+C (SIGINT) the same way', async () => {
    workspace([fixture('busy.mjs'), '${output}', '16', '100'], { leakMBPerHour: 1e9, minSoakIterations: 3 });
    const child = spawnSoak(['--duration', '10m', '--interval', '0.2s']);
    const id = await runningIterations(1);
    child.kill('SIGINT');
    assert.equal(await new Promise((r) => child.once('exit', (c) => r(c))), 2);
    const record = await new RunStore(dir).read(id);
    assert.equal(record.status, 'stopped');
    assert.match(record.error?.message ?? '', /^stopped by SIGINT \(Ctrl\+C\)/);
  });
});

describe('load: soak with a PostgreSQL channel', function () {
  this.timeout(60_000);
  let dir: string;
  let pg: Postgres;
  before(async () => { pg = await startPostgres(); });
  after(async () => { await pg?.stop(); });
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover-soak-pg-')); });
  afterEach(() => {
    delete process.env.CUTOVER_TEST_PG;
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the connections each run held, per iteration and pipeline, against max_connections', async () => {
    writeFileSync(join(dir, 'input.csv'), 'id,amount\n1,2\n');
    // V1 holds 2 connections, V2 holds 4: each iteration's figure is its own run's, not the one before.
    const hold = (n: number) => ({ command: [process.execPath, fixture('holdpg.mjs'), '${output}', String(n), '500'], outputs: { kpis: { path: 'result.txt' } } });
    writeFileSync(join(dir, 'cutover.json'), JSON.stringify({
      pipelines: { v1: hold(2), v2: hold(4) },
      inputs: { small: { path: 'input.csv' } },
      channels: { db: { type: 'supabase', output: 'kpis', table: 'kpis_v2', connectionStringEnv: 'CUTOVER_TEST_PG' } },
      performance: { leakMBPerHour: 1e9, minSoakIterations: 3 },
    }));
    process.env.CUTOVER_TEST_PG = pg.url;
    const r = await runCli(['soak', '--duration', '6s', '--interval', '0.1s', '--pipelines', 'v1,v2', '--json'], dir);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.ok(!r.stdout.includes(pg.url) && !r.stderr.includes(pg.url), 'the connection string is never printed');
    const out = JSON.parse(r.stdout) as { verdict: { reasons: string[] }; soak: SoakResults };
    assert.ok(out.soak.iterations.length >= 6, `iterations: ${out.soak.iterations.length}`);
    for (const it of out.soak.iterations) {
      assert.deepEqual(it.connections, [{ channel: 'db', peak: it.pipeline === 'v1' ? 2 : 4 }], `iteration ${it.iteration} ${it.pipeline}`);
    }
    assert.deepEqual(out.soak.connections?.map((c) => [c.channel, c.env, c.baseline, c.peak, c.maxConnections]), [['db', 'CUTOVER_TEST_PG', 0, 4, 100]]);
    assert.ok(out.verdict.reasons.includes('db: peak 4 client connections (0 before the pipelines) < max_connections 100'), out.verdict.reasons.join('\n'));
  });
});
