/** Wires the KPI Diff panel, its serializer, commands and CodeLens into the extension (one call from activate()). */
import * as vscode from 'vscode';
import { registerKpiDiffCommands } from '../../commands/kpiDiff';
import { registerKpiCodeLens } from '../../views/kpiCodeLens';
import type { RunsTreeProvider } from '../../views/runsTree';
import { KpiDiffPanel } from './panel';

export function registerKpiDiff(context: vscode.ExtensionContext, runs: RunsTreeProvider): void {
  const panel = new KpiDiffPanel(context.extensionUri);
  context.subscriptions.push(panel, registerKpiCodeLens(runs));
  registerKpiDiffCommands(context, runs, panel);
}
