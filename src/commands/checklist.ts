/** Commands of the Checklist view, and its checkboxes (a click toggles the task in the plan file). */
import * as vscode from 'vscode';
import { CutoverError } from '../core/errors';
import { taskAsMarkdown } from '../core/plan/toggle';
import { VIEW_IDS, type CommandTable } from '../shared/contributions';
import { logWarning } from '../shared/log';
import type { ChecklistNode, ChecklistTreeProvider } from '../views/checklistTree';
import type { PlanSource } from '../views/planSource';
import { toggleTask } from './toggleTask';

const HIDE_COMPLETED_KEY = 'cutover.checklist.hideCompleted';

/** What the Checklist commands work with. */
export interface ChecklistCommandContext {
  readonly workspaceState: vscode.Memento;
  readonly source: PlanSource;
  readonly tree: ChecklistTreeProvider;
  readonly view: vscode.TreeView<ChecklistNode>;
}

/** Hide Completed / Show Completed: the tree's filter, kept per workspace, and the context key the title menu reads. */
async function setHidden({ workspaceState, tree }: ChecklistCommandContext, hide: boolean): Promise<void> {
  tree.setHideCompleted(hide);
  await workspaceState.update(HIDE_COMPLETED_KEY, hide);
  await vscode.commands.executeCommand('setContext', 'cutover.checklist.hidingCompleted', hide);
}

async function setTaskState({ source }: ChecklistCommandContext, node: ChecklistNode, done: boolean): Promise<void> {
  if (node.kind !== 'task') return;
  const save = vscode.workspace.getConfiguration('cutover.checklist').get<boolean>('saveAfterToggle', true);
  // The tree already shows the box as clicked. Whatever the file reads after this (our edit, a refusal, an undo
  // racing it), the next load must redraw the tree from the text.
  source.invalidate();
  try {
    const { changed } = await toggleTask(node.entry, node.task, done, { save });
    if (!changed) await source.refresh();
  } catch (error) {
    logWarning(`toggling task "${node.task.text}" in ${node.entry.uri.fsPath}`, error);
    const message = error instanceof CutoverError ? error.message : String(error);
    void vscode.window.showWarningMessage(`Cutover: ${message}`);
    await source.refresh();
  }
}

/** Restores Hide Completed and follows the view's checkboxes. */
export function connectChecklistView(ctx: ChecklistCommandContext): vscode.Disposable {
  void setHidden(ctx, ctx.workspaceState.get<boolean>(HIDE_COMPLETED_KEY, false));
  return ctx.view.onDidChangeCheckboxState(async (e) => {
    for (const [node, state] of e.items) await setTaskState(ctx, node, state === vscode.TreeItemCheckboxState.Checked);
  });
}

export function toggleChecklistTask(ctx: ChecklistCommandContext) {
  return async (node?: ChecklistNode): Promise<void> => {
    const target = node ?? ctx.view.selection[0];
    if (target?.kind === 'task') await setTaskState(ctx, target, !target.task.done);
  };
}

export function openPlan({ source }: ChecklistCommandContext) {
  return async (node?: ChecklistNode): Promise<void> => {
    await source.ready();
    let uri = node?.entry.uri;
    if (!uri) {
      const plans = source.plans;
      if (plans.length === 0) {
        void vscode.window.showInformationMessage('Cutover: no cutover plan found in this workspace.', 'Configure Plan Files')
          .then((choice) => choice && vscode.commands.executeCommand('cutover.checklist.configurePlans'));
        return;
      }
      uri = plans.length === 1 ? plans[0]!.uri : (await vscode.window.showQuickPick(
        plans.map((p) => ({ label: p.label, description: p.plan ? `${p.plan.totals.done}/${p.plan.totals.tasks} done` : p.problem, uri: p.uri })),
        { placeHolder: 'Open which cutover plan?' }))?.uri;
    }
    if (uri) await vscode.window.showTextDocument(uri);
  };
}

/** Reveal in Plan: the node's line in its plan file, without taking focus from the view. */
export function revealTask({ view }: ChecklistCommandContext) {
  return async (node?: ChecklistNode): Promise<void> => {
    const target = node ?? view.selection[0];
    if (!target) return;
    const position = new vscode.Position(nodeLine(target), 0);
    await vscode.window.showTextDocument(target.entry.uri, {
      selection: new vscode.Range(position, position),
      preserveFocus: true,
      preview: true,
    });
  };
}

export function copyTaskAsMarkdown({ view }: ChecklistCommandContext) {
  return async (node?: ChecklistNode): Promise<void> => {
    const target = node ?? view.selection[0];
    if (target?.kind !== 'task' || target.entry.text === undefined) return;
    await vscode.env.clipboard.writeText(taskAsMarkdown(target.entry.text, target.task));
    vscode.window.setStatusBarMessage('Cutover: task copied as markdown', 2000);
  };
}

export function checklistCommands(ctx: ChecklistCommandContext) {
  return {
    'cutover.checklist.toggleTask': toggleChecklistTask(ctx),
    'cutover.checklist.refresh': () => ctx.source.refresh(),
    'cutover.checklist.hideCompleted': () => setHidden(ctx, true),
    'cutover.checklist.showCompleted': () => setHidden(ctx, false),
    'cutover.checklist.collapseAll': () => vscode.commands.executeCommand(`workbench.actions.treeView.${VIEW_IDS.checklist}.collapseAll`),
    'cutover.checklist.openPlan': openPlan(ctx),
    'cutover.checklist.revealTask': revealTask(ctx),
    'cutover.checklist.copyTaskAsMarkdown': copyTaskAsMarkdown(ctx),
    'cutover.checklist.configurePlans': () => vscode.commands.executeCommand('workbench.action.openSettings', 'cutover.plans'),
  } satisfies Partial<CommandTable>;
}

/** The line a node points at in its plan (0-based). */
function nodeLine(node: ChecklistNode): number {
  switch (node.kind) {
    case 'plan': return 0;
    case 'section': return node.section.line;
    case 'task': return node.task.line;
    case 'criterion': return node.criterion.line;
  }
}
