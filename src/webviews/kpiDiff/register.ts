/** Wires the KPI Diff panel, its serializer and commands into the extension (one call from activate()). */
import * as vscode from 'vscode';
import { registerKpiDiffCommands } from '../../commands/kpiDiff';
import type { RunsTreeProvider } from '../../views/runsTree';
import { KpiDiffPanel } from './panel';

export function registerKpiDiff(context: vscode.ExtensionContext, runs: RunsTreeProvider): void {
  const panel = new KpiDiffPanel(context.extensionUri);
  context.subscriptions.push(panel);
  registerKpiDiffCommands(context, runs, panel);
}
