/**
 * Start Load Test… and Start Soak… on the example workspace: each launches its CLI in a terminal (like every CLI
 * launch), the run's record decides the outcome, and the Runs view shows the run with its figures: in the
 * description while it runs and after, in a table on hover; a click on the row, or the notification's Open Results,
 * opens its results. Cancel Run stops a soak: status stopped, iterations kept, a notification without a verdict's
 * actions.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import type { RunNode } from '../../../src/views/runsTree';
import type { Notification } from '../../../src/shared/notify';
import type { KpiDiffDebugState } from '../../../src/webviews/kpiDiff/panel';
import { cutoverApi, waitFor } from '../util';

const exitOf = { pass: 0, fail: 1, inconclusive: 2 } as Record<string, number>;

/** Clicks the run's row in the Runs view (its TreeItem.command) and waits for what the per-run panel was sent. */
async function openResults(node: RunNode): Promise<NonNullable<KpiDiffDebugState['lastLoad']>> {
  const click = (await cutoverApi()).runs.getTreeItem(node).command;
  assert.equal(click?.command, 'cutover.openKpiDiff', 'a click on a load or soak run opens its results');
  await vscode.commands.executeCommand(click.command, ...(click.arguments ?? []));
  return waitFor('the panel loaded the run', async () => {
    const s = await vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState');
    return s.ready && s.lastLoad?.run.id === (node.kind === 'run' ? node.record.id : undefined) && s.lastLoad;
  }, 30_000);
}

/** The notification a launch's outcome raised (announced after the launch returns): the last one whose text matches. */
function notification(text: RegExp): Promise<Notification> {
  return waitFor(`a notification ${text}`, async () => {
    const shown = await vscode.commands.executeCommand<Notification | undefined>('cutover.test.lastNotification');
    return shown && text.test(shown.message) && shown;
  }, 10_000);
}

const tabOf = (label: string): boolean => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === label));

async function runNode(id: string): Promise<RunNode> {
  const api = await cutoverApi();
  const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.id === id);
  assert.ok(node, `run ${id} is listed`);
  return node;
}

