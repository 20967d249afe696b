/**
 * Creates the Checklist tree view and keeps what surrounds the tree in step with the plans: the badge (open tasks),
 * the message (files that cannot be shown), the welcome state, and the status bar's checklist progress.
 */
import * as vscode from 'vscode';
import { CHECKLIST_VIEW_ID, ChecklistTreeProvider, type ChecklistNode } from './checklistTree';
import type { PlanSource } from './planSource';

export interface ChecklistView extends vscode.Disposable {
  readonly provider: ChecklistTreeProvider;
  readonly view: vscode.TreeView<ChecklistNode>;
}

export function createChecklistView(source: PlanSource): ChecklistView {
  const provider = new ChecklistTreeProvider(source);
  const view = vscode.window.createTreeView(CHECKLIST_VIEW_ID, {
    treeDataProvider: provider,
    manageCheckboxStateManually: true,
    showCollapseAll: true,
  });
  const status = vscode.window.createStatusBarItem('cutover.checklistProgress', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Cutover Checklist';
  status.command = `${CHECKLIST_VIEW_ID}.focus`;

  const update = (): void => {
    provider.redraw();
    const plans = source.plans;
    void vscode.commands.executeCommand('setContext', 'cutover.checklist.empty', plans.length === 0);
    const open = provider.openTaskCount();
    view.badge = open > 0 ? { value: open, tooltip: `${open} open cutover task${open === 1 ? '' : 's'}` } : undefined;
    const problems = source.problems;
    view.message = problems.length > 0 ? problems.join('\n') : undefined;
    const tasks = plans.reduce((n, e) => n + (e.plan?.totals.tasks ?? 0), 0);
    const done = plans.reduce((n, e) => n + (e.plan?.totals.done ?? 0), 0);
    if (tasks > 0) {
      status.text = `$(checklist) Cutover ${done}/${tasks}`;
      status.tooltip = `Cutover checklist: ${done} of ${tasks} tasks done, ${open} open. Click to show the checklist.`;
      status.show();
    } else {
      status.hide();
    }
  };
  const subscription = source.onDidChange(update);
  return {
    provider,
    view,
    dispose() {
      subscription.dispose();
      status.dispose();
      view.dispose();
      provider.dispose();
    },
  };
}
