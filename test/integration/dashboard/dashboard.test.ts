/**
 * The Dashboard in a real extension host, over a written run history (fixture.ts) with no index yet: opening it
 * builds the index and delivers the model after the app's `ready`; a run clicked opens as the Runs view opens it
 * (KPI Diff for a run with KPIs, run.json otherwise); a log line opens the log at that line and a forged one opens
 * nothing; a run in progress, the same run landing and a run folder deleted by hand all show without a click.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunStore } from '../../../src/core/runs/store';
import type { DashboardDebugState } from '../../../src/webviews/dashboard/panel';
import type { WebviewMessage } from '../../../src/webviews/dashboard/protocol';
import type { KpiDiffDebugState } from '../../../src/webviews/kpiDiff/panel';
import { waitFor, workspaceRoot } from '../util';
import { writeHistory } from './fixture';

function debugState(): Thenable<DashboardDebugState> {
  return vscode.commands.executeCommand<DashboardDebugState>('cutover.dashboard.debugState');
}

/** Delivers a message as the app posts it on a click. */
function click(message: WebviewMessage): Thenable<void> {
  return vscode.commands.executeCommand('cutover.test.dashboardMessage', message);
}

function modelWith(what: string, probe: (s: DashboardDebugState) => boolean, timeoutMs = 15_000): Promise<DashboardDebugState> {
  return waitFor(what, async () => {
    const s = await debugState();
    return s.ready && s.model && probe(s) ? s : undefined;
  }, timeoutMs);
}

describe('Dashboard (in the extension host)', function () {
  this.timeout(90_000);
  let root: string;
  let ids: Record<string, string[]>;
  let total: number;

  before(() => {
    root = workspaceRoot().fsPath;
    ids = writeHistory(root);
    total = Object.values(ids).flat().length;
  });

  it('opens with the history from the index it built, posting the model only after the app is ready', async () => {
    assert.equal(fs.existsSync(path.join(root, '.cutover', 'runs', 'index.jsonl')), false);
    await vscode.commands.executeCommand('cutover.openDashboard');
    const s = await modelWith(`a model of ${total} runs`, (m) => m.model?.total === total);
    assert.equal(s.posted[0], 'model');
    assert.ok(fs.existsSync(path.join(root, '.cutover', 'runs', 'index.jsonl')), 'the index was built from the folders');
    assert.deepEqual(s.model!.latest.map((l) => l.kind), ['channels', 'load', 'reconcile', 'rollback', 'shadow', 'soak']);
    assert.equal(s.model!.reconcile?.runId, ids['reconcile']!.at(-1));
    assert.ok(s.model!.logs.some((l) => l.level === 'error' && l.log === 'logs/v2.log' && l.line === 2));
  });

  it('opens a clicked run with KPIs in KPI Diff, and one without as its run.json', async () => {
    const reconcile = ids['reconcile']!.at(-1)!;
    await click({ type: 'openRun', store: 0, id: reconcile });
    await waitFor('KPI Diff to show the clicked run', async () => {
      const k = await vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState');
      return k.open && k.runId === reconcile;
    }, 20_000);
    const rollback = ids['rollback']!.at(-1)!;
    await click({ type: 'openRun', store: 0, id: rollback });
    await waitFor('the rollback run.json in an editor', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath === path.join(root, '.cutover', 'runs', rollback, 'run.json'));
    assert.deepEqual((await debugState()).opened.slice(-2), [reconcile, rollback]);
  });

  it('opens a clicked log line at that line, and nothing for a log the model does not list', async () => {
    const shadow = ids['shadow']!.at(-1)!;
    await click({ type: 'openLog', store: 0, runId: shadow, log: 'logs/v2.log', line: 2 });
    const editor = await waitFor('the log in an editor', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.fsPath.endsWith(path.join(shadow, 'logs', 'v2.log')) ? e : undefined;
    });
    assert.equal(editor.selection.active.line, 1);
    assert.match(editor.document.lineAt(1).text, /^ERROR/);
    await click({ type: 'openLog', store: 0, runId: shadow, log: '../../../cutover.json', line: 1 });
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('v2.log'), 'a path the model does not list opens nothing');
  });

  it('shows a run in progress, then as it lands, and drops a run folder deleted by hand, without a click', async () => {
    await vscode.commands.executeCommand('cutover.openDashboard');
    const run = await new RunStore(root).begin('compare');
    // In progress: a live run of the pipeline status, not yet on the timeline.
    await modelWith('the run in progress', (s) => s.model?.live.some((r) => r.id === run.id && r.outcome === 'running') === true && s.model.total === total, 10_000);
    await run.finish({ verdict: { verdict: 'pass', reasons: ['landed while the Dashboard was open'] } });
    await modelWith('the new run first', (s) => s.model?.runs[0]?.id === run.id && s.model.total === total + 1, 10_000);
    const gone = ids['load']![0]!;
    fs.rmSync(path.join(root, '.cutover', 'runs', gone), { recursive: true });
    await modelWith('the deleted run gone', (s) => s.model?.total === total && !s.model.runs.some((r) => r.id === gone), 10_000);
  });
});
