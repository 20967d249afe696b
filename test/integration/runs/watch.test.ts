/**
 * Start Watch… on the example workspace: `cutover watch` runs in a terminal, the status bar's watch item shows the
 * next run, the example's failing shadow run raises the alert as a notification naming the run, and Cancel Run
 * stops the watch and hides the item.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LaunchResult } from '../../../src/commands/launcher';
import { cutoverApi, waitFor } from '../util';

describe('Start Watch (in the extension host)', function () {
  this.timeout(120_000);

  it('shows the watch and its next run in the status bar, raises the breach, and stops on Cancel Run', async () => {
    const api = await cutoverApi();
    const terminals = vscode.window.terminals.length;
    const launched = vscode.commands.executeCommand<LaunchResult>('cutover.startWatch', { every: '1h', input: 'sample-10k', dailyReconcile: '' });
    const next = await waitFor('the watch item with the next run', () => /^\$\(eye\) Watch · next shadow \d/.test(api.watch.text ?? '') && api.watch.text, 60_000);
    assert.ok(vscode.window.terminals.length > terminals, 'the watch runs in a terminal');
    assert.match(next, /next shadow/);
    const notice = await waitFor('the breach notification', () => api.watch.lastNotice, 10_000);
    assert.match(notice, /^Cutover watch: CutoverKpiVarianceHigh: worst KPI variance: [\d.]+% > 1\.00% in workspace \S+ \(shadow run \d{8}-\d{6}-\d{3}-[0-9a-f]{6}\)/);
    const latest = await api.runs.latest('shadow');
    assert.ok(latest && notice.includes(`shadow run ${latest.record.id}`), `the notice names the latest shadow run: ${notice}`);
    await vscode.commands.executeCommand('cutover.cancelRun');
    const ended = await launched;
    assert.ok(ended?.started && ended.exitCode === undefined, 'the launch reports the watch cancelled');
    // The watch removes its state file as it stops (a killed one would leave it to the pid check).
    await waitFor('the watch item hidden', () => api.watch.text === undefined, 15_000);
  });
});
