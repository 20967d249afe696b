/**
 * The commands the extension registers are exactly those package.json contributes (plus the test hooks, which exist
 * only because this host sets CUTOVER_TEST_HOOKS), and the Cutover log is there to show.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cutoverApi, EXTENSION_ID } from '../util';

const TEST_HOOKS = ['cutover.kpiDiff.debugState', 'cutover.dashboard.debugState', 'cutover.test.dashboardMessage', 'cutover.explain.debugState', 'cutover.test.answerConfirmations', 'cutover.test.lastConfirmation', 'cutover.test.answerNotifications', 'cutover.test.lastNotification'];

describe('Commands (in the extension host)', function () {
  it('registers every contributed command and no other', async function () {
    await cutoverApi();
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = (await vscode.commands.getCommands(true))
      .filter((id) => id.startsWith('cutover.') && !TEST_HOOKS.includes(id))
      // Views register their own `<view id>.focus`-style commands and `cutover.<view>.open` ones.
      .filter((id) => !/^cutover\.(checklist|runbooks|runs)(\.(focus|resetViewLocation|open|removeView|toggleVisibility))?$/.test(id))
      .sort();
    assert.deepEqual(registered, contributed);
    for (const hook of TEST_HOOKS) assert.ok((await vscode.commands.getCommands(true)).includes(hook), `${hook} is registered in the test host`);
  });

  it('shows the Cutover log', async function () {
    await vscode.commands.executeCommand('cutover.showLog');
  });
});
