/**
 * Creates the Checklist tree view and keeps what surrounds the tree in step with the plans: the badge (open tasks),
 * the message (files that cannot be shown), the welcome state, and the checklist progress in the status bar.
 */
import * as vscode from 'vscode';
import { VIEW_IDS } from '../shared/contributions';
import { ChecklistTreeProvider, type ChecklistNode } from './checklistTree';
import type { PlanSource } from './planSource';
import type { CutoverStatus } from './statusBar';

export interface ChecklistView extends vscode.Disposable {
  readonly provider: ChecklistTreeProvider;
  readonly view: vscode.TreeView<ChecklistNode>;
}

export function createChecklistView(source: PlanSource, status: CutoverStatus): ChecklistView {
  const provider = new ChecklistTreeProvider(source);
  const view = vscode.window.createTreeView(VIEW_IDS.checklist, {
    treeDataProvider: provider,
    manageCheckboxStateManually: true,
    showCollapseAll: true,
  });

  const update = (): void => {
    provider.redraw();
    const plans = source.plans;
    void vscode.commands.executeCommand('setContext', 'cutover.checklist.empty', plans.length === 0);
    const open = provider.openTaskCount();
    view.badge = open > 0 ? { value: open, tooltip: `${open} open cutover task${open === 1 ? '' : 's'}` } : undefined;
    const problems = source.problems;
    view.message = problems.length > 0 ? problems.join('\n') : undefined;
    const tasks = plans.reduce((n, e) => n + (e.plan?.totals.tasks ?? 0), 0);
    status.setChecklist(tasks - open, tasks);
  };
  const subscription = source.onDidChange(update);
  return {
    provider,
    view,
    dispose() {
      subscription.dispose();
      view.dispose();
      provider.dispose();
    },
  };
}
