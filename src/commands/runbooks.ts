/**
 * Runbook commands: Run Step and Run All execute through `cutover runbook run` in a terminal (the same executor
 * the CLI and CI use: bash per block, stop at the first failure, results recorded in the run store), so the
 * Runbooks view reads every step's exit code and duration from the record, whatever the terminal supports.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Launcher, LaunchResult } from './launcher';
import { requireTrust } from './runs';
import type { RunbookNode, RunbooksTreeProvider } from '../views/runbooksTree';

export function registerRunbookCommands(context: vscode.ExtensionContext, tree: RunbooksTreeProvider, launcher: Launcher): void {
  const run = async (node: RunbookNode | undefined, only: boolean): Promise<LaunchResult | undefined> => {
    if (!node || !requireTrust(only ? 'Run Step' : 'Run All')) return undefined;
    const { entry } = node;
    const stepId = node.kind === 'step' ? node.step.id : undefined;
    const args = ['runbook', 'run', entry.file, ...(stepId ? [only ? '--step' : '--from', stepId] : [])];
    const label = `${path.basename(entry.file)}${stepId ? ` step ${stepId}` : ''}`;
    const result = launcher.launch(label, args, entry.root);
    tree.markRunning(entry.file, only ? stepId : undefined, result);
    return result;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('cutover.runbooks.runStep', (node?: RunbookNode) => run(node, true)),
    vscode.commands.registerCommand('cutover.runbooks.runAll', (node?: RunbookNode) => run(node, false)),
    vscode.commands.registerCommand('cutover.runbooks.refresh', () => tree.refresh()),
  );
}
