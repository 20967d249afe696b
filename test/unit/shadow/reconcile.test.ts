/**
 * `cutover reconcile` with no tables, on a fresh copy of examples/loan-cutover with its dated input generated: V1
 * and V2 run on each of the last N day partitions, and each day's KPI comparison must agree with a `cutover shadow`
 * of that day's partition (the same pipelines, judged by the other code path).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunRecord } from '../../../src/core/runs/record';
import { summarizeRun } from '../../../src/core/runs/summary';
import { runCli } from '../cli';
import { exampleWorkspace, writeFailingV2Config } from './workspace';

const cutover = (cwd: string, ...argv: string[]) => runCli(argv, cwd);
const runIds = (ws: string) => (existsSync(join(ws, '.cutover', 'runs')) ? readdirSync(join(ws, '.cutover', 'runs')).filter((n) => n !== '.lock' && n !== 'index.jsonl').sort() : []);

interface ReconcileJson {
  verdict: string;
  runId: string;
  runDir: string;
  dateColumn: string;
  days: { day: string; kpis: number; failing: number; verdict: string }[];
  summary: { days: number; daysPassing: number; verdict: string };
}

describe('cutover reconcile running the pipelines on each day of the example workspace', function () {
  this.timeout(120_000);
  let ws: string;

  before(() => {
    ws = exampleWorkspace('cutover reconcile ws ', []);
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('compares the last N days, each as a shadow run of that day would', async () => {
    const r = await cutover(ws, 'reconcile', '--days', '3', '--json');
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as ReconcileJson;
    assert.equal(j.dateColumn, 'as_of_date');
    assert.deepEqual(j.days.map((d) => d.day), ['2025-11-29', '2025-11-30', '2025-12-01']);
    assert.equal(j.summary.days, 3);
    // The documented days-past-due boundary change moves delinquency KPIs every day.
    assert.ok(j.days.every((d) => d.verdict === 'fail' && d.failing > 0), JSON.stringify(j.days));

    const record = JSON.parse(readFileSync(join(j.runDir, 'run.json'), 'utf8')) as { kind: string; status: string; commands: { name: string; exitCode: number; log: string }[]; results: { input: { name: string } } };
    assert.equal(record.kind, 'reconcile');
    assert.equal(record.status, 'complete');
    assert.equal(record.results.input.name, 'daily-30d');
    assert.deepEqual(record.commands.map((c) => [c.name, c.exitCode]), [
      ['v1 2025-11-29', 0], ['v2 2025-11-29', 0], ['v1 2025-11-30', 0], ['v2 2025-11-30', 0], ['v1 2025-12-01', 0], ['v2 2025-12-01', 0],
    ]);
    assert.ok(existsSync(join(j.runDir, 'v2', 'as_of_date=2025-12-01', 'kpis.parquet')));
    assert.ok(existsSync(join(j.runDir, record.commands[5]?.log ?? 'none')));

    // Lists read its worst line and the lines that did not pass, each with its day.
    const summary = summarizeRun(RunRecord.parse(record));
    assert.match(summary.worstKpi ?? '', / on 2025-1\d-\d\d$/);
    assert.equal(summary.notPassing.length, j.days.reduce((n, d) => n + d.failing, 0) + summary.notPassing.filter((k) => k.verdict === 'inconclusive').length);
    assert.ok(summary.notPassing.every((k) => j.days.some((d) => d.day === k.day)));
    const listed = JSON.parse((await cutover(ws, 'runs', '--json')).stdout) as { runs: { id: string; worstVariance: number | null }[] };
    assert.equal(typeof listed.runs.find((x) => x.id === j.runId)?.worstVariance, 'number');

    // The same day through `cutover shadow`: the same number of KPIs compared and failing.
    const day = j.days[2]!;
    const s = await cutover(ws, 'shadow', '--input', join(ws, 'data', 'daily-30d', `as_of_date=${day.day}`), '--json');
    const shadow = JSON.parse(s.stdout) as { kpis: { counts: { total: number; fail: number } } };
    assert.deepEqual([day.kpis, day.failing], [shadow.kpis.counts.total, shadow.kpis.counts.fail]);
  });

  it('refuses what it cannot do before any run folder exists, naming the problem', async () => {
    const before = runIds(ws);
    const one = await cutover(ws, 'reconcile', 'v1-only');
    assert.equal(one.code, 3);
    assert.match(one.stderr, /give both KPI tables/);
    const noRecord = await cutover(ws, 'reconcile', '--no-record');
    assert.equal(noRecord.code, 3);
    assert.match(noRecord.stderr, /--no-record applies to two tables/);
    const layout = await cutover(ws, 'reconcile', '--layout', 'wide');
    assert.equal(layout.code, 3);
    assert.match(layout.stderr, /--layout describes a KPI table given on the command line/);
    const undated = readFileSync(join(ws, 'cutover.json'), 'utf8').replace('"dateColumn": "as_of_date",', '');
    writeFileSync(join(ws, 'undated.json'), undated);
    const noDated = await cutover(ws, 'reconcile', '--config', 'undated.json');
    assert.equal(noDated.code, 3);
    assert.match(noDated.stderr, /undated\.json.*no input in cutover\.json has a dateColumn/);
    const flat = await cutover(ws, 'reconcile', '--input', 'sample-10k', '--date-column', 'as_of_date');
    assert.equal(flat.code, 4);
    assert.match(flat.stderr, /sample-10k\.parquet.*expected a folder of as_of_date=<day> partitions/);
    assert.deepEqual(runIds(ws), before);
  });

  it('stops at a failing pipeline, recorded as failed with the day and its log', async () => {
    writeFailingV2Config(ws, 'failing.json');
    const r = await cutover(ws, 'reconcile', '--config', 'failing.json', '--days', '2');
    assert.equal(r.code, 4);
    assert.match(r.stderr, /pipeline v2 on 2025-11-30 exited with 7; its log: .*v2-2025-11-30\.log/);
    const id = runIds(ws).at(-1) as string;
    const record = JSON.parse(readFileSync(join(ws, '.cutover', 'runs', id, 'run.json'), 'utf8')) as { kind: string; status: string; commands: { name: string }[] };
    assert.deepEqual([record.kind, record.status, record.commands.map((c) => c.name)], ['reconcile', 'failed', ['v1 2025-11-30', 'v2 2025-11-30']]);
  });
});
