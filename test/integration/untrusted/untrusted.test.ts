/**
 * A workspace opened without trust (a server started with workspace trust on) cannot start any run, nor execute
 * anything else: every command package.json contributes is run the way a user would (Enter on each prompt, yes to
 * each confirmation), so a command added later is checked without anyone listing it here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunbookNode } from '../../../src/views/runbooksTree';
import { cutoverApi, EXTENSION_ID, workspaceRoot } from '../util';

/** Every file under `dir` with its size and mtime: what a command that executes would change. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const stat = fs.statSync(file);
    files.set(path.relative(dir, file), `${stat.size}@${stat.mtimeMs}`);
  }
  return files;
}

/** Resolves with the command's result, or with 'pending' when it still waits after `ms` (for a prompt, say). */
function settled<T>(pending: Thenable<T>, ms: number): Promise<T | 'pending'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('pending'), ms);
    pending.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e as Error); });
  });
}

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

  it('refuses Sign Off and New Runbook from Template even with every answer given, writing nothing', async function () {
    const root = workspaceRoot().fsPath;
    assert.equal(await vscode.commands.executeCommand('cutover.signOff', { role: 'ops', by: 'Dana', root }), undefined);
    assert.equal(await vscode.commands.executeCommand('cutover.newRunbookFromTemplate', { template: 'incident-response.md', name: 'incident.md', root }), undefined);
    assert.equal(fs.existsSync(path.join(root, '.cutover', 'signoffs.json')), false, 'no sign-off was recorded');
    assert.deepEqual(fs.readdirSync(path.join(root, 'runbooks')).filter((f) => f.startsWith('incident')), [], 'no runbook was written');
  });

  it('executes nothing for any contributed command, driven through its prompts and confirmations', async function () {
    this.timeout(180_000);
    const api = await cutoverApi();
    const root = workspaceRoot().fsPath;
    const manifest = JSON.parse(fs.readFileSync(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const books = await api.runbooks.getChildren();
    const book = books.find((b) => path.basename(b.entry.file) === 'rollback-to-v1.md');
    assert.ok(book, 'the runbooks are listed in an untrusted workspace');
    const step = (await api.runbooks.getChildren(book))[0] as RunbookNode;
    // What each command needs to reach its work in a trusted workspace (the same arguments the trusted suites use).
    const args: Record<string, unknown[]> = {
      'cutover.startShadowRun': [{ input: 'sample-10k', noise: false }],
      'cutover.startReconcile': [{ input: 'daily-30d', days: 2 }],
      'cutover.startWatch': [{ every: '1h', input: 'sample-10k', dailyReconcile: '' }],
      'cutover.compareOutputs': [{ v1: path.join(root, 'data', 'sample-10k.parquet'), v2: path.join(root, 'data', 'sample-10k.parquet'), keys: 'loan_id' }],
      'cutover.runbooks.runStep': [step],
      'cutover.runbooks.runAll': [book],
    };
    const before = snapshot(root);
    const opened: string[] = [];
    const watching = vscode.window.onDidOpenTerminal((t) => opened.push(t.name));
    // Yes to every confirmation asked (rollback, roll forward, delete…): a refused command never asks.
    await vscode.commands.executeCommand('cutover.test.answerConfirmations', ...Array<boolean>(manifest.contributes.commands.length).fill(true));
    try {
      for (const { command } of manifest.contributes.commands) {
        const running = vscode.commands.executeCommand(command, ...(args[command] ?? []));
        // A person presses Enter on each prompt (the first choice of a pick, the proposed value of an input box).
        for (let prompt = 0; prompt < 4 && await settled(running, 400) === 'pending'; prompt++) {
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        }
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        await settled(running, 400);
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    } finally {
      watching.dispose();
    }
    assert.deepEqual(opened, [], 'no terminal was opened');
    assert.equal(await vscode.commands.executeCommand('cutover.test.lastConfirmation'), undefined, 'no confirmation was asked');
    const after = snapshot(root);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
    assert.deepEqual(changed, [], 'no file in the workspace was written');
  });
});
