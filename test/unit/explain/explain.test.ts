/**
 * `cutover explain` on synthetic pipelines whose KPIs depend on known configuration keys: one key per KPI, two keys
 * that only together explain a KPI (an interaction), a change in the code alone, a key with no effect, and a V1
 * value the V2 pipeline rejects. The pipelines write a CSV KPI table, so each run takes a fraction of a second.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RunRecord } from '../../../src/core/runs/record';
import type { ExplainResults } from '../../../src/core/runs/results';
import { REPO_ROOT } from '../../host/workspace';
import { runCli } from '../cli';

// V2 differs from V1 in: alpha.scale (moves alpha), b1 and b2 (each moves beta by half), label (moves nothing),
// tidy (moves tiny within tolerance) and mode (moves delta; V2 refuses V1's "legacy"). gamma moves in the code.
const PIPELINE = `
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const [out, file, side] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const c = file.endsWith('.yaml') ? createRequire(${JSON.stringify(join(REPO_ROOT, 'package.json'))})('yaml').parse(text) : JSON.parse(text);
if (side === 'v2' && c.mode === 'legacy') { console.error('unsupported mode: legacy'); process.exit(3); }
// A slow pipeline for the cancel test: its pid goes to the file the variable names, then it waits a minute.
if (process.env.EXPLAIN_TEST_SLOW) { appendFileSync(process.env.EXPLAIN_TEST_SLOW, process.pid + '\\n'); await new Promise((r) => setTimeout(r, 60_000)); }
const kpis = {
  alpha: 100 * c.alpha.scale,
  beta: 100 + (c.b1 ? 10 : 0) + (c.b2 ? 10 : 0),
  gamma: side === 'v2' ? 105 : 100,
  tiny: 100 + (c.tidy ? 0.00001 : 0),
  steady: 50,
  ...(c.mode ? { delta: c.mode === 'modern' ? 120 : 100 } : {}),
};
mkdirSync(out, { recursive: true });
writeFileSync(out + '/kpis.csv', 'segment,kpi,value\\n' + Object.entries(kpis).map(([k, v]) => 'total,' + k + ',' + v).join('\\n') + '\\n');
`;

function workspace(format: 'json' | 'yaml', v1: Record<string, unknown>, v2: Record<string, unknown>): string {
  const ws = mkdtempSync(join(tmpdir(), 'cutover explain ws '));
  writeFileSync(join(ws, 'pipe.mjs'), PIPELINE);
  writeFileSync(join(ws, 'in.csv'), 'x\n1\n');
  const write = (name: string, value: Record<string, unknown>): string => {
    const file = `${name}.${format}`;
    const text = format === 'json'
      ? JSON.stringify(value, null, 2)
      : Object.entries(value).map(([k, v]) => (typeof v === 'object' && v !== null ? `${k}:\n${Object.entries(v).map(([kk, vv]) => `  ${kk}: ${JSON.stringify(vv)}`).join('\n')}` : `${k}: ${JSON.stringify(v)}`)).join('\n');
    writeFileSync(join(ws, file), `${text}\n`);
    return file;
  };
  const pipeline = (side: string, file: string) => ({
    command: ['node', 'pipe.mjs', '${output}', '${config}', side],
    configFiles: [file],
    outputs: { kpis: { path: 'kpis.csv', format: 'csv' } },
  });
  writeFileSync(join(ws, 'cutover.json'), JSON.stringify({
    pipelines: { v1: pipeline('v1', write('v1', v1)), v2: pipeline('v2', write('v2', v2)) },
    inputs: { in: { path: 'in.csv' } },
    defaultInput: 'in',
  }, null, 2));
  return ws;
}

interface Out { runId: string; runDir: string; explain: ExplainResults }

describe('cutover explain on synthetic pipelines', function () {
  this.timeout(60_000);
  const made: string[] = [];
  after(() => made.forEach((ws) => rmSync(ws, { recursive: true, force: true })));

  it('attributes a KPI to its one key, another to two keys together, a third to the code; says a key moves nothing', async () => {
    const ws = workspace('json',
      { label: 'old', alpha: { scale: 1 }, b1: false, b2: false, tidy: false },
      { label: 'new', alpha: { scale: 1.1 }, b1: true, b2: true, tidy: true });
    made.push(ws);
    const shadow = await runCli(['shadow'], ws);
    assert.equal(shadow.code, 1, shadow.stderr + shadow.stdout);

    const r = await runCli(['explain', '--parallel', '2', '--json'], ws);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /5 configuration keys differ .* → 6 V2 runs/);
    const { explain, runDir } = JSON.parse(r.stdout) as Out;
    const line = (kpi: string) => explain.lines.find((l) => l.kpi === kpi);
    assert.deepEqual(explain.lines.map((l) => l.kpi).sort(), ['alpha', 'beta', 'gamma']);

    assert.equal(line('alpha')?.causeKind, 'key');
    assert.equal(line('alpha')?.cause, 'alpha.scale');
    assert.equal(line('alpha')?.shares.find((s) => s.key === 'alpha.scale')?.share, 1);

    assert.equal(line('beta')?.causeKind, 'interaction');
    assert.equal(line('beta')?.cause, 'b1 + b2');
    assert.deepEqual(line('beta')?.shares.filter((s) => s.share > 0).map((s) => [s.key, s.share]), [['b1', 0.5], ['b2', 0.5]]);
    assert.equal(line('beta')?.remainder, 0);

    assert.equal(line('gamma')?.causeKind, 'code');
    assert.equal(line('gamma')?.remainder, 1);
    assert.match(line('gamma')?.reason ?? '', /the code/);

    const key = (k: string) => explain.keys.find((x) => x.key === k);
    assert.deepEqual(key('label')?.effects, []);
    assert.deepEqual(key('alpha.scale')?.effects.map((e) => [e.kpi, e.segments, e.fixes]), [['alpha', 1, 1]]);
    // tidy moves a KPI without taking it out of tolerance: an effect, fixing nothing.
    assert.deepEqual(key('tidy')?.effects.map((e) => [e.kpi, e.fixes]), [['tiny', 0]]);
    assert.equal(key('alpha.scale')?.line, 3); // {, "label", "alpha": {, "scale"

    const record = RunRecord.parse(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')));
    assert.equal(record.kind, 'explain');
    assert.deepEqual(record.commands.map((c) => c.name).sort(), ['all', 'key-1', 'key-2', 'key-3', 'key-4', 'key-5']);
    for (const c of record.commands) assert.match(readFileSync(join(runDir, c.log ?? 'none'), 'utf8'), /pipe\.mjs/);
    assert.equal(record.results.explain?.shadowRun, explain.shadowRun);
  });

  it('reports a V1 value the pipeline rejects for that key; what it leaves undecided is unknown (exit 2), the rest attributed', async () => {
    const ws = workspace('yaml', { mode: 'legacy', alpha: { scale: 1 } }, { mode: 'modern', alpha: { scale: 2 } });
    made.push(ws);
    assert.equal((await runCli(['shadow'], ws)).code, 1);
    const r = await runCli(['explain', '--json'], ws);
    assert.equal(r.code, 2, r.stderr);
    const { explain } = JSON.parse(r.stdout) as Out;
    const mode = explain.keys.find((k) => k.key === 'mode');
    assert.equal(mode?.run.status, 'rejected');
    assert.equal(mode?.run.exitCode, 3);
    assert.match(mode?.run.reason ?? '', /unsupported mode: legacy/);
    assert.equal(explain.all?.status, 'rejected');
    assert.equal(explain.lines.find((l) => l.kpi === 'alpha')?.cause, 'alpha.scale');
    const delta = explain.lines.find((l) => l.kpi === 'delta');
    assert.equal(delta?.causeKind, 'unknown');
    assert.match(delta?.reason ?? '', /not tested: mode/);
    // gamma (the code) cannot be told from configuration either when the all-reverted run is rejected.
    assert.equal(explain.lines.find((l) => l.kpi === 'gamma')?.causeKind, 'unknown');
  });

  it('stops on SIGTERM (the editor\'s Cancel): its pipelines are killed, the run is recorded stopped, exit 2', async () => {
    const ws = workspace('json', { alpha: { scale: 1 } }, { alpha: { scale: 2 } });
    made.push(ws);
    assert.equal((await runCli(['shadow'], ws)).code, 1);
    const pids = join(ws, 'pids.txt');
    // The CLI as its own process (the signal must not reach this one), its pipelines slow.
    const tsx = pathToFileURL(createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'explain'], {
      cwd: ws, env: { ...process.env, EXPLAIN_TEST_SLOW: pids }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = (): number[] => (existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);
    // One key: its run and the all-reverted run, at once when there are two cores (--parallel defaults to the cores).
    const atOnce = Math.min(2, availableParallelism());
    for (let i = 0; i < 300 && started().length < atOnce; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(started().length, atOnce, `the V2 runs started; the CLI said:\n${output}`);
    child.kill('SIGTERM');
    assert.equal(await exited, 2);
    const alive = (pid: number): boolean => {
      try { process.kill(pid, 0); return true; } catch (error) { return (error as NodeJS.ErrnoException).code !== 'ESRCH'; }
    };
    for (let i = 0; i < 50 && started().some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(started().filter(alive), [], 'no pipeline outlives the cancel');
    const runs = join(ws, '.cutover', 'runs');
    const records = readdirSync(runs).filter((n) => /^\d{8}-/.test(n)).map((id) => RunRecord.parse(JSON.parse(readFileSync(join(runs, id, 'run.json'), 'utf8'))));
    const stopped = records.find((r) => r.kind === 'explain');
    assert.equal(stopped?.status, 'stopped');
    assert.equal(stopped?.verdict, undefined);
    assert.match(stopped?.error?.message ?? '', /stopped by SIGTERM/);
  });

  it('refuses a V2 command without ${config}, before any run', async () => {
    const ws = workspace('json', { alpha: { scale: 1 } }, { alpha: { scale: 2 } });
    made.push(ws);
    assert.equal((await runCli(['shadow'], ws)).code, 1);
    const config = JSON.parse(readFileSync(join(ws, 'cutover.json'), 'utf8')) as { pipelines: { v2: { command: string[] } } };
    config.pipelines.v2.command = ['node', 'pipe.mjs', '${output}', 'v2.json', 'v2'];
    writeFileSync(join(ws, 'cutover.json'), JSON.stringify(config));
    const r = await runCli(['explain'], ws);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /must pass its configuration file as \$\{config\}/);
  });
});
