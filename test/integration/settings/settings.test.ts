/**
 * The settings a user changes, each seen in what Cutover shows: this suite's host starts with `cutover.plans` naming
 * ops/*.md and `cutover.checklist.saveAfterToggle` off (test/host/integration.ts), next to a plan the default
 * pattern would find (week3-cutover-plan.md).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { cutoverApi, waitFor, workspaceRoot } from '../util';

describe('Settings (in the extension host)', function () {
  this.timeout(60_000);

  it('cutover.plans decides which plans the Checklist shows, over the default pattern', async function () {
    const api = await cutoverApi();
    await api.plans.ready();
    assert.deepEqual(api.plans.plans.map((p) => p.label), ['ops/go-live.md']);
    assert.equal(api.plans.plans[0]?.plan?.totals.tasks, 2);
  });

  it('with cutover.checklist.saveAfterToggle off, a toggle edits the plan in its buffer and leaves it unsaved', async function () {
    const api = await cutoverApi();
    await api.plans.ready();
    const plan = api.plans.plans[0]!;
    const onDisk = fs.readFileSync(plan.uri.fsPath, 'utf8');
    const [planNode] = await api.checklist.getChildren();
    const sections = await api.checklist.getChildren(planNode);
    const tasks = (await Promise.all(sections.map((s) => api.checklist.getChildren(s)))).flat();
    const one = tasks.find((n) => n.kind === 'task' && n.task.text === 'one');
    assert.ok(one, 'the task is in the tree');
    await vscode.commands.executeCommand('cutover.checklist.toggleTask', one);
    const document = await vscode.workspace.openTextDocument(plan.uri);
    assert.match(document.getText(), /- \[x\] one/);
    assert.equal(document.isDirty, true, 'not saved');
    assert.equal(fs.readFileSync(plan.uri.fsPath, 'utf8'), onDisk, 'nothing written to disk');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a changed cutover.plans is followed at once', async function () {
    const api = await cutoverApi();
    await vscode.workspace.getConfiguration('cutover', workspaceRoot()).update('plans', ['week3-cutover-plan.md'], vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('the Checklist to show the newly named plan', () => api.plans.plans.map((p) => p.label).join() === 'week3-cutover-plan.md', 15_000);
    } finally {
      await vscode.workspace.getConfiguration('cutover', workspaceRoot()).update('plans', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
