/**
 * `cutover rollback` / `cutover forward` in temp workspaces whose commands are a tiny script with chosen exit codes
 * and sleeps: what ran is checked through the script's own trace file, what was recorded through run.json on disk.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../../src/core/config/load';
import type { RunRecord } from '../../../src/core/runs/record';
import { ReviewStore } from '../../../src/core/reviews/store';
import { RunStore } from '../../../src/core/runs/store';
import type { SwitchEvent } from '../../../src/core/switch/run';
import { runSwitch } from '../../../src/core/switch/run';
import type { SwitchSummary } from '../../../src/core/switch/summary';
import { kpiLine } from '../gate/records';
import { cutover, step, workspace } from './helpers';

const repo = resolve(__dirname, '..', '..', '..');

const trace = (ws: string): string[] => (existsSync(join(ws, 'trace.txt')) ? readFileSync(join(ws, 'trace.txt'), 'utf8').trim().split('\n') : []);
const runIds = (ws: string): string[] => (existsSync(join(ws, '.cutover', 'runs')) ? readdirSync(join(ws, '.cutover', 'runs')).filter((n) => n !== 'index.jsonl').sort() : []);
const readRecord = (ws: string, id: string): RunRecord => JSON.parse(readFileSync(join(ws, '.cutover', 'runs', id, 'run.json'), 'utf8')) as RunRecord;

const dq30 = { ...kpiLine('total', 'dq30', 0.2, 0.21), relVariance: 0.05 };

describe('cutover rollback / forward', function () {
  this.timeout(20_000);
  const made: string[] = [];
  const ws = (sections: Record<string, unknown>): string => {
    const dir = workspace(sections);
    made.push(dir);
    return dir;
  };
  after(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

  it('passes when the command and verify exit 0, printing each step live and the timing', async () => {
    const dir = ws({ rollback: { command: step('switch', 0), verify: step('verify', 0) } });
    const r = await cutover(dir, 'rollback');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(trace(dir), ['switch', 'verify']);
    const lines = r.stdout.split('\n');
    const at = (prefix: string): number => lines.findIndex((l) => l.startsWith(prefix));
    // Live output sits between the step's header and its exit line.
    assert.ok(at('▶ rollback: node step.mjs switch 0 0') >= 0, r.stdout);
    assert.ok(at('▶ rollback: ') < at('switch ran') && at('switch ran') < at('✓ exit 0 in '), r.stdout);
    assert.ok(at('▶ verify: node step.mjs verify 0 0') > at('switch ran'), r.stdout);
    assert.ok(at('verify ran') > at('▶ verify: '), r.stdout);
    assert.equal(lines.filter((l) => /^✓ exit 0 in \d+\.\d s$/.test(l)).length, 2, r.stdout);
    assert.match(r.stdout, /^total \d+\.\d s of 300 s budget$/m);
    assert.match(r.stdout, /^Verdict: PASS$/m);
    assert.match(r.stdout, /^gate at start: none \(no shadow run recorded in /m);

    const [id] = runIds(dir);
    assert.ok(id);
    const record = readRecord(dir, id);
    assert.equal(record.kind, 'rollback');
    assert.equal(record.status, 'complete');
    assert.equal(record.verdict?.verdict, 'pass');
    assert.deepEqual(record.commands.map((c) => [c.name, c.argv.slice(1), c.exitCode]), [
      ['rollback', ['step.mjs', 'switch', '0', '0'], 0],
      ['verify', ['step.mjs', 'verify', '0', '0'], 0],
    ]);
    assert.deepEqual(record.phases.map((p) => p.name), ['switch', 'verify']);
    assert.equal(readFileSync(join(dir, '.cutover', 'runs', id, 'logs', 'rollback.log'), 'utf8').split('\n').at(-2), 'switch ran');
    assert.equal(readFileSync(join(dir, '.cutover', 'runs', id, 'logs', 'verify.log'), 'utf8').split('\n').at(-2), 'verify ran');
    assert.deepEqual(record.results['gateAtStart'], { runId: null, verdict: null, reason: `no shadow run recorded in ${join(dir, '.cutover', 'runs')}` });
    assert.equal(record.results['budgetSeconds'], 300);
  });

  it('shows output a fast command prints before its runner returns', async () => {
    const dir = ws({ rollback: { command: ['bash', '-c', 'echo early; sleep 0.3'] } });
    const r = await cutover(dir, 'rollback');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^▶ rollback: bash -c 'echo early; sleep 0\.3'\nearly\n✓ exit 0 in /m);
  });

  it('records a failed verify as fail, with both exit codes and the durations', async () => {
    const dir = ws({ rollback: { command: step('switch', 0, 50), verify: step('verify', 5, 50) } });
    const r = await cutover(dir, 'rollback', '--json');
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(r.stdout) as SwitchSummary;
    assert.deepEqual(trace(dir), ['switch', 'verify']);
    assert.equal(s.status, 'complete');
    assert.equal(s.verdict, 'fail');
    assert.deepEqual(s.reasons, ['verify command exited 5 after the rollback command exited 0']);
    assert.deepEqual(s.commands.map((c) => [c.name, c.exitCode]), [['rollback', 0], ['verify', 5]]);
    // Each step slept 50 ms; the total covers both.
    for (const c of s.commands) assert.ok(c.ms >= 50, `${c.name} took ${c.ms} ms`);
    assert.ok(s.totalMs !== null && s.totalMs >= (s.commands[0]?.ms ?? 0) + (s.commands[1]?.ms ?? 0) - 2, `total ${s.totalMs}`);
    assert.equal(s.commands[1]?.log, join(s.runDir, 'logs', 'verify.log'));
    assert.equal(readFileSync(s.commands[1]?.log ?? '', 'utf8').includes('verify ran'), true);

    const record = readRecord(dir, s.runId);
    assert.equal(record.verdict?.verdict, 'fail');
    assert.deepEqual(record.commands.map((c) => c.exitCode), [0, 5]);
    assert.equal(record.results['totalMs'], s.totalMs);
  });

  it('does not run verify when the command fails', async () => {
    const dir = ws({ rollback: { command: step('switch', 7), verify: step('verify', 0) } });
    const r = await cutover(dir, 'rollback', '--json');
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(r.stdout) as SwitchSummary;
    assert.deepEqual(trace(dir), ['switch']);
    assert.equal(s.verdict, 'fail');
    assert.deepEqual(s.reasons, ['rollback command exited 7; verify not run']);
    assert.deepEqual(s.commands.map((c) => [c.name, c.exitCode]), [['rollback', 7]]);
    // With --json the live output goes to stderr, keeping stdout one JSON document.
    assert.match(r.stderr, /^switch ran$/m);
  });

  it('fails a switch that exceeds the budget given with --budget', async () => {
    const dir = ws({ rollback: { command: step('switch', 0, 200), verify: step('verify', 0) } });
    const r = await cutover(dir, 'rollback', '--budget', '0.05', '--json');
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(r.stdout) as SwitchSummary;
    assert.deepEqual(trace(dir), ['switch', 'verify']);
    assert.deepEqual(s.commands.map((c) => c.exitCode), [0, 0]);
    assert.equal(s.budgetSeconds, 0.05);
    assert.ok(s.totalMs !== null && s.totalMs >= 200);
    assert.deepEqual(s.reasons, [`took ${((s.totalMs ?? 0) / 1000).toFixed(1)} s > budget 0.05 s`]);
    assert.match(r.stderr, /^⚠ the 0\.05 s budget is spent; still running$/m);
    assert.equal(readRecord(dir, s.runId).thresholds['budgetSeconds'], 0.05);
  });

  it('runs the forward section for `cutover forward`', async () => {
    const dir = ws({ rollback: { command: step('back', 0) }, forward: { command: step('fwd', 0), verify: step('fwd-check', 0), budgetSeconds: 60 } });
    const r = await cutover(dir, 'forward');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(trace(dir), ['fwd', 'fwd-check']);
    assert.match(r.stdout, /^▶ forward: node step\.mjs fwd 0 0$/m);
    assert.match(r.stdout, /^total \d+\.\d s of 60 s budget$/m);
    const [id] = runIds(dir);
    assert.equal(readRecord(dir, id ?? '').kind, 'forward');
  });

  it('passes without verify but says the switch was not verified', async () => {
    const dir = ws({ rollback: { command: step('switch', 0) } });
    const r = await cutover(dir, 'rollback', '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as SwitchSummary;
    assert.equal(s.reasons.at(-1), 'not verified: no "rollback.verify" command in cutover.json');
  });

  it('exits 3 naming cutover.json when it has no rollback section, before any run exists', async () => {
    const dir = ws({ forward: { command: step('fwd', 0) } });
    const r = await cutover(dir, 'rollback');
    assert.equal(r.code, 3);
    assert.ok(r.stderr.includes(`${join(dir, 'cutover.json')}: no "rollback" section`), r.stderr);
    assert.match(r.stderr, /"rollback": \{ "command": \[/);
    assert.deepEqual(runIds(dir), []);
    assert.deepEqual(trace(dir), []);
  });

  it('exits 3 for a placeholder a switch has no value for, and for a bad --budget', async () => {
    const dir = ws({ rollback: { command: ['node', 'step.mjs', '${input}', '0', '0'] } });
    const r = await cutover(dir, 'rollback');
    assert.equal(r.code, 3);
    assert.ok(r.stderr.includes(`${join(dir, 'cutover.json')}: rollback.command: no value for placeholder \${input}`), r.stderr);
    for (const bad of ['0', '-1', 'soon', '']) {
      const b = await cutover(dir, 'rollback', '--budget', bad);
      assert.equal(b.code, 3, `--budget ${bad}`);
      assert.match(b.stderr, /--budget: expected a positive number of seconds/);
    }
    assert.deepEqual(runIds(dir), []);
  });

  it('substitutes ${workspaceFolder} and ${runDir}', async () => {
    const dir = ws({ rollback: { command: ['node', '${workspaceFolder}/step.mjs', 'switch', '0', '0'], verify: ['node', 'step.mjs', '${runDir}', '0', '0'] } });
    const r = await cutover(dir, 'rollback', '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as SwitchSummary;
    assert.equal(s.commands[0]?.argv[1], join(dir, 'step.mjs'));
    assert.equal(trace(dir)[1], join(dir, '.cutover', 'runs', `.tmp-${s.runId}`));
  });

  it('records a switch whose executable is missing as failed and exits 4', async () => {
    const dir = ws({ rollback: { command: ['cutover-no-such-executable', 'v1'], verify: step('verify', 0) } });
    const r = await cutover(dir, 'rollback', '--json');
    assert.equal(r.code, 4);
    const s = JSON.parse(r.stdout) as SwitchSummary;
    assert.equal(s.status, 'failed');
    assert.equal(s.verdict, 'error');
    assert.match(s.error ?? '', /executable "cutover-no-such-executable" not found/);
    assert.deepEqual(s.commands.map((c) => [c.name, c.exitCode]), [['rollback', null]]);
    assert.deepEqual(trace(dir), []);
    assert.equal(readRecord(dir, s.runId).status, 'failed');
  });

  it('records the go/no-go of the latest shadow run as evidence', async () => {
    const dir = ws({ rollback: { command: step('switch', 0) } });
    const store = new RunStore(dir);
    const shadow = await store.begin('shadow');
    shadow.addCommand({ name: 'v1', argv: ['v1'], cwd: dir, exitCode: 0, ms: 1000 });
    shadow.addCommand({ name: 'v2', argv: ['v2'], cwd: dir, exitCode: 0, ms: 2500 });
    await shadow.finish({
      verdict: { verdict: 'fail', reasons: ['x'] },
      results: {
        kpis: { verdict: 'fail', counts: { total: 1, pass: 0, inconclusive: 0, fail: 1, noise: 0 }, kpis: [dq30] },
        rows: {
          verdict: 'fail', reasons: [], keys: ['loan_id'], columns: [], sample: [], mismatches: null,
          rows: { v1: 1000, v2: 998, matched: 998, onlyV1: 2, onlyV2: 0, changed: 0, duplicateKeysV1: 0, duplicateKeysV2: 0, excludedV1: 0, excludedV2: 0 },
        },
        profiles: { v2: { rows: 998, columns: [{ name: 'rate', type: 'DOUBLE', nulls: 0, nullRate: 0, nan: 0, posInf: 0, negInf: 0, outOfBounds: 0 }] } },
      },
    });
    const r = await cutover(dir, 'rollback', '--json');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as SwitchSummary;
    const gate = s.gateAtStart;
    assert.ok(gate && gate.runId !== null);
    assert.equal(gate.runId, shadow.id);
    assert.equal(gate.verdict, 'no-go');
    assert.deepEqual(gate.criteria.map((c) => [c.name, c.value, c.verdict]), [
      ['kpiVariance', 0.05, 'fail'],
      ['errorRate', 0.002, 'fail'],
      ['latency', 2.5, 'pass'],
      ['nullRate', 0, 'pass'],
    ]);
    assert.deepEqual(readRecord(dir, s.runId).results['gateAtStart'], gate);
    const text = await cutover(dir, 'rollback');
    assert.match(text.stdout, new RegExp(`^gate at start: NO-GO on shadow run ${shadow.id} \\(complete\\)$`, 'm'));
    assert.match(text.stdout, /^ {2}✗ kpiVariance +5\.00% +\(threshold 1\.00%\)/m);

    // The same go/no-go as everywhere: an accepted discrepancy is left out of the evidence's KPI variance.
    await new ReviewStore(dir).accept(shadow.id, dq30, 'V2 fixes the dpd boundary', 'Ada');
    const accepted = (JSON.parse((await cutover(dir, 'rollback', '--json')).stdout) as SwitchSummary).gateAtStart;
    assert.ok(accepted && accepted.runId !== null);
    assert.deepEqual(accepted.criteria.map((c) => [c.name, c.verdict]), [['kpiVariance', 'pass'], ['errorRate', 'fail'], ['latency', 'pass'], ['nullRate', 'pass']]);
    assert.deepEqual(accepted.accepted.map((r) => [r.kpi, r.who]), [['dq30', 'Ada']]);
  });

  it('kills the command and records the run as stopped (no verdict) when cancelled', async () => {
    const dir = ws({ rollback: { command: step('switch', 0, 10_000), verify: step('verify', 0) } });
    const controller = new AbortController();
    const events: SwitchEvent['type'][] = [];
    const t0 = Date.now();
    const { record } = await runSwitch(loadConfig(join(dir, 'cutover.json')), 'rollback', {
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e.type);
        if (e.type === 'output') controller.abort();
      },
    });
    assert.ok(Date.now() - t0 < 5000, 'the 10 s command was killed');
    assert.equal(record.status, 'stopped');
    assert.equal(record.verdict, undefined);
    assert.match(record.error?.message ?? '', /^rollback stopped: the rollback command was cancelled after \d+\.\d s$/);
    assert.equal(record.commands[0]?.exitCode, null);
    assert.deepEqual(trace(dir), ['switch']);
    assert.deepEqual(events, ['begin', 'gate', 'start', 'output', 'exit']);
  });

  it('is marked interrupted, once the store is looked after, when the cutover process itself is killed', async function () {
    this.timeout(30_000);
    const dir = ws({ rollback: { command: step('switch', 0, 3000), verify: step('verify', 0) } });
    const cli = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, join(repo, 'src', 'cli', 'main.ts'), 'rollback'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((done, fail) => {
      let seen = '';
      cli.stdout.on('data', (b: Buffer) => {
        seen += b.toString();
        if (seen.includes('switch ran')) done();
      });
      cli.once('exit', () => fail(new Error(`cutover exited early: ${seen}`)));
    });
    cli.kill('SIGKILL');
    await new Promise((done) => cli.once('exit', done));
    const store = new RunStore(dir);
    assert.deepEqual(await store.list(), [], 'listing does not rewrite the store');
    assert.equal((await store.recoverInterrupted()).length, 1);
    const runs = await store.list();
    assert.deepEqual(runs.map((r) => [r.kind, r.status]), [['rollback', 'interrupted']]);
  });
});

describe('cutover rollback / forward on the example workspace', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover switch example '));
    const example = join(repo, 'examples', 'loan-cutover');
    cpSync(example, dir, { recursive: true, filter: (src) => !/[\\/](data|output|\.cutover|node_modules)$/.test(src) && !/active-pipeline/.test(src) });
    // The verify script runs a pipeline, which imports @duckdb/node-api: resolve it from the repository.
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    execFileSync(process.execPath, [join(dir, 'scripts', 'generate-data.mjs'), '--rows', '10000'], { cwd: dir, stdio: 'ignore' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const active = (): { active: string; command: string[] } => JSON.parse(readFileSync(join(dir, 'active-pipeline.json'), 'utf8')) as { active: string; command: string[] };

  it('rolls back to V1 and forward to V2, really flipping the active pipeline', async () => {
    assert.equal(existsSync(join(dir, 'active-pipeline.json')), false);
    const back = await cutover(dir, 'rollback', '--json');
    assert.equal(back.code, 0, back.stderr);
    const b = JSON.parse(back.stdout) as SwitchSummary;
    assert.equal(b.verdict, 'pass');
    assert.deepEqual(b.commands.map((c) => [c.name, c.argv.join(' '), c.exitCode]), [
      ['rollback', 'node scripts/switch-pipeline.mjs v1', 0],
      ['verify', 'node scripts/verify-active.mjs v1', 0],
    ]);
    assert.deepEqual([active().active, active().command], ['v1', ['node', 'pipelines/v1/pipeline.mjs']]);
    assert.match(back.stderr, /^verified: v1 is active and produced 128 KPI values for 10000 loans$/m);

    const fwd = await cutover(dir, 'forward');
    assert.equal(fwd.code, 0, fwd.stderr);
    assert.deepEqual([active().active, active().command], ['v2', ['node', 'pipelines/v2/pipeline.mjs']]);
    assert.match(fwd.stdout, /^verified: v2 is active and produced 128 KPI values for 10000 loans$/m);
    assert.equal(JSON.parse(readFileSync(join(dir, 'active-pipeline.previous.json'), 'utf8')).active, 'v1');

    const runs = await new RunStore(dir).list();
    assert.deepEqual(runs.map((r) => [r.kind, r.status, r.verdict?.verdict]), [['forward', 'complete', 'pass'], ['rollback', 'complete', 'pass']]);
  });
});
