/**
 * The Dashboard panel, host side: the workspace's run history across runs, read from each store's index (never
 * every run.json), posted to the app after its `ready` and again whenever a run lands (RunStoreEvents). A run
 * clicked opens as the Runs view opens it; a log line opens the log at that line. A window reload restores the panel
 * through the serializer.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunStore } from '../../core/runs/store';
import { summarizeRun } from '../../core/runs/summary';
import { logError } from '../../shared/log';
import type { RunStoreEvents } from '../../shared/runStoreEvents';
import { workspaceStores } from '../../shared/runStores';
import { AppPanel, appWebviewOptions } from '../common/appPanel';
import { gatherDashboard } from './gather';
import { DASHBOARD_VIEW_TYPE, type DashboardModel, type HostMessage, type WebviewMessage } from './protocol';

/** What the in-host tests read through `cutover.dashboard.debugState`. */
export interface DashboardDebugState {
  readonly open: boolean;
  readonly ready: boolean;
  /** Every message type posted, in order. */
  readonly posted: readonly string[];
  readonly model: DashboardModel | undefined;
  /** The runs opened from the panel, in order. */
  readonly opened: readonly string[];
}

export class DashboardPanel extends AppPanel<HostMessage, WebviewMessage> {
  private opened: string[] = [];
  private model: DashboardModel | undefined;
  /** The stores the model was built from: a click names its run's store by index. */
  private stores: RunStore[] = [];
  private building: Promise<void> | undefined;
  private again = false;

  constructor(extensionUri: vscode.Uri, storeEvents: RunStoreEvents) {
    super(extensionUri, storeEvents, { app: 'dashboard', element: 'cutover-dashboard', title: 'Cutover Dashboard' });
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.attachPanel(panel),
      }),
      storeEvents.onDidChange(() => void this.refresh()),
    );
  }

  /** Opens the Dashboard, or brings it to the front. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    this.attachPanel(vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Cutover Dashboard', vscode.ViewColumn.Active, appWebviewOptions(this.extensionUri)));
  }

  debugState(): DashboardDebugState {
    return { open: this.panel !== undefined, ready: this.ready, posted: [...this.posted], model: this.model, opened: [...this.opened] };
  }

  /** Handles a message as if the app had sent it (the in-host test's click). */
  receiveForTest(message: WebviewMessage): Promise<void> {
    return this.receive(message);
  }

  protected async receive(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.refresh();
        return;
      case 'openRun':
        await this.openRun(message.store, message.id);
        return;
      case 'openLog':
        await this.openLog(message.store, message.runId, message.log, message.line);
        return;
    }
  }

  /** Rebuilds the model and posts it; a change while building runs one more build after it. */
  private async refresh(): Promise<void> {
    if (!this.panel || !this.ready) return;
    if (this.building) {
      this.again = true;
      return this.building;
    }
    this.building = (async () => {
      do {
        this.again = false;
        try {
          this.model = await this.build();
          this.post({ type: 'model', model: this.model });
        } catch (error) {
          logError('Dashboard: reading the run stores', error);
        }
      } while (this.again && this.panel && this.ready);
    })().finally(() => { this.building = undefined; });
    return this.building;
  }

  private async build(): Promise<DashboardModel> {
    // The same store objects each time (workspaceStores keeps them), so each index reads only what was appended.
    this.stores = workspaceStores();
    return gatherDashboard(this.stores);
  }

  /** Opens a run as the Runs view does: its KPIs in the KPI Diff panel when it compared any, else its run.json. */
  private async openRun(storeIndex: number, id: string): Promise<void> {
    const store = this.stores[storeIndex];
    if (!store) return;
    try {
      const record = await store.read(id);
      this.opened.push(id);
      const comparing = record.results.kpis || record.results.reconcile || summarizeRun(record).notPassing.length > 0;
      if (comparing) await vscode.commands.executeCommand('cutover.openKpiDiff', { store, record });
      else await vscode.commands.executeCommand('cutover.openRunManifest', { kind: 'run', store, record });
    } catch (error) {
      logError(`Dashboard: opening run ${id}`, error);
      void vscode.window.showErrorMessage(`Cutover: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Opens a run's log at a line; only a log the run recorded (the message comes from the webview). */
  private async openLog(storeIndex: number, runId: string, log: string, line: number): Promise<void> {
    const store = this.stores[storeIndex];
    const entry = this.model?.logs.find((l) => l.store === storeIndex && l.runId === runId && l.log === log && l.line === line);
    if (!store || !entry) return;
    const uri = vscode.Uri.file(path.join(store.runDir(runId), log));
    const at = new vscode.Position(Math.max(0, line - 1), 0);
    try {
      await vscode.window.showTextDocument(uri, { selection: new vscode.Range(at, at), preview: true });
    } catch (error) {
      logError(`Dashboard: opening ${uri.fsPath}`, error);
      void vscode.window.showErrorMessage(`Cutover: cannot open ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
