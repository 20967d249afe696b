/**
 * Readiness in a real extension host, on a copy of the example workspace (its plan and cutover.json `criteria`) with
 * run records written by hand: criteria with their evidence in the Checklist, Open Evidence, Tick with Evidence (one
 * undoable edit), the Readiness Report webview and its export, Sign Off… and New Runbook from Template….
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../../src/core/runs/record';
import type { ChecklistNode, ChecklistTreeProvider } from '../../../src/views/checklistTree';
import { switchRecord } from '../../unit/readiness/fixtures';
import { cutoverApi, waitFor, workspaceRoot } from '../util';

type Node<K extends ChecklistNode['kind']> = Extract<ChecklistNode, { kind: K }>;

async function nodes(tree: ChecklistTreeProvider): Promise<ChecklistNode[]> {
  const out: ChecklistNode[] = [];
  const visit = async (node: ChecklistNode): Promise<void> => {
    out.push(node);
    for (const child of await tree.getChildren(node)) await visit(child);
  };
  for (const root of await tree.getChildren()) await visit(root);
  return out;
}

async function criterion(tree: ChecklistTreeProvider, text: string): Promise<Node<'criterion'>> {
  const found = (await nodes(tree)).find((n): n is Node<'criterion'> => n.kind === 'criterion' && n.criterion.text === text);
  if (!found) throw new Error(`no criterion '${text}'`);
  return found;
}

async function task(tree: ChecklistTreeProvider, text: string): Promise<Node<'task'>> {
  const found = (await nodes(tree)).find((n): n is Node<'task'> => n.kind === 'task' && n.task.text === text);
  if (!found) throw new Error(`no task '${text}'`);
  return found;
}

async function section(tree: ChecklistTreeProvider, title: string): Promise<Node<'section'>> {
  const found = (await nodes(tree)).find((n): n is Node<'section'> => n.kind === 'section' && n.section.title === title);
  if (!found) throw new Error(`no section '${title}'`);
  return found;
}

function writeRun(record: RunRecord): void {
  const dir = path.join(workspaceRoot().fsPath, '.cutover', 'runs', record.id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
}

const ROLLBACK = 'Rollback time < 5 minutes';
const TICK_TASK = 'Roll back to V1 in staging and time it (budget 300 s)';
const iconId = (item: vscode.TreeItem): string | undefined => (item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined);

describe('Readiness (in the extension host)', function () {
  this.timeout(30_000);
  let tree: ChecklistTreeProvider;
  let planUri: vscode.Uri;
  let original: string;
  const now = Date.now();
  const rollback = switchRecord('rollback', new Date(now - 3_600_000).toISOString(), 42_000, 0);
  const forward = switchRecord('forward', new Date(now - 1_800_000).toISOString(), 30_000, 0);

  before(async function () {
    const api = await cutoverApi();
    tree = api.checklist;
    planUri = vscode.Uri.joinPath(workspaceRoot(), 'cutover', 'plan.md');
    original = fs.readFileSync(planUri.fsPath, 'utf8');
    await api.plans.ready();
    await api.readiness.refresh();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows a criterion without a run as no evidence, never met, and says why', async function () {
    const item = tree.getTreeItem(await criterion(tree, ROLLBACK));
    assert.equal(iconId(item), 'question');
    assert.match(String(item.description), /^no evidence/);
    const unprovable = tree.getTreeItem(await criterion(tree, 'Every alert fired once in staging and reached on-call'));
    assert.match((unprovable.tooltip as vscode.MarkdownString).value, /cannot be proved by a run/);
    assert.match(String(tree.getTreeItem(await section(tree, 'D. Rollback Procedures')).description), /criteria 0\/3 met/);
  });

  it('decides criteria from recorded runs: icon, value, run; the section counts the met ones', async function () {
    const api = await cutoverApi();
    writeRun(rollback);
    writeRun(forward);
    await api.readiness.refresh();
    const node = await criterion(tree, ROLLBACK);
    const item = tree.getTreeItem(node);
    assert.equal(iconId(item), 'pass-filled');
    assert.equal(item.description, `met · 42 s, exit 0, pass, run ${forward.id} · run ${rollback.id}`);
    assert.equal(item.command?.command, 'cutover.checklist.openEvidence');
    // Rollback time and V1 operational are met; zero data loss cannot be proved by a run.
    assert.match(String(tree.getTreeItem(await section(tree, 'D. Rollback Procedures')).description), /criteria 2\/3 met$/);

    await vscode.commands.executeCommand('cutover.checklist.openEvidence', node);
    await waitFor('the rollback run.json to open', () => vscode.window.activeTextEditor?.document.uri.fsPath.endsWith(path.join(rollback.id, 'run.json')));
  });

  it('Tick with Evidence writes [x] and the run link in one undoable edit, only when the rule is met', async function () {
    const api = await cutoverApi();
    const node = await task(tree, TICK_TASK);
    assert.equal(tree.getTreeItem(node).contextValue, 'cutover.task.open.evidenceMet');
    const ticked = await vscode.commands.executeCommand<boolean>('cutover.checklist.tickWithEvidence', node);
    assert.equal(ticked, true);
    const document = await vscode.workspace.openTextDocument(planUri);
    const line = document.lineAt(node.task.line).text;
    assert.equal(line.trim(), `- [x] [x] ${TICK_TASK} ([evidence: run ${rollback.id}](../.cutover/runs/${rollback.id}/run.json))`);
    assert.equal(fs.readFileSync(planUri.fsPath, 'utf8'), document.getText(), 'a clean plan is saved after the edit');
    await waitFor('the tree to show the task as done', async () => (await task(tree, node.task.text + ` (evidence: run ${rollback.id})`).catch(() => undefined))?.task.done);

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), original, 'one undo restores the plan');
    await document.save();
    await api.plans.refresh();

    // No shadow run: the go/no-go task's rule has no evidence, and nothing is written.
    const gate = await task(tree, 'Go/no-go on the latest shadow run: cutover gate');
    assert.notEqual(tree.getTreeItem(gate).contextValue, 'cutover.task.open.evidenceMet');
    assert.equal(await vscode.commands.executeCommand<boolean>('cutover.checklist.tickWithEvidence', gate), false);
    assert.equal((await vscode.workspace.openTextDocument(planUri)).getText(), original);
  });

  it('opens the Readiness Report webview and exports it as HTML and Markdown', async function () {
    const api = await cutoverApi();
    await vscode.commands.executeCommand('cutover.openReadinessReport');
    await waitFor('the readiness tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Cutover Readiness: NOT ENOUGH EVIDENCE'));
    assert.equal(api.readinessPanel.current?.readiness.verdict, 'not-enough-evidence');
    const html = vscode.Uri.joinPath(workspaceRoot(), 'output', 'readiness.html');
    const md = vscode.Uri.joinPath(workspaceRoot(), 'output', 'readiness.md');
    await api.readinessPanel.export('html', html);
    await api.readinessPanel.export('md', md);
    const htmlText = fs.readFileSync(html.fsPath, 'utf8');
    assert.match(htmlText, /^<!DOCTYPE html>/);
    assert.ok(htmlText.includes(`Rollback time &lt; 5 minutes`), 'the criterion, escaped');
    assert.ok(htmlText.includes(rollback.id));
    assert.match(fs.readFileSync(md.fsPath, 'utf8'), /^# Cutover readiness: NOT ENOUGH EVIDENCE/);
  });

  it('Sign Off… records a chained sign-off that goes stale when the evidence changes', async function () {
    const api = await cutoverApi();
    const entry = await vscode.commands.executeCommand<{ role: string; hash: string }>('cutover.signOff', { role: 'ops', by: 'Ada' });
    assert.equal(entry?.role, 'ops');
    const file = path.join(workspaceRoot().fsPath, '.cutover', 'signoffs.json');
    assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as { signoffs: unknown[] }).signoffs.length, 1);
    const root = () => api.readiness.all[0]!.readiness;
    assert.deepEqual(root().signoffs.map((s) => [s.role, s.stale]), [['ops', false]]);
    const [planNode] = await tree.getChildren();
    assert.match(String(tree.getTreeItem(planNode!).description), / · 1 sign-off$/);
    // The example decides "Runbooks reviewed by operations" by the ops sign-off.
    const reviewed = async () => tree.getTreeItem(await criterion(tree, 'Runbooks reviewed by operations'));
    assert.equal(iconId(await reviewed()), 'pass-filled');
    writeRun(switchRecord('forward', new Date().toISOString(), 20_000, 1, 'fail'));
    await api.readiness.refresh();
    assert.deepEqual(root().signoffs.map((s) => [s.role, s.stale]), [['ops', true]]);
    const item = tree.getTreeItem((await tree.getChildren())[0]!);
    assert.match(String(item.description), / · 1 sign-off stale$/);
    assert.match(String(item.tooltip), /stale: ops signed off by Ada at .* \(the evidence changed since\)/);
    assert.equal(iconId(await reviewed()), 'question');
    assert.match(((await reviewed()).tooltip as vscode.MarkdownString).value, /sign\\?-off by Ada is stale/);
  });

  it('New Runbook from Template… writes the template into the runbooks folder and never overwrites', async function () {
    const target = path.join(workspaceRoot().fsPath, 'runbooks', 'incident.md');
    const created = await vscode.commands.executeCommand<vscode.Uri>('cutover.newRunbookFromTemplate', { template: 'incident-response', name: 'incident.md' });
    assert.equal(created?.fsPath, target);
    assert.match(fs.readFileSync(target, 'utf8'), /^# Incident response/);
    fs.writeFileSync(target, 'mine\n');
    assert.equal(await vscode.commands.executeCommand('cutover.newRunbookFromTemplate', { template: 'incident-response', name: 'incident.md' }), undefined);
    assert.equal(fs.readFileSync(target, 'utf8'), 'mine\n');
  });
});
