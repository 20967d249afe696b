/**
 * Validate Output Channels from VS Code on the example workspace: the command launches `cutover channels validate`
 * in a terminal (like every CLI launch), the channels run's record decides the outcome, and the Runs view lists
 * each channel under the run with its verdict as the icon and its reasons on hover. The channels here are local
 * Parquet files (Azure and PostgreSQL deliveries are covered against real backends by test/unit/channels/); Publish
 * Run… publishes to a folder target.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import type { KpiDiffDebugState } from '../../../src/webviews/kpiDiff/panel';
import { cutoverApi, waitFor, workspaceRoot } from '../util';

/** The KPI Diff panel once it has loaded `runId` (read through the test hook). */
function kpiDiffLoaded(runId: string): Promise<KpiDiffDebugState> {
  return waitFor(`the KPI Diff panel to load run ${runId}`, async () => {
    const s = await vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState');
    return s.ready && s.lastLoad?.run.id === runId ? s : undefined;
  }, 20_000);
}

describe('Output channels (in the extension host)', function () {
  this.timeout(120_000);
  let configFile: string;
  let original: string;

  before(() => {
    configFile = path.join(workspaceRoot().fsPath, 'cutover.json');
    original = fs.readFileSync(configFile, 'utf8');
    const channels = {
      'loans-export': { type: 'parquet', output: 'loans', path: 'handoff/loans.parquet' },
      'kpis-export': { type: 'parquet', output: 'kpis', path: 'handoff/kpis.parquet' },
    };
    const format = { formattingOptions: { insertSpaces: true, tabSize: 2 } };
    const withChannels = applyEdits(original, modify(original, ['channels'], channels, format));
    fs.writeFileSync(configFile, applyEdits(withChannels, modify(withChannels, ['publish'], { files: { type: 'folder', path: 'published' } }, format)));
  });
  after(() => fs.writeFileSync(configFile, original));

  let shadow: LaunchOutcome;
  let validation: LaunchOutcome;

  it('validates a shadow run\'s deliveries in a terminal and shows each channel\'s verdict in the Runs view', async function () {
    shadow = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startShadowRun', { input: 'sample-10k', noise: false }))!;
    assert.ok(shadow.run, 'the shadow run was recorded');
    // The pipeline delivered its loans; the KPI export never arrived.
    const delivery = path.join(workspaceRoot().fsPath, 'handoff');
    fs.mkdirSync(delivery, { recursive: true });
    fs.copyFileSync(path.join(shadow.run.store.runDir(shadow.run.record.id), 'v2', 'loans.parquet'), path.join(delivery, 'loans.parquet'));

    const terminals = vscode.window.terminals.length;
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.validateChannels', shadow.run))!;
    assert.ok(vscode.window.terminals.length > terminals, 'the CLI ran in a new terminal');
    assert.equal(outcome.exitCode, 1, 'a missing delivery fails');
    assert.equal(outcome.run?.record.kind, 'channels');
    assert.deepEqual(outcome.run?.record.results.channels?.channels.map((c) => [c.channel, c.verdict]), [['loans-export', 'pass'], ['kpis-export', 'fail']]);
    assert.equal(outcome.run?.record.results.channels?.run, shadow.run.record.id);
    validation = outcome;

    const api = await cutoverApi();
    const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.id === outcome.run!.record.id);
    assert.ok(node, 'the channels run is listed');
    assert.equal(api.runs.getTreeItem(node).label, 'channels · FAIL');
    const channels = (await api.runs.getChildren(node)).filter((c) => c.kind === 'channel');
    const items = channels.map((c) => api.runs.getTreeItem(c));
    assert.deepEqual(items.map((i) => i.label), ['loans-export · v2', 'kpis-export · v2']);
    assert.deepEqual(items.map((i) => (i.iconPath as vscode.ThemeIcon).id), ['pass-filled', 'error']);
    assert.match(String(items[0]?.description), /^pass · parquet · 10000 of 10000 rows$/);
    const hover = (items[1]?.tooltip as vscode.MarkdownString).value;
    assert.match(hover, /kpis-export.*fail/);
    assert.match(hover, /exists: nothing delivered: nothing at .*handoff[\\/]kpis\.parquet/);

    // On a run that is not a shadow run (here the channels run itself) it launches nothing.
    const before = vscode.window.terminals.length;
    assert.equal(await vscode.commands.executeCommand('cutover.validateChannels', outcome.run), undefined);
    assert.equal(vscode.window.terminals.length, before);
  });

  it('shows the channel results in the KPI Diff: the shadow run\'s validations, and a channels run\'s own verdicts', async function () {
    assert.ok(shadow.run && validation.run, 'the runs of the test before');
    await vscode.commands.executeCommand('cutover.openKpiDiff', shadow.run);
    const ofShadow = await kpiDiffLoaded(shadow.run.record.id);
    assert.deepEqual(ofShadow.lastLoad?.channels.map((v) => [v.runId, v.validated, v.verdict]), [[validation.run.record.id, shadow.run.record.id, 'fail']]);
    assert.deepEqual(ofShadow.lastLoad?.channels[0]?.channels.map((c) => [c.channel, c.verdict]), [['loans-export', 'pass'], ['kpis-export', 'fail']]);

    // A second validation while the panel is open reaches it, newest first (the KPI export has arrived by now).
    fs.copyFileSync(path.join(shadow.run.store.runDir(shadow.run.record.id), 'v2', 'kpis.parquet'), path.join(workspaceRoot().fsPath, 'handoff', 'kpis.parquet'));
    const again = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.validateChannels', shadow.run))!;
    assert.equal(again.exitCode, 0, 'both deliveries are there now');
    const updated = await waitFor('the panel to get the second validation', async () => {
      const s = await vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState');
      return s.channels.length === 2 ? s : undefined;
    }, 20_000);
    assert.ok(updated.posted.includes('channels'), 'sent as a channels message, without reloading the run');
    assert.deepEqual(updated.channels.map((v) => [v.runId, v.verdict]), [[again.run!.record.id, 'pass'], [validation.run.record.id, 'fail']]);

    // A channels run's panel shows its own per-channel verdicts with the reasons.
    await vscode.commands.executeCommand('cutover.openKpiDiff', validation.run);
    const own = await kpiDiffLoaded(validation.run.record.id);
    assert.deepEqual(own.lastLoad?.channels.map((v) => [v.runId, v.validated]), [[validation.run.record.id, shadow.run.record.id]]);
    assert.match(own.lastLoad?.channels[0]?.channels[1]?.reasons.join('\n') ?? '', /exists: nothing delivered: nothing at .*kpis\.parquet/);
  });

  it('publishes a run\'s evidence from VS Code to a target of cutover.json, in a terminal', async function () {
    assert.ok(shadow.run, 'the shadow run of the test before');
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.publishRun', shadow.run, ['files']))!;
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.run?.record.kind, 'publish');
    const copy = path.join(workspaceRoot().fsPath, 'published', shadow.run.record.id);
    const manifest = JSON.parse(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8')) as { runId: string; files: { name: string }[] };
    assert.equal(manifest.runId, shadow.run.record.id);
    assert.deepEqual(manifest.files.map((f) => f.name), ['run.json', 'kpis.parquet', 'mismatches.parquet', 'gonogo.json']);
  });
});
