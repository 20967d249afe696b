/**
 * Shadow runs and comparisons launched from VS Code on the example workspace (10k loans generated into the copy):
 * the CLI runs in a real integrated terminal, the run record decides the outcome, the Runs view shows it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import type { GateResult } from '../../../src/core/gate/evaluate';
import { cutoverApi, workspaceRoot } from '../util';

describe('Runs (in the extension host)', function () {
  this.timeout(120_000);
  let shadow: LaunchOutcome;

  before(async function () {
    const terminals = vscode.window.terminals.length;
    shadow = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startShadowRun', { input: 'sample-10k', noise: false }))!;
    assert.ok(vscode.window.terminals.length >= terminals, 'the run had a terminal');
  });

  it('Start Shadow Run runs both pipelines in a terminal and exits as the data says', async function () {
    // The example's V2 counts dpd = 30/60/90 into the buckets (documented in its README): the KPIs move > 1%.
    assert.equal(shadow.exitCode, 1);
    assert.ok(shadow.run, 'a run record was found for the run');
    assert.equal(shadow.run.record.kind, 'shadow');
    assert.equal(shadow.run.record.status, 'complete');
    assert.equal(shadow.run.record.verdict?.verdict, 'fail');
    assert.deepEqual(shadow.run.record.commands.map((c) => [c.name, c.exitCode]).sort(), [['v1', 0], ['v2', 0]]);
  });

  it('shows the run in the Runs view with the verdict of its record', async function () {
    const api = await cutoverApi();
    const roots = await api.runs.getChildren();
    const node = roots.find((n) => n.kind === 'run' && n.record.id === shadow.run!.record.id);
    assert.ok(node, 'the run is listed');
    const item = api.runs.getTreeItem(node);
    assert.equal(item.label, 'shadow · FAIL');
    assert.match(String(item.description), /^worst [\d,.]+%/);
    const children = await api.runs.getChildren(node);
    assert.ok(children.some((c) => c.kind === 'kpi' && c.kpi.kpi === 'dq30'), 'failing KPIs are listed under the run');
    assert.ok(children.some((c) => c.kind === 'file' && c.uri.path.endsWith('/run.json')));
  });

  it('evaluates go/no-go from the run record: each criterion with value and threshold', async function () {
    const gate = (await vscode.commands.executeCommand<GateResult>('cutover.evaluateGate', shadow.run))!;
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(gate.verdict, 'no-go');
    const byName = Object.fromEntries(gate.criteria.map((c) => [c.name, c]));
    assert.equal(byName['kpiVariance']?.verdict, 'fail');
    assert.equal(byName['kpiVariance']?.threshold, 0.01);
    assert.equal(byName['errorRate']?.verdict, 'pass');
    assert.equal(byName['latency']?.verdict, 'pass');
  });

  it('passes a file name with spaces, quotes and $ to the CLI intact', async function () {
    const runDir = shadow.run!.store.runDir(shadow.run!.record.id);
    const odd = path.join(workspaceRoot().fsPath, `it's a "v1" $HOME out.parquet`);
    fs.copyFileSync(path.join(runDir, 'v1', 'loans.parquet'), odd);
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.compareOutputs', {
      v1: odd, v2: path.join(runDir, 'v2', 'loans.parquet'), keys: 'loan_id',
    }))!;
    assert.ok(outcome.run, 'the compare run was recorded');
    assert.ok(outcome.run.record.argv?.includes(odd), `argv ${JSON.stringify(outcome.run.record.argv)} holds the exact path`);
    assert.ok(outcome.exitCode === 1 || outcome.exitCode === 0 || outcome.exitCode === 2, `a verdict exit code, got ${outcome.exitCode}`);
  });

  it('Start Day-by-Day Reconciliation runs V1 and V2 on each day in a terminal and lists the reconcile run', async function () {
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startReconcile', { input: 'daily-30d', days: 2 }))!;
    // The example's dpd boundary change moves delinquency KPIs on every day.
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.run?.record.kind, 'reconcile');
    assert.equal(outcome.run?.record.status, 'complete');
    assert.deepEqual(outcome.run?.record.commands.map((c) => [c.name, c.exitCode]), [
      ['v1 2025-11-30', 0], ['v2 2025-11-30', 0], ['v1 2025-12-01', 0], ['v2 2025-12-01', 0],
    ]);
    const api = await cutoverApi();
    const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.id === outcome.run!.record.id);
    assert.ok(node, 'the reconcile run is listed');
    assert.equal(api.runs.getTreeItem(node).label, 'reconcile · FAIL');
    assert.match(String(api.runs.getTreeItem(node).description), /^worst [\d,.]+%/);
    // Its not-passing lines, each named with its day.
    const lines = (await api.runs.getChildren(node)).filter((c) => c.kind === 'kpi');
    assert.ok(lines.length > 0);
    assert.ok(lines.every((c) => / · 2025-(11-30|12-01)$/.test(String(api.runs.getTreeItem(c).label))), String(api.runs.getTreeItem(lines[0]!).label));
  });

  it('deletes a run after confirmation, and keeps it when the confirmation is declined', async function () {
    const api = await cutoverApi();
    const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.kind === 'compare')!;
    await vscode.commands.executeCommand('cutover.test.answerConfirmations', false);
    await vscode.commands.executeCommand('cutover.deleteRun', node);
    assert.equal(fs.existsSync(node.store.runDir(node.record.id)), true, 'declined: the run stays');
    await vscode.commands.executeCommand('cutover.test.answerConfirmations', true);
    await vscode.commands.executeCommand('cutover.deleteRun', node);
    const asked = await vscode.commands.executeCommand<{ message: string }>('cutover.test.lastConfirmation');
    assert.equal(asked?.message, `Delete run ${node.record.id} and all its files?`);
    assert.equal(fs.existsSync(node.store.runDir(node.record.id)), false);
  });
});
