/**
 * The KPI Diff panel in a real extension host, on the example workspace with a real shadow run (10k loans; V2
 * counts dpd = 30/60/90 into the buckets, so delinquency KPIs fail): placement beside the V2 configuration file,
 * the ready handshake and the run it delivers, Accept Discrepancy… through to `cutover gate`.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/core/runs/record';
import { RunStore } from '../../../src/core/runs/store';
import type { Review } from '../../../src/core/reviews/store';
import type { KpiPlaces } from '../../../src/commands/kpiDiff';
import type { KpiDiffDebugState } from '../../../src/webviews/kpiDiff/panel';
import { cutoverApi, EXTENSION_ID, waitFor, workspaceRoot } from '../util';
import { fixtureRun, RECONCILE_SHIFTS, reconcileRun, shadowRun, XSS } from './fixture';

const CLI = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');

function debugState(): Thenable<KpiDiffDebugState> {
  return vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState');
}

/** Waits until the app said ready and the host posted `load` for `runId`. */
function loaded(runId: string): Promise<KpiDiffDebugState> {
  return waitFor(`the panel to load run ${runId}`, async () => {
    const s = await debugState();
    return s.ready && s.lastLoad?.run.id === runId && s.posted.includes('load') ? s : undefined;
  }, 20_000);
}

