/** Workspace trust: everything that executes (pipelines, runbook steps, rollbacks) is refused until it is given. */
import * as vscode from 'vscode';

/**
 * True in a trusted workspace; otherwise says why `action` is disabled (with a way to trust) and returns false.
 * `why` completes "Cutover: <action> …": by default the action runs the workspace's commands.
 */
export function requireTrust(action: string, why = 'runs commands from this workspace'): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    `Cutover: ${action} ${why}, so it is disabled until you trust the workspace.`,
    'Manage Workspace Trust',
  ).then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
