import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nextCheck, nextDaily, watch, type WatchClock } from '../../../src/cli/commands/watch';
import { parseClock, WATCH_STATE_FILE, type WatchState } from '../../../src/core/metrics/watchState';
import { RunStore } from '../../../src/core/runs/store';
import { runCli, sink } from '../cli';
import { exampleWorkspace } from '../shadow/workspace';

describe('cutover watch schedule', () => {
  it('reads HH:MM and refuses anything else', () => {
    assert.equal(parseClock('06:00', '--daily-reconcile'), 360);
    assert.equal(parseClock('23:59', '--daily-reconcile'), 1439);
    for (const bad of ['24:00', '6', '06:60', 'six']) assert.throws(() => parseClock(bad, '--daily-reconcile'), /--daily-reconcile: ".*" is not a time of day/);
  });

  it('finds the next daily time (today if still ahead, else tomorrow) and the check due first', () => {
    const morning = new Date(2026, 0, 10, 5, 30);
    assert.equal(nextDaily(morning, 360).getTime(), new Date(2026, 0, 10, 6, 0).getTime());
    assert.equal(nextDaily(new Date(2026, 0, 10, 6, 0), 360).getTime(), new Date(2026, 0, 11, 6, 0).getTime());
    assert.equal(nextDaily(new Date(2026, 0, 31, 23, 0), 360).getTime(), new Date(2026, 1, 1, 6, 0).getTime());
    assert.deepEqual(nextCheck(new Date(2026, 0, 10, 6, 15), new Date(2026, 0, 10, 6, 0)).kind, 'reconcile');
    assert.deepEqual(nextCheck(new Date(2026, 0, 10, 5, 45), new Date(2026, 0, 10, 6, 0)).kind, 'shadow');
    assert.deepEqual(nextCheck(new Date(2026, 0, 10, 5, 45), undefined).kind, 'shadow');
  });
});

describe('cutover watch on the example workspace', function () {
  this.timeout(90_000);
  let ws: string;
  before(() => {
    // sample-10k for the shadow runs, daily-30d for the reconciliation.
    ws = exampleWorkspace('cutover watch ', []);
    const config = readFileSync(join(ws, 'cutover.json'), 'utf8').replace('"defaultInput"', '"monitoring": { "textfile": "metrics/cutover.prom" },\n  "defaultInput"');
    writeFileSync(join(ws, 'cutover.json'), config);
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('runs a shadow run per interval, each recorded, exported and followed by the alerts that fire', async () => {
    const r = await runCli(['watch', '--every', '1s', '--runs', '2'], ws);
    assert.equal(r.code, 1, r.stderr);
    const runs = await new RunStore(ws).list();
    assert.deepEqual(runs.map((x) => [x.kind, x.status]), [['shadow', 'complete'], ['shadow', 'complete']]);
    assert.equal(r.stdout.match(/! CutoverKpiVarianceHigh: worst KPI variance/g)?.length, 2);
    assert.match(readFileSync(join(ws, 'metrics', 'cutover.prom'), 'utf8'), new RegExp(`run_id="${runs[0]?.id}"`));
    assert.ok(!existsSync(join(ws, WATCH_STATE_FILE)), 'the state file goes with the watch');
  });

  it('keeps its state file while it waits, and stops on SIGTERM with exit 2 (never a pass)', async () => {
    const tsx = pathToFileURL(resolve(__dirname, '../../../node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, resolve(__dirname, '../../../src/cli/main.ts'), 'watch', '--every', '1h'], { cwd: ws, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const file = join(ws, WATCH_STATE_FILE);
    let state: WatchState | undefined;
    for (const until = Date.now() + 60_000; state?.last === undefined; await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() > until) assert.fail('the first run never finished');
      state = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as WatchState : undefined;
    }
    assert.equal(state.pid, child.pid);
    assert.equal(state.last?.kind, 'shadow');
    assert.equal(state.next?.kind, 'shadow');
    assert.ok(Date.parse(state.next?.at ?? '') - Date.now() > 50 * 60_000, 'the next run is an hour after the first');
    assert.ok(state.alerts.some((a) => a.name === 'CutoverKpiVarianceHigh' && a.runId === state?.last?.runId));
    child.kill('SIGTERM');
    assert.equal(await exited, 2);
    assert.ok(!existsSync(file));
  });

  it('--daily-reconcile: at its time of day the watch reconciles, recorded in the store like its shadow runs', async () => {
    // A clock whose waits skip ahead to the due time: the reconciliation minutes away is due "now".
    let skipped = 0;
    const waits: string[] = [];
    const clock: WatchClock = {
      now: () => new Date(Date.now() + skipped),
      wait(until) {
        waits.push(until.toISOString());
        skipped += Math.max(0, until.getTime() - (Date.now() + skipped));
        return Promise.resolve();
      },
    };
    const at = new Date(Date.now() + 5 * 60_000);
    const daily = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
    const stdout = sink();
    const stderr = sink();
    let exitCode = -1;
    // Two days of daily-30d are enough to reconcile (the watch runs `cutover reconcile` on the last days present).
    const daily30 = join(ws, 'data', 'daily-30d');
    for (const day of readdirSync(daily30).sort().slice(0, -2)) rmSync(join(daily30, day), { recursive: true });
    const before = new Set((await new RunStore(ws).list()).map((r) => r.id));
    await watch({ cwd: ws, stdout, stderr, setExitCode: (code) => { exitCode = code; } }, { every: '1h', dailyReconcile: daily, runs: '2' }, clock);
    await new Promise((resolve) => setImmediate(resolve));
    const added = (await new RunStore(ws).list()).filter((r) => !before.has(r.id));
    // A shadow run at once, then the reconciliation (due before the next shadow run, an hour on).
    assert.deepEqual(added.map((r) => r.kind), ['reconcile', 'shadow'], stderr.text());
    const reconcile = added[0]!;
    assert.equal(reconcile.status, 'complete', stderr.text());
    assert.equal(reconcile.results.reconcile?.summary.days, 2, 'the reconciliation compared the days present');
    assert.equal(waits.length, 1);
    assert.equal(new Date(waits[0]!).getHours() * 60 + new Date(waits[0]!).getMinutes(), at.getHours() * 60 + at.getMinutes());
    assert.match(stdout.text(), new RegExp(`reconcile daily at ${daily}[\\s\\S]*next: reconcile at`));
    assert.equal(exitCode, reconcile.verdict?.verdict === 'pass' ? 0 : reconcile.verdict?.verdict === 'fail' ? 1 : 2);
    assert.match(readFileSync(join(ws, 'metrics', 'cutover.prom'), 'utf8'), new RegExp(`kind="reconcile",run_id="${reconcile.id}"`));
  });
});
