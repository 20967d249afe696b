/** The Dashboard's view model and timeline, from the run-store index over a written history (no vscode). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultFailLine, defaultPassLine } from '../../../src/core/engine/judge';
import { RunStore } from '../../../src/core/runs/store';
import { filterRuns, minimap, ALL, BUCKETS } from '../../../src/webviews/dashboard/app/timelineModel';
import { levelOf, logLines } from '../../../src/webviews/dashboard/logLines';
import { gatherDashboard } from '../../../src/webviews/dashboard/gather';
import { dashboardModel, recentLogs, type StoreSnapshot } from '../../../src/webviews/dashboard/model';
import { writeHistory, XSS_REASON } from '../../integration/dashboard/fixture';

const NONE = { reconcile: null, logs: [], problems: [] };

describe('runs/index: the Dashboard model', () => {
  let ws: string;
  let ids: Record<string, string[]>;
  let snapshot: StoreSnapshot;
  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'cutover-dashboard-'));
    ids = writeHistory(ws);
    const store = new RunStore(ws);
    snapshot = { root: store.root, entries: await store.index(() => undefined).entries(), running: [] };
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('lists every run newest first, and the latest run of each kind with its count', () => {
    const m = dashboardModel([snapshot], NONE);
    assert.equal(m.total, Object.values(ids).flat().length);
    assert.deepEqual(m.runs.map((r) => r.id), [...m.runs.map((r) => r.id)].sort().reverse());
    const shadow = m.latest.find((l) => l.kind === 'shadow');
    assert.deepEqual([shadow?.run.id, shadow?.runs, shadow?.run.outcome], [ids['shadow']!.at(-1), ids['shadow']!.length, 'fail']);
    assert.equal(m.runs.find((r) => r.id === ids['shadow']![4])?.reason, XSS_REASON);
  });

  it('draws KPI drift against the recorded lines, the drifting KPI first, a missing value as null', () => {
    const m = dashboardModel([snapshot], NONE);
    assert.deepEqual(m.lines, { pass: 0.001, fail: 0.01 });
    assert.equal(m.drift[0]?.kpi, 'dpd30_rate');
    const dpd = m.drift[0]!.points;
    assert.ok(dpd.length > 1 && dpd.every((p, i) => i === 0 || p.at >= dpd[i - 1]!.at), 'oldest first');
    assert.ok(dpd.at(-1)!.variance! > 0.01 && dpd[0]!.variance! < 0.001);
    assert.equal(m.drift.find((d) => d.kpi === 'default_rate')?.points.find((p) => p.variance === null)?.verdict, 'fail');
  });

  it("takes the engine's lines when no run compared KPIs", () => {
    const m = dashboardModel([{ ...snapshot, entries: snapshot.entries.filter((e) => !e.kpis && !e.reconcile) }], NONE);
    assert.deepEqual(m.lines, { pass: defaultPassLine, fail: defaultFailLine });
    assert.deepEqual(m.drift, []);
  });

  it('shows the latest reconciliation, latency and resource trends, and channel health', () => {
    const m = dashboardModel([snapshot], NONE);
    const names = m.trends.map((t) => t.name);
    for (const name of ['v1 latency (shadow)', 'v2 latency (shadow)', '100k rows (load)', 'peak RSS (load)', 'memory slope (soak)']) assert.ok(names.includes(name), name);
    const warehouse = m.channels.find((c) => c.channel === 'warehouse');
    assert.deepEqual([warehouse?.verdict, warehouse?.notPassing, warehouse?.checks], ['fail', 1, ids['channels']!.length]);
    assert.equal(m.channels[0]?.channel, 'warehouse', 'failing channels first');
  });

  it('gathers what the panel posts: the latest reconciliation read from its own run.json, the logs, the model', async () => {
    const m = await gatherDashboard([new RunStore(ws)]);
    assert.equal(m.total, Object.values(ids).flat().length);
    assert.equal(m.reconcile?.runId, ids['reconcile']!.at(-1));
    assert.deepEqual([m.reconcile?.days.length, m.reconcile?.passLine, m.reconcile?.failLine], [10, 0.001, 0.01]);
    assert.ok(m.logs.length > 0);
    assert.deepEqual(m.problems, []);
  });

  it('finds the error and warning lines of the latest logs with their line numbers', async () => {
    const recent = recentLogs([snapshot], 1).map((r) => ({ ...r, root: snapshot.root }));
    const lines = await logLines(recent);
    assert.deepEqual(lines.map((l) => [l.runId, l.log, l.line, l.level]), [
      [ids['shadow']!.at(-1), 'logs/v1.log', 3, 'warning'],
      [ids['shadow']!.at(-1), 'logs/v2.log', 2, 'error'],
    ]);
    assert.equal(levelOf('10000 loans'), undefined);
    assert.equal(levelOf('Traceback (most recent call last):'), 'error');
  });

  it('filters the timeline and buckets it into a minimap with the worst outcome per cell', () => {
    const m = dashboardModel([snapshot], NONE);
    assert.equal(filterRuns(m.runs, { kind: 'reconcile', outcome: ALL, text: '' }).length, ids['reconcile']!.length);
    assert.equal(filterRuns(m.runs, { kind: ALL, outcome: ALL, text: 'ONERROR' }).length, 1);
    const map = minimap(m.runs, m.kinds);
    assert.deepEqual(map.lanes, m.kinds);
    assert.equal(map.cells.reduce((n, c) => n + c.count, 0), m.total);
    assert.ok(map.cells.every((c) => c.bucket >= 0 && c.bucket < BUCKETS));
    const last = map.cells.filter((c) => map.lanes[c.lane] === 'shadow').sort((a, b) => b.bucket - a.bucket)[0]!;
    assert.equal(last.worst, 'fail');
    const inRange = filterRuns(m.runs, { kind: ALL, outcome: ALL, text: '', range: { from: last.from, to: last.to } });
    assert.ok(inRange.some((r) => r.id === ids['shadow']!.at(-1)));
  });
});
