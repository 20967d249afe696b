/**
 * The Checklist view in a real extension host, on the seed plan (week3-cutover-plan.md, found by the default
 * pattern) next to docs/notes.md, which has a task but must not be claimed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChecklistNode, ChecklistTreeProvider } from '../../../src/views/checklistTree';
import { toggleTask } from '../../../src/commands/toggleTask';
import { cutoverApi, waitFor, workspaceRoot } from '../util';

// Counted independently of the parser, from the seed file itself:
//   tasks    = grep -cE '^\s*[-*+] \[[ xX]\]'  → 138
//   done     = grep -cE '^\s*[-*+] \[[xX]\]'   → 1 (Engineering approval)
//   criteria = grep -cE '^\s*- ✓'              → 23 (4+4+4+4+4+3 under "**Success Criteria:**")
//   sections with tasks or criteria (headings read by eye): the 13 titles below.
const SEED = { tasks: 138, done: 1, criteria: 23 };
const SECTIONS_WITH_WORK = [
  'Cutover Preparation Checklist', 'A. Staging Environment Setup', 'B. Data Validation', 'C. Performance Validation',
  'D. Rollback Procedures', 'E. Monitoring & Alerting', 'F. Documentation & Training', 'Cutover Timeline (Week 4)',
  'Day 1 (Monday)', 'Day 2-3 (Tuesday-Wednesday)', 'Day 4-7 (Thursday-Sunday)', 'Success Criteria for Week 3',
  'Sign-Off Requirements',
];

interface Walk { sections: string[]; tasks: ChecklistNode[]; criteria: string[] }

async function walk(tree: ChecklistTreeProvider): Promise<Walk> {
  const out: Walk = { sections: [], tasks: [], criteria: [] };
  const visit = async (node: ChecklistNode): Promise<void> => {
    const item = tree.getTreeItem(node);
    if (node.kind === 'section') out.sections.push(String(item.label));
    if (node.kind === 'task') out.tasks.push(node);
    if (node.kind === 'criterion') out.criteria.push(String(item.label));
    for (const child of await tree.getChildren(node)) await visit(child);
  };
  for (const root of await tree.getChildren()) await visit(root);
  return out;
}

async function findTask(tree: ChecklistTreeProvider, text: string): Promise<Extract<ChecklistNode, { kind: 'task' }>> {
  const node = (await walk(tree)).tasks.find((t) => t.kind === 'task' && t.task.text === text);
  if (!node || node.kind !== 'task') throw new Error(`no task '${text}' in the tree`);
  return node;
}

function diffOffsets(a: string, b: string): number[] {
  assert.equal(a.length, b.length, 'a toggle must not change the length of the text');
  const offsets: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) offsets.push(i);
  return offsets;
}

describe('Checklist view (in the extension host)', function () {
  let tree: ChecklistTreeProvider;
  let planUri: vscode.Uri;
  let original: string;

  /** Puts the pristine seed back on disk and in any open buffer, then waits for the tree to show it. */
  async function reset(): Promise<void> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === planUri.toString());
    if (document && document.getText() !== original) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(planUri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), original);
      await vscode.workspace.applyEdit(edit);
      await document.save();
    }
    fs.writeFileSync(planUri.fsPath, original);
    const api = await cutoverApi();
    await api.plans.refresh();
  }

  before(async function () {
    const api = await cutoverApi();
    tree = api.checklist;
    planUri = vscode.Uri.joinPath(workspaceRoot(), 'week3-cutover-plan.md');
    original = fs.readFileSync(planUri.fsPath, 'utf8');
    await api.plans.ready();
  });

  beforeEach(reset);
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('claims the seed plan by its name and leaves other markdown alone', async function () {
    const api = await cutoverApi();
    assert.deepEqual(api.plans.plans.map((p) => p.label), ['week3-cutover-plan.md']);
  });

  it('shows exactly the sections, tasks, done count and criteria of the seed plan', async function () {
    const seen = await walk(tree);
    assert.deepEqual(seen.sections, SECTIONS_WITH_WORK);
    assert.equal(seen.tasks.length, SEED.tasks);
    assert.equal(seen.tasks.filter((t) => t.kind === 'task' && t.task.done).length, SEED.done);
    assert.equal(seen.criteria.length, SEED.criteria);
    assert.ok(seen.criteria.includes('V2 pipeline running in staging'));
    assert.equal(tree.openTaskCount(), SEED.tasks - SEED.done);
    const [planNode] = await tree.getChildren();
    assert.equal(tree.getTreeItem(planNode!).description, `1/138 · 0%`);
  });

  it('labels sections with done/total and gives tasks real checkboxes', async function () {
    const [planNode] = await tree.getChildren();
    const top = await tree.getChildren(planNode);
    const signOff = top.find((n) => n.kind === 'section' && n.section.title === 'Sign-Off Requirements')!;
    assert.equal(tree.getTreeItem(signOff).description, '1/5 · 20%');
    const approvals = await tree.getChildren(signOff);
    const states = approvals.map((n) => tree.getTreeItem(n).checkboxState);
    assert.deepEqual(states.map((s) => (typeof s === 'object' ? s.state : s)), [
      vscode.TreeItemCheckboxState.Checked, ...Array(4).fill(vscode.TreeItemCheckboxState.Unchecked),
    ]);
  });

  it('toggling a task changes exactly its box character, saves, and undo restores the text', async function () {
    const node = await findTask(tree, 'Configure staging database connections');
    const line = original.split('\n')[node.task.line]!;
    assert.match(line, /- \[ \] Configure staging database connections/);
    await vscode.commands.executeCommand('cutover.checklist.toggleTask', node);
    const document = await vscode.workspace.openTextDocument(planUri);
    const changed = diffOffsets(original, document.getText());
    assert.deepEqual(changed, [node.task.boxes[0]!.offset]);
    assert.equal(document.getText()[changed[0]!], 'x');
    assert.equal(document.isDirty, false, 'a clean plan is saved after the toggle');
    assert.equal(fs.readFileSync(planUri.fsPath, 'utf8'), document.getText());
    await waitFor('the tree to show the task as done', async () => (await findTask(tree, 'Configure staging database connections')).task.done);

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), original);
  });

  it('keeps both boxes of a double-box task in step', async function () {
    const node = await findTask(tree, 'Test CSV export');
    assert.equal(node.task.boxes.length, 2);
    await vscode.commands.executeCommand('cutover.checklist.toggleTask', node);
    const document = await vscode.workspace.openTextDocument(planUri);
    assert.deepEqual(diffOffsets(original, document.getText()), node.task.boxes.map((b) => b.offset));
    const lineText = document.lineAt(node.task.line).text;
    assert.equal(lineText.trim(), '- [x] [x] Test CSV export');
  });

  it('edits an unsaved buffer, not the file on disk', async function () {
    const document = await vscode.workspace.openTextDocument(planUri);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(planUri, document.positionAt(original.length), '\nunsaved note\n');
    await vscode.workspace.applyEdit(edit);
    assert.equal(document.isDirty, true);
    await (await cutoverApi()).plans.refresh();

    const node = await findTask(tree, 'Enable logging aggregation');
    await vscode.commands.executeCommand('cutover.checklist.toggleTask', node);
    assert.equal(document.isDirty, true, 'a plan with unsaved changes is left unsaved');
    assert.match(document.lineAt(node.task.line).text, /- \[x\] Enable logging aggregation/);
    assert.ok(document.getText().endsWith('\nunsaved note\n'));
    assert.equal(fs.readFileSync(planUri.fsPath, 'utf8'), original, 'nothing was written to disk');
  });

  it('refuses a stale toggle when the text moved under the tree', async function () {
    const node = await findTask(tree, 'Set up staging file storage paths');
    const document = await vscode.workspace.openTextDocument(planUri);
    // Another edit lands before the tree redraws: every offset below the first line shifts.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(planUri, new vscode.Position(0, 0), '<!-- moved -->\n');
    await vscode.workspace.applyEdit(edit);
    const before = document.getText();
    // The refusal itself, from the function both the checkbox and the command call: a conflict naming the line.
    await assert.rejects(toggleTask(node.entry, node.task, true, { save: true }), (error: Error) => {
      assert.equal(error.name, 'ConflictError');
      assert.equal(error.message, `week3-cutover-plan.md:${node.task.line + 1}: line ${node.task.line + 1} changed since the checklist was drawn; nothing was written and the checklist was refreshed`);
      return true;
    });
    await vscode.commands.executeCommand('cutover.checklist.toggleTask', node);
    assert.equal(document.getText(), before, 'the stale toggle wrote nothing');
    // …and the checklist is redrawn from the moved text: the task one line further down, still open.
    const redrawn = await waitFor('the task redrawn at its moved line', async () => {
      const t = await findTask(tree, 'Set up staging file storage paths');
      return t.task.line === node.task.line + 1 && t;
    });
    assert.equal(redrawn.task.done, false);
    assert.match(document.lineAt(redrawn.task.line).text, /- \[ \] Set up staging file storage paths/);
  });

  it('follows external changes to the file', async function () {
    const api = await cutoverApi();
    const start = api.plans.plans[0]!.plan!.totals.done;
    fs.writeFileSync(planUri.fsPath, original.replace('- [ ] Operations approval (required)', '- [x] Operations approval (required)'));
    // Only the watcher can bring this change in: nothing here refreshes. (How fast it is belongs to a benchmark.)
    await waitFor('the external edit to show', () => api.plans.plans[0]?.plan?.totals.done === start + 1, 15_000);
  });

  it('Refresh Checklist reads a plan added on disk before it returns', async function () {
    const api = await cutoverApi();
    const added = path.join(workspaceRoot().fsPath, 'added-cutover-plan.md');
    fs.writeFileSync(added, '# Added\n\n- [ ] one new task\n');
    try {
      await vscode.commands.executeCommand('cutover.checklist.refresh');
      const plan = api.plans.plans.find((p) => p.label === 'added-cutover-plan.md');
      assert.equal(plan?.plan?.totals.tasks, 1, 'the added plan is shown as soon as the command returns');
    } finally {
      fs.rmSync(added, { force: true });
      await vscode.commands.executeCommand('cutover.checklist.refresh');
    }
    assert.deepEqual(api.plans.plans.map((p) => p.label), ['week3-cutover-plan.md'], 'and is gone after the next refresh');
  });

  it('Configure Plan Files opens the Settings editor at cutover.plans', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('cutover.checklist.configurePlans');
    await waitFor('the Settings editor', () => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Settings', 10_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('hides completed tasks and shows them again', async function () {
    await vscode.commands.executeCommand('cutover.checklist.hideCompleted');
    try {
      const seen = await walk(tree);
      assert.equal(seen.tasks.length, SEED.tasks - SEED.done);
      assert.ok(seen.tasks.every((t) => t.kind === 'task' && !t.task.done));
    } finally {
      await vscode.commands.executeCommand('cutover.checklist.showCompleted');
    }
    assert.equal((await walk(tree)).tasks.length, SEED.tasks);
  });

  it('reveals a task line and copies it as markdown', async function () {
    const node = await findTask(tree, 'Test CSV export');
    await vscode.commands.executeCommand('cutover.checklist.revealTask', node);
    const editor = await waitFor('an editor on the plan', () => vscode.window.activeTextEditor?.document.uri.toString() === planUri.toString() && vscode.window.activeTextEditor);
    assert.equal(editor.selection.active.line, node.task.line);
    await vscode.commands.executeCommand('cutover.checklist.copyTaskAsMarkdown', node);
    assert.equal(await vscode.env.clipboard.readText(), '- [ ] [ ] Test CSV export');
  });

  it('redraws the tree only when a reload reads something new', async function () {
    const api = await cutoverApi();
    // beforeEach left the seed in place and read: whatever reload is still on its way reads the same text.
    let redraws = 0;
    const counting = api.plans.onDidChange(() => { redraws++; });
    try {
      await api.plans.refresh();
      await api.plans.refresh();
      assert.equal(redraws, 0, 'two refreshes of unchanged files fired a change');
      fs.writeFileSync(planUri.fsPath, original.replace('- [ ] Deploy V2 pipeline', '- [x] Deploy V2 pipeline'));
      await api.plans.refresh();
      // An open editor takes the disk change a moment later; the view follows it once. Once the change is read,
      // every further reload (the watcher's, the editor's, ours) reads the same text and must not redraw.
      await waitFor('the change on disk to reach the plans', () => api.plans.plans[0]?.plan?.totals.done === SEED.done + 1, 15_000);
      await api.plans.refresh();
      assert.equal(redraws, 1);
      // A clicked checkbox shows its new state before the file says anything: the next load redraws regardless.
      api.plans.invalidate();
      await api.plans.refresh();
      assert.equal(redraws, 2, 'a refresh after invalidate() must redraw even when the text is unchanged');
    } finally {
      counting.dispose();
    }
  });

  it('explains files it cannot show, naming them, and writes nothing', async function () {
    const api = await cutoverApi();
    const root = workspaceRoot().fsPath;
    const binary = path.join(root, 'binary-cutover-plan.md');
    const huge = path.join(root, 'huge-cutover-plan.md');
    const empty = path.join(root, 'empty-cutover-plan.md');
    const binaryBytes = Buffer.from([0x2d, 0x20, 0x5b, 0x20, 0x5d, 0x00, 0x01, 0x02, 0xff]);
    const hugeText = '- [ ] padding task\n'.repeat(300_000); // 5.7 MB
    fs.writeFileSync(binary, binaryBytes);
    fs.writeFileSync(huge, hugeText);
    fs.writeFileSync(empty, '# Nothing to do yet\n');
    try {
      await api.plans.refresh();
      const problems = api.plans.problems.join('\n');
      assert.match(problems, /binary-cutover-plan\.md/);
      assert.match(problems, /huge-cutover-plan\.md is 5\.7 MB/);
      assert.match(problems, /empty-cutover-plan\.md has no tasks/);
      assert.deepEqual(fs.readFileSync(binary), binaryBytes);
      assert.equal(fs.statSync(huge).size, hugeText.length);
      assert.equal(api.plans.plans.find((p) => p.label === 'week3-cutover-plan.md')?.plan?.totals.tasks, SEED.tasks);
    } finally {
      for (const f of [binary, huge, empty]) fs.rmSync(f, { force: true });
      await api.plans.refresh();
    }
  });

  // Collapse All is checked where its effect shows: test/e2e/checklist.e2e.ts.
  it('opens the plan from the palette command', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('cutover.checklist.openPlan');
    await waitFor('the plan in the active editor', () => vscode.window.activeTextEditor?.document.uri.toString() === planUri.toString());
  });
});
