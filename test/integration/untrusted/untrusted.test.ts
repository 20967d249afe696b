/** A workspace opened without trust (a server started with workspace trust on) cannot start any run. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cutoverApi, workspaceRoot } from '../util';

describe('Untrusted workspace (in the extension host)', function () {
  it('is untrusted, and the checklist still reads the plan', async function () {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await cutoverApi();
    await api.plans.ready();
    assert.ok((api.plans.plans[0]?.plan?.totals.tasks ?? 0) > 0);
  });

  it('refuses to start a shadow run, a reconciliation, a comparison, a load test or a soak', async function () {
    const terminals = vscode.window.terminals.length;
    assert.equal(await vscode.commands.executeCommand('cutover.startShadowRun', { input: 'sample-10k', noise: false }), undefined);
    assert.equal(await vscode.commands.executeCommand('cutover.startReconcile', { input: 'daily-30d', days: 2 }), undefined);
    assert.equal(await vscode.commands.executeCommand('cutover.compareOutputs', { v1: 'a.parquet', v2: 'b.parquet', keys: 'id' }), undefined);
    assert.equal(await vscode.commands.executeCommand('cutover.startLoadTest', { sizes: '10k', pipelines: 'v2', parallel: 1 }), undefined);
    assert.equal(await vscode.commands.executeCommand('cutover.startSoak', { duration: '5s', pipelines: 'v2' }), undefined);
    assert.equal(vscode.window.terminals.length, terminals, 'no terminal was created');
    assert.equal(fs.existsSync(path.join(workspaceRoot().fsPath, '.cutover', 'runs')), false, 'nothing ran');
  });
});
