/** Commands of the Checklist view, all registered here. */
import * as vscode from 'vscode';
import { CutoverError } from '../core/errors';
import { taskAsMarkdown } from '../core/plan/toggle';
import type { ChecklistNode, ChecklistTreeProvider } from '../views/checklistTree';
import { VIEW_IDS } from '../shared/contributions';
import type { PlanSource } from '../views/planSource';
import { toggleTask } from './toggleTask';

const HIDE_COMPLETED_KEY = 'cutover.checklist.hideCompleted';

export function registerChecklistCommands(
  context: vscode.ExtensionContext,
  source: PlanSource,
  tree: ChecklistTreeProvider,
  view: vscode.TreeView<ChecklistNode>,
): void {
  const setHidden = async (hide: boolean): Promise<void> => {
    tree.setHideCompleted(hide);
    await context.workspaceState.update(HIDE_COMPLETED_KEY, hide);
    await vscode.commands.executeCommand('setContext', 'cutover.checklist.hidingCompleted', hide);
  };
  void setHidden(context.workspaceState.get<boolean>(HIDE_COMPLETED_KEY, false));

  const setTaskState = async (node: ChecklistNode, done: boolean): Promise<void> => {
    if (node.kind !== 'task') return;
    const save = vscode.workspace.getConfiguration('cutover.checklist').get<boolean>('saveAfterToggle', true);
    // The tree already shows the box as clicked. Whatever the file reads after this (our edit, a refusal, an undo
    // racing it), the next load must redraw the tree from the text.
    source.invalidate();
    try {
      const { changed } = await toggleTask(node.entry, node.task, done, { save });
      if (!changed) await source.refresh();
    } catch (error) {
      const message = error instanceof CutoverError ? error.message : String(error);
      void vscode.window.showWarningMessage(`Cutover: ${message}`);
      await source.refresh();
    }
  };

  context.subscriptions.push(
    view.onDidChangeCheckboxState(async (e) => {
      for (const [node, state] of e.items) await setTaskState(node, state === vscode.TreeItemCheckboxState.Checked);
    }),
    vscode.commands.registerCommand('cutover.checklist.toggleTask', async (node?: ChecklistNode) => {
      const target = node ?? view.selection[0];
      if (target?.kind === 'task') await setTaskState(target, !target.task.done);
    }),
    vscode.commands.registerCommand('cutover.checklist.refresh', () => source.refresh()),
    vscode.commands.registerCommand('cutover.checklist.hideCompleted', () => setHidden(true)),
    vscode.commands.registerCommand('cutover.checklist.showCompleted', () => setHidden(false)),
    vscode.commands.registerCommand('cutover.checklist.collapseAll', () =>
      vscode.commands.executeCommand(`workbench.actions.treeView.${VIEW_IDS.checklist}.collapseAll`)),
    vscode.commands.registerCommand('cutover.checklist.openPlan', async (node?: ChecklistNode) => {
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
    }),
    vscode.commands.registerCommand('cutover.checklist.revealTask', async (node?: ChecklistNode) => {
      const target = node ?? view.selection[0];
      if (!target) return;
      const line = nodeLine(target);
      const position = new vscode.Position(line, 0);
      await vscode.window.showTextDocument(target.entry.uri, {
        selection: new vscode.Range(position, position),
        preserveFocus: true,
        preview: true,
      });
    }),
    vscode.commands.registerCommand('cutover.checklist.copyTaskAsMarkdown', async (node?: ChecklistNode) => {
      const target = node ?? view.selection[0];
      if (target?.kind !== 'task' || target.entry.text === undefined) return;
      await vscode.env.clipboard.writeText(taskAsMarkdown(target.entry.text, target.task));
      vscode.window.setStatusBarMessage('Cutover: task copied as markdown', 2000);
    }),
    vscode.commands.registerCommand('cutover.checklist.configurePlans', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', 'cutover.plans')),
  );
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
