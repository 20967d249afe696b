/**
 * Cutover's entry point: builds the services and registers views and commands. Wiring only; nothing heavy runs
 * here (plans are parsed when the view first asks, DuckDB is loaded only by the CLI).
 */
import * as vscode from 'vscode';
import { registerChecklistCommands } from './commands/checklist';
import { registerRunCommands } from './commands/runs';
import { RUNS_VIEW_ID, RunsTreeProvider } from './views/runsTree';
import { createChecklistView } from './views/checklistView';
import { PlanSource } from './views/planSource';
import type { ChecklistTreeProvider } from './views/checklistTree';

/** What activate() returns: used by the in-host tests to reach the live services (no mocks). */
export interface CutoverApi {
  readonly plans: PlanSource;
  readonly checklist: ChecklistTreeProvider;
  readonly runs: RunsTreeProvider;
}

export function activate(context: vscode.ExtensionContext): CutoverApi {
  const plans = new PlanSource();
  const checklist = createChecklistView(plans);
  context.subscriptions.push(plans, checklist);
  registerChecklistCommands(context, plans, checklist.provider, checklist.view);
  const runs = new RunsTreeProvider();
  context.subscriptions.push(runs, vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: runs, showCollapseAll: true }));
  registerRunCommands(context, runs);
  void plans.ready();
  return { plans, checklist: checklist.provider, runs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