describe('KPI Diff panel (in the extension host)', function () {
  this.timeout(120_000);
  let root: string;
  let store: RunStore;
  let record: RunRecord;
  let v2Config: string;

  before(async function () {
    root = workspaceRoot().fsPath;
    store = new RunStore(root);
    record = await store.read(shadowRun(CLI, root));
    v2Config = path.join(root, 'pipelines', 'v2', 'pipeline.config.json');
  });

  beforeEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens beside the V2 configuration file, opening it first in column one', async function () {
    await vscode.commands.executeCommand('cutover.openKpiDiff');
    const state = await loaded(record.id);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === v2Config);
    assert.ok(editor, 'the V2 configuration file is visible');
    assert.equal(editor.viewColumn, vscode.ViewColumn.One);
    assert.equal(state.viewColumn, vscode.ViewColumn.Two);
    assert.equal(state.open, true);
  });

  it('goes to the column right of the V2 configuration file where that already is', async function () {
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(root, 'cutover.json')), { viewColumn: vscode.ViewColumn.One });
    await vscode.window.showTextDocument(vscode.Uri.file(v2Config), { viewColumn: vscode.ViewColumn.Two });
    await vscode.commands.executeCommand('cutover.openKpiDiff', record.id);
    const state = await loaded(record.id);
    assert.equal(state.viewColumn, vscode.ViewColumn.Three);
  });

  it('posts nothing before ready, then delivers the run as its record says, failing KPIs first', async function () {
    await vscode.commands.executeCommand('cutover.openKpiDiff', { store, record });
    const state = await loaded(record.id);
    assert.equal(state.posted[0], 'load', 'the first message posted is the load that answers ready');
    const run = state.lastLoad!.run;
    // Counted from the record itself, not from the panel's model.
    const kpis = (record.results['kpis'] as { kpis: { verdict: string }[] }).kpis;
    const count = (v: string): number => kpis.filter((k) => k.verdict === v).length;
    assert.deepEqual([run.counts.fail, run.counts.inconclusive, run.counts.pass, run.kpis.length],
      [count('fail'), count('inconclusive'), count('pass'), kpis.length]);
    assert.ok(count('fail') > 0, 'the example run has failing KPIs');
    assert.equal(run.verdict, 'fail');
    assert.deepEqual(run.kpis.slice(0, count('fail')).map((k) => k.verdict), Array(count('fail')).fill('fail'));
    assert.equal(run.input?.name, 'sample-10k');
    assert.deepEqual(state.lastLoad!.state, { runId: record.id, workspaceRoot: root });
    assert.equal(run.rows?.mismatchRows, (record.results['rows'] as { mismatches: { rows: number } }).mismatches.rows);
    assert.equal(state.lastLoad!.reconcile, null, 'no reconcile run yet: the panel says how to make one');
  });

  it('delivers the days of the latest reconcile run, made by the real CLI, with its pass and fail lines', async function () {
    // Any run's panel shows the workspace's reconciliation: open the shadow run, as a reviewer would.
    await vscode.commands.executeCommand('cutover.openKpiDiff', { store, record });
    await loaded(record.id);
    const id = await reconcileRun(CLI, root);
    try {
      // Recorded while the panel is open: it is told without reopening (the store events poll when the watcher
      // misses the run folder's rename).
      const live = await waitFor('the panel to be sent the reconcile run', async () => {
        const s = await debugState();
        return s.posted.includes('reconcile') && s.reconcile?.runId === id ? s : undefined;
      }, 20_000);
      assert.equal(live.reconcile?.days.length, RECONCILE_SHIFTS.length);
      // And a panel opened afterwards gets it with the run.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('cutover.openKpiDiff', { store, record });
      const state = await loaded(record.id);
      const view = state.lastLoad!.reconcile;
      assert.ok(view, 'the load message carries the reconcile run');
      // Compared with the record the CLI wrote, not with the panel's model.
      const onDisk = (await store.read(id)).results['reconcile'] as { days: { day: string; verdict: string; worstRelVariance: number | null }[]; summary: { daysPassing: number } };
      assert.equal(view.runId, id);
      assert.equal(view.dateColumn, 'as_of_date');
      assert.deepEqual([view.passLine, view.failLine], [0.001, 0.01]);
      assert.deepEqual(view.days.map((d) => [d.day, d.verdict, d.worstRelVariance]), onDisk.days.map((d) => [d.day, d.verdict, d.worstRelVariance]));
      assert.equal(view.days.length, RECONCILE_SHIFTS.length);
      assert.deepEqual(view.days.map((d) => d.verdict), ['pass', 'pass', 'pass', 'inconclusive', 'pass', 'fail', 'pass', 'pass', 'pass', 'fail']);
      assert.equal(view.days[9]!.worstRelVariance, null, 'V2 lacks the last day');
      assert.equal(view.summary.daysPassing, onDisk.summary.daysPassing);
      assert.deepEqual([view.summary.days, view.summary.daysPassing, view.summary.worstDay], [10, 7, '2025-11-10']);
      // The reconcile run's own panel: its days in the chart, its not-passing lines in the table, each with its day.
      await vscode.commands.executeCommand('cutover.openKpiDiff', id);
      const own = await loaded(id);
      assert.equal(own.lastLoad!.reconcile?.runId, id);
      const lines = own.lastLoad!.run.kpis;
      assert.ok(lines.length > 0 && lines.every((k) => k.verdict !== 'pass' && typeof k.day === 'string'), JSON.stringify(lines.slice(0, 3)));
      assert.ok(lines.some((k) => k.day === '2025-11-10' && k.kpi === 'dq30' && k.segment === 'total'));
      assert.equal(own.lastLoad!.run.counts.fail, lines.filter((k) => k.verdict === 'fail').length);
    } finally {
      // The shadow run stays the one the Runs view and later checks look at.
      await store.delete(id);
      (await cutoverApi()).runs.refresh();
    }
  });

  it('delivers hostile KPI and segment names verbatim (the app renders them as text)', async function () {
    const id = await fixtureRun(root, record.id);
    await vscode.commands.executeCommand('cutover.openKpiDiff', id);
    const state = await loaded(id);
    assert.ok(state.lastLoad!.run.kpis.some((k) => k.kpi === XSS && k.segment === XSS));
    // The real run is the latest again for the checks that follow.
    await store.delete(id);
    (await cutoverApi()).runs.refresh();
  });

  it('focuses a KPI given by a Runs view node', async function () {
    const kpi = { segment: 'total', kpi: 'dq30', relVariance: 0, verdict: 'fail', reason: '' };
    await vscode.commands.executeCommand('cutover.openKpiDiff', { kind: 'kpi', store, record, kpi });
    const state = await loaded(record.id);
    assert.deepEqual(state.lastLoad!.focus, { segment: 'total', kpi: 'dq30' });
  });

  it('Accept Discrepancy… writes .cutover/reviews.json, shows it in the panel, and cutover gate reports it as accepted', async function () {
    await vscode.commands.executeCommand('cutover.openKpiDiff', { store, record });
    await loaded(record.id);
    const line = (record.results['kpis'] as { kpis: { segment: string; kpi: string; v1: number; v2: number; verdict: string }[] }).kpis
      .find((k) => k.segment === 'total' && k.kpi === 'dq30')!;
    assert.equal(line.verdict, 'fail');
    const before = (await debugState()).posted.length;
    const review = await vscode.commands.executeCommand<Review>('cutover.acceptDiscrepancy', {
      store, record, key: { segment: 'total', kpi: 'dq30' }, reason: 'V2 counts dpd = 30 as past due, per credit policy 4.2',
    });
    assert.ok(review, 'the command returned the review');

    const file = path.join(root, '.cutover', 'reviews.json');
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; reviews: Review[] };
    assert.equal(onDisk.reviews.length, 1);
    const saved = onDisk.reviews[0]!;
    assert.deepEqual([saved.runId, saved.segment, saved.kpi, saved.v1, saved.v2, saved.reason],
      [record.id, 'total', 'dq30', line.v1, line.v2, 'V2 counts dpd = 30 as past due, per credit policy 4.2']);
    assert.ok(saved.who.length > 0 && !Number.isNaN(Date.parse(saved.when)));

    const after = await debugState();
    assert.ok(after.posted.slice(before).includes('accepted'), `the panel was told: ${after.posted.slice(before).join(', ')}`);

    const gate = spawnSync(process.execPath, [CLI, 'gate', record.id, '--json'], { cwd: root, encoding: 'utf8' });
    const result = JSON.parse(gate.stdout) as { accepted: Review[]; criteria: { name: string; reason: string }[] };
    assert.deepEqual(result.accepted.map((r) => [r.segment, r.kpi, r.reason]), [['total', 'dq30', saved.reason]]);
    const kpiVariance = result.criteria.find((c) => c.name === 'kpiVariance')!;
    assert.match(kpiVariance.reason, /1 accepted discrepancy left out/);
    assert.equal(gate.status, 1, 'other KPIs still fail: no-go');
  });

  it('shows a CodeLens above each KPI name in the V2 configuration file that opens the panel at it', async function () {
    const uri = vscode.Uri.file(v2Config);
    await vscode.window.showTextDocument(uri);
    const lenses = await waitFor('code lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return found && found.some((l) => l.command?.title.startsWith('dq30 ')) ? found : undefined;
    }, 15_000);
    const dq30 = lenses.find((l) => l.command?.title.startsWith('dq30 '))!;
    const total = (record.results['kpis'] as { kpis: { segment: string; kpi: string; v1: number; v2: number }[] }).kpis
      .find((k) => k.segment === 'total' && k.kpi === 'dq30')!;
    const change = ((total.v2 - total.v1) / Math.abs(total.v1)) * 100;
    assert.match(dq30.command!.title, new RegExp(`^dq30 · V2 \\+${change.toFixed(2).replace('.', '\\.')}% ✗ fail \\(> 1\\.00%\\)`));
    const text = fs.readFileSync(v2Config, 'utf8');
    assert.equal(dq30.range.start.line, text.slice(0, text.indexOf('"dq30"')).split('\n').length - 1);
    await vscode.commands.executeCommand(dq30.command!.command, ...(dq30.command!.arguments ?? []));
    const state = await loaded(record.id);
    assert.deepEqual(state.lastLoad!.focus, { segment: 'total', kpi: 'dq30' });
  });

  it('with cutover.kpiDiff.codeLens off, the KPI lenses go, and they come back when it is on again', async function () {
    const uri = vscode.Uri.file(v2Config);
    await vscode.window.showTextDocument(uri);
    const kpiLenses = async (): Promise<number> =>
      ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).filter((l) => / · V2 /.test(l.command?.title ?? '')).length;
    assert.ok(await kpiLenses() > 0, 'lenses before the setting changes');
    const settings = vscode.workspace.getConfiguration('cutover.kpiDiff');
    await settings.update('codeLens', false, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('the KPI lenses to go', async () => await kpiLenses() === 0, 15_000);
    } finally {
      await settings.update('codeLens', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the KPI lenses to come back', async () => await kpiLenses() > 0, 15_000);
  });

  it('Reveal KPI opens V1 and V2 at the KPI in columns one and two, the panel beside them, and finds its cutover.json definition', async function () {
    await vscode.commands.executeCommand('cutover.openKpiDiff', { store, record });
    await loaded(record.id);
    const places = await vscode.commands.executeCommand<KpiPlaces>('cutover.revealKpi', { store, record, key: { segment: 'total', kpi: 'dq30' } });
    const v1Config = path.join(root, 'pipelines', 'v1', 'pipeline.config.json');
    assert.equal(places.v1?.uri.fsPath, v1Config);
    assert.equal(places.v2?.uri.fsPath, v2Config);
    const cutoverJson = path.join(root, 'cutover.json');
    assert.equal(places.definition?.uri.fsPath, cutoverJson);
    const defText = fs.readFileSync(cutoverJson, 'utf8').split('\n')[places.definition!.range.start.line]!;
    assert.match(defText, /"name": "dq30", "sql": "sum\(balance\) FILTER \(WHERE dpd >= 30\)/);
    assert.equal(defText.slice(places.definition!.range.start.character, places.definition!.range.end.character), 'dq30');

    const editorIn = (column: vscode.ViewColumn): vscode.TextEditor | undefined =>
      vscode.window.visibleTextEditors.find((e) => e.viewColumn === column && e.document.uri.scheme === 'file');
    const [one, two] = await waitFor('V1 and V2 in columns one and two', () => {
      const a = editorIn(vscode.ViewColumn.One);
      const b = editorIn(vscode.ViewColumn.Two);
      return a?.document.uri.fsPath === v1Config && b?.document.uri.fsPath === v2Config ? [a, b] as const : undefined;
    });
    assert.equal(one.document.getText(one.selection), 'dq30', `V1 selection ${JSON.stringify(one.selection)}`);
    // In V2 the cursor is at the KPI, where the peek of cutover.json's definition opens.
    assert.deepEqual(two.selection.active, places.v2!.range.start, `V2 cursor ${JSON.stringify(two.selection)}`);
    assert.equal(two.document.getText(places.v2!.range), 'dq30');
    const state = await waitFor('the panel in column three', async () => {
      const s = await debugState();
      return s.viewColumn === vscode.ViewColumn.Three ? s : undefined;
    });
    assert.equal(state.open, true);

    // Composites are definitions too; a name found nowhere gives no place (and a message).
    const other = await vscode.commands.executeCommand<KpiPlaces>('cutover.revealKpi', { store, record, key: { segment: 'total', kpi: 'dq30_59' } });
    assert.equal(other.definition?.uri.fsPath, cutoverJson, 'composites count as definitions');
    const none = await vscode.commands.executeCommand<KpiPlaces>('cutover.revealKpi', { store, record, key: { segment: 'total', kpi: 'no_such_kpi' } });
    assert.deepEqual([none.v1, none.v2, none.definition], [undefined, undefined, undefined]);
  });

  it('Diff V1 and V2 Configuration opens the two pipelines\' configuration files side by side', async function () {
    await vscode.commands.executeCommand('cutover.diffConfigs', { store, record });
    const tab = await waitFor('a diff tab', () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff
      ? vscode.window.tabGroups.activeTabGroup.activeTab.input as vscode.TabInputTextDiff : undefined);
    assert.equal(tab.original.fsPath, path.join(root, 'pipelines', 'v1', 'pipeline.config.json'));
    assert.equal(tab.modified.fsPath, v2Config);
  });
});