describe('Load test and soak (in the extension host)', function () {
  this.timeout(180_000);

  it('runs a load test with 2 copies at once in a terminal and shows its figures in the Runs view', async function () {
    const terminals = vscode.window.terminals.length;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The outcome's notification is answered with Open Results, as a person would click it.
    await vscode.commands.executeCommand('cutover.test.answerNotifications', 'Open Results');
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startLoadTest', { sizes: '10k', pipelines: 'v2', parallel: 2 }))!;
    assert.ok(vscode.window.terminals.length > terminals, 'the CLI ran in a new terminal');
    const record = outcome.run?.record;
    assert.equal(record?.kind, 'load');
    assert.equal(outcome.exitCode, exitOf[record?.verdict?.verdict ?? 'error'], record?.verdict?.reasons.join('\n'));
    const load = record?.results.load;
    assert.deepEqual(load?.measurements.map((m) => `${m.pipeline} ${m.size} ${m.copy}`).sort(), ['v2 10k 0', 'v2 10k 1', 'v2 10k 2']);
    assert.equal(load?.summary.corruptionEvents, 0);
    assert.ok((load?.measurements[0]?.peakRssBytes ?? 0) > 10 * 2 ** 20, 'the pipeline tree was sampled');

    const tab = `Load Test · ${record!.id.slice(0, 15)}`;
    const notice = await notification(/^Cutover: load run /);
    assert.deepEqual(notice.actions, ['Open Results', 'Open Run', 'Show Log'], 'a load run offers its results, no KPI Diff or go/no-go');
    await waitFor('Open Results to open the run\'s results', () => tabOf(tab), 30_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    const api = await cutoverApi();
    const item = api.runs.getTreeItem(await runNode(record!.id));
    assert.match(String(item.label), /^load · (PASS|FAIL|INCONCLUSIVE)$/);
    assert.match(String(item.description), /CPU ≤ \d+% · 0 corrupt/);
    const hover = (item.tooltip as vscode.MarkdownString).value;
    assert.match(hover, /pipeline +exit +wall +rows\/s +peak RSS/);
    assert.match(hover, /v2 10k #2 +ok +[\d.]+ s/);

    // A click on its row: the panel renders a load run as its figures.
    const shown = (await openResults(await runNode(record!.id))).run;
    assert.equal(shown.kind, 'load');
    assert.deepEqual(shown.performance?.load?.latency.map((s) => [s.pipeline, s.points.map((p) => p.size)]), [['v2', ['10k']]]);
    assert.equal(shown.performance?.load?.measurements.length, 3);
    assert.deepEqual(shown.performance?.load?.corruption, []);
    assert.equal(shown.performance?.soak, null);
    assert.ok(tabOf(tab), 'the tab names a load test');
  });

  it('soaks V2 for a few seconds: every run recorded, too few to call memory stable', async function () {
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startSoak', { duration: '4s', interval: '1s', pipelines: 'v2' }))!;
    const record = outcome.run?.record;
    assert.equal(record?.kind, 'soak');
    assert.equal(outcome.exitCode, 2, record?.verdict?.reasons.join('\n'));
    assert.ok((record?.results.soak?.iterations.length ?? 0) >= 2);
    assert.match(record?.verdict?.reasons.join('\n') ?? '', /v2: \d+ measured iteration\(s\), 20 needed to call memory stable/);
    const item = (await cutoverApi()).runs.getTreeItem(await runNode(record!.id));
    assert.match(String(item.description), /iteration \d+ · [\d.]+\/0 min/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /#1 v2 ok · [\d.]+ s · peak \d+ MB/);
  });

  it('shows a soak live in the Runs view and stops it on Cancel Run, its iterations kept', async function () {
    const api = await cutoverApi();
    const launched = vscode.commands.executeCommand<LaunchOutcome>('cutover.startSoak', { duration: '10m', interval: '0.5s', pipelines: 'v2' });
    const live = await waitFor('a running soak with two iterations in the Runs view', async () => {
      const nodes = await api.runs.getChildren();
      return nodes.find((n) => n.kind === 'run' && n.record.kind === 'soak' && n.record.status === 'running' && (n.record.results.soak?.iterations.length ?? 0) >= 2);
    }, 60_000);
    assert.match(String(api.runs.getTreeItem(live).description), /iteration \d+/);
    // Opened while it runs, its results grow in the panel as iterations land.
    const first = await openResults(live);
    assert.equal(first.run.status, 'running');
    const seen = first.run.performance?.soak?.iterations.length ?? 0;
    await waitFor('the panel to show a later iteration', async () => {
      const s = await vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState');
      return (s.lastLoad?.run.performance?.soak?.iterations.length ?? 0) > seen;
    }, 30_000);
    await vscode.commands.executeCommand('cutover.cancelRun');
    const outcome = (await launched)!;
    const record = outcome.run?.record;
    assert.equal(record?.id, live.record.id);
    assert.equal(record?.status, 'stopped');
    assert.equal(record?.verdict, undefined, 'a stopped run has no verdict');
    assert.ok((record?.results.soak?.iterations.length ?? 0) >= 2);
    const item = api.runs.getTreeItem(await runNode(record!.id));
    assert.equal(item.label, 'soak · STOPPED');
    assert.match((item.tooltip as vscode.MarkdownString).value, /stopped by SIGTERM \(Cancel\) after/);
    // Stopped: a warning with the figures it kept to open, and no verdict's actions.
    const notice = await notification(/^Cutover: soak run STOPPED/);
    assert.equal(notice.severity, 'warning');
    assert.match(notice.message, /^Cutover: soak run STOPPED · stopped by SIGTERM \(Cancel\) after/);
    assert.deepEqual(notice.actions, ['Open Results', 'Open Run', 'Show Log']);
    // The open panel follows the run to where it landed, stopped, with the figures it kept.
    const shown = await waitFor('the panel to show the run stopped', async () => {
      const s = await vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState');
      return s.lastLoad?.run.id === record!.id && s.lastLoad.run.status === 'stopped' && s.lastLoad.run;
    }, 30_000);
    assert.equal(shown.status, 'stopped');
    assert.equal(shown.verdict, 'stopped');
    assert.equal(shown.performance?.soak?.iterations.length, record?.results.soak?.iterations.length);
    assert.deepEqual(shown.performance?.soak?.memory.map((m) => m.pipeline), ['v2']);
    assert.ok((shown.performance?.soak?.cpu[0]?.points.length ?? 0) >= 2);
  });
});
