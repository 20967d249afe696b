/** Wires the KPI Diff panel, its serializer, commands and CodeLens into the extension (one call from activate()). */
import * as vscode from 'vscode';
import { registerKpiDiffCommands } from '../../commands/kpiDiff';
import { registerKpiCodeLens } from '../../views/kpiCodeLens';
import type { RunStoreEvents } from '../../views/runStoreEvents';
import type { RunsTreeProvider } from '../../views/runsTree';
import { KpiDiffPanel } from './panel';

export function registerKpiDiff(context: vscode.ExtensionContext, runs: RunsTreeProvider, storeEvents: RunStoreEvents): void {
  const panel = new KpiDiffPanel(context.extensionUri, storeEvents);
  context.subscriptions.push(panel, registerKpiCodeLens(runs));
  registerKpiDiffCommands(context, runs, panel);
}
