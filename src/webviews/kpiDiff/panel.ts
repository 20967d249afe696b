/**
 * The KPI Diff panel, host side: one panel, placed in the column beside the run's V2 configuration file so config
 * and numbers sit side by side. It renders only what is on disk (the run record, `.cutover/reviews.json`) and posts
 * nothing before the app's `ready`. A window reload restores it through the serializer from `PanelState`.
 * The modules with zod schemas (the run view, reviews, cutover.json) load on first use, not at activation.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { RunStore } from '../../core/runs/store';
import type { RunStoreEvents } from '../../shared/runStoreEvents';
import { logError, loggedAs, logWarning } from '../../shared/log';
import type { RunRef } from '../../shared/runStores';
import type { ChannelsView } from '../../core/channels/view';
import { causeViews, type CauseView } from '../../core/explain/format';
import type { KpiKey, ReconcileView } from '../../core/runs/viewModel';
import { AppPanel, appWebviewOptions } from '../common/appPanel';
import { KPI_DIFF_VIEW_TYPE, type HostMessage, type PanelState, type WebviewMessage } from './protocol';

/** What the in-host tests read through `cutover.kpiDiff.debugState`. */
export interface KpiDiffDebugState {
  readonly open: boolean;
  readonly visible: boolean;
  readonly viewColumn: number | undefined;
  readonly ready: boolean;
  readonly runId: string | undefined;
  /** Every message type posted, in order (the `ready` handshake shows as nothing before the first). */
  readonly posted: readonly string[];
  readonly lastLoad: Extract<HostMessage, { type: 'load' }> | undefined;
  /** The reconcile run last sent (by `load` or `reconcile`). */
  readonly reconcile: ReconcileView | null;
  /** The channel results last sent (by `load` or `channels`). */
  readonly channels: readonly ChannelsView[];
}

export class KpiDiffPanel extends AppPanel<HostMessage, WebviewMessage> {
  private ref: RunRef | undefined;
  private focus: KpiKey | undefined;
  /** The cause to filter by on the next load (a link from the configuration diff). */
  private cause: string | undefined;
  private lastLoad: Extract<HostMessage, { type: 'load' }> | undefined;
  private reconcile: ReconcileView | null = null;
  private channels: readonly ChannelsView[] = [];

  constructor(extensionUri: vscode.Uri, storeEvents: RunStoreEvents) {
    super(extensionUri, storeEvents, { app: 'kpiDiff', element: 'kpi-diff-app', title: 'KPI Diff' });
    this.disposables.push(vscode.window.registerWebviewPanelSerializer(KPI_DIFF_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const s = state as Partial<PanelState> | undefined;
        const ref = s?.runId && s.workspaceRoot ? await readRun(s.workspaceRoot, s.runId) : undefined;
        if (!ref) {
          panel.dispose();
          return;
        }
        this.attach(panel, ref);
      },
    }));
    // Accepting elsewhere (the Runs view, another window) shows here at once.
    const watcher = vscode.workspace.createFileSystemWatcher('**/.cutover/reviews.json');
    this.disposables.push(watcher, watcher.onDidChange(() => this.postAccepted()), watcher.onDidCreate(() => this.postAccepted()));
    // A `cutover reconcile` in the terminal shows in the chart without reopening the panel.
    this.disposables.push(storeEvents.onDidChange(() => void this.postReconcile()));
    // A run still going (a soak, a load test) grows in the panel as it records, until it lands.
    this.disposables.push(storeEvents.onDidChange(() => void this.followRunning()));
    // So does a `cutover channels validate` of the shown run.
    this.disposables.push(storeEvents.onDidChange(() => void this.postChannels()));
  }

  get current(): RunRef | undefined {
    return this.ref;
  }

  get viewColumn(): vscode.ViewColumn | undefined {
    return this.panel?.viewColumn;
  }

  /** Shows `ref` in the panel beside its V2 configuration file, at `focus` when given, filtered to lines of `cause`. */
  async show(ref: RunRef, focus?: KpiKey, cause?: string): Promise<void> {
    // A load or soak run has no KPIs to read beside a configuration: its charts get the editor's width.
    const column = ref.record.kind === 'load' || ref.record.kind === 'soak' ? vscode.ViewColumn.Active : await besideV2Config(ref);
    this.focus = focus;
    this.cause = cause;
    if (this.panel) {
      const sameRun = this.ref?.record.id === ref.record.id;
      this.ref = ref;
      this.panel.reveal(column, false);
      if (sameRun && focus) this.post({ type: 'focus', focus });
      if (sameRun && cause !== undefined) this.post({ type: 'cause', cause });
      else if (!sameRun) await this.load();
      return;
    }
    const panel = vscode.window.createWebviewPanel(KPI_DIFF_VIEW_TYPE, title(ref), { viewColumn: column, preserveFocus: false }, appWebviewOptions(this.extensionUri));
    this.attach(panel, ref);
  }

  /** Moves the panel to `column` without taking focus (Reveal KPI puts the two configurations left of it). */
  reveal(column: vscode.ViewColumn): void {
    this.panel?.reveal(column, true);
  }

  debugState(): KpiDiffDebugState {
    return {
      open: this.panel !== undefined,
      visible: this.panel?.visible ?? false,
      viewColumn: this.panel?.viewColumn,
      ready: this.ready,
      runId: this.ref?.record.id,
      posted: [...this.posted],
      lastLoad: this.lastLoad,
      reconcile: this.reconcile,
      channels: this.channels,
    };
  }

  /** Re-reads the reviews and shows them (after an acceptance). */
  async postAccepted(): Promise<void> {
    if (!this.ref || !this.ready) return;
    const [{ ReviewStore }, { acceptedLines, runView }] = await Promise.all([import('../../core/reviews/store'), import('../../core/runs/view')]);
    const reviews = await new ReviewStore(this.ref.store.workspaceRoot).list().catch(loggedAs('KPI Diff: reading .cutover/reviews.json', []));
    this.post({ type: 'accepted', accepted: acceptedLines(reviews, runView(this.ref.record).kpis) });
  }

  /** While the shown run is running: re-reads it (its temp folder, or where it landed) and reloads when it changed. */
  async followRunning(): Promise<void> {
    const ref = this.ref;
    if (!ref || !this.ready || ref.record.status !== 'running') return;
    const id = ref.record.id;
    const record = existsSync(ref.store.runDir(id))
      ? await ref.store.read(id).catch(loggedAs(`KPI Diff: reading run ${id} that just landed`, undefined))
      : (await ref.store.running().catch(loggedAs(`KPI Diff: reading the running runs of ${ref.store.root}`, []))).find((r) => r.id === id);
    if (!record || this.ref?.record.id !== id || JSON.stringify(record) === JSON.stringify(ref.record)) return;
    this.ref = { store: ref.store, record };
    await this.load();
  }

  /** Re-reads the latest reconcile run and posts it when it changed. */
  async postReconcile(): Promise<void> {
    if (!this.ref || !this.ready) return;
    const reconcile = await latestReconcile(this.ref);
    if (JSON.stringify(reconcile) === JSON.stringify(this.reconcile)) return;
    this.reconcile = reconcile;
    this.post({ type: 'reconcile', reconcile });
  }

  /** Re-reads the channel results of the shown run and posts them when they changed. */
  async postChannels(): Promise<void> {
    if (!this.ref || !this.ready) return;
    const channels = await channelsOf(this.ref);
    if (JSON.stringify(channels) === JSON.stringify(this.channels)) return;
    this.channels = channels;
    this.post({ type: 'channels', channels });
  }

  private attach(panel: vscode.WebviewPanel, ref: RunRef): void {
    this.ref = ref;
    panel.title = title(ref);
    this.attachPanel(panel);
  }

  protected async receive(message: WebviewMessage): Promise<void> {
    const ref = this.ref;
    if (!ref) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.load();
        return;
      case 'accept':
        await vscode.commands.executeCommand('cutover.acceptDiscrepancy', { store: ref.store, record: ref.record, key: message.key });
        return;
      case 'reveal':
        await vscode.commands.executeCommand('cutover.revealKpi', { store: ref.store, record: ref.record, key: message.key });
        return;
      case 'diffConfigs':
        await vscode.commands.executeCommand('cutover.diffConfigs', { store: ref.store, record: ref.record });
        return;
      case 'loadRows':
        await this.sendRows(ref);
        return;
    }
  }

  private async load(): Promise<void> {
    const ref = this.ref;
    if (!ref || !this.ready || !this.panel) return;
    this.panel.title = title(ref);
    const [{ ReviewStore }, { acceptedLines, runView }] = await Promise.all([import('../../core/reviews/store'), import('../../core/runs/view')]);
    const run = runView(ref.record);
    this.reconcile = await latestReconcile(ref);
    this.channels = await channelsOf(ref);
    const reviews = await new ReviewStore(ref.store.workspaceRoot).list().catch((error: unknown) => {
      logError('KPI Diff: reading .cutover/reviews.json', error);
      void vscode.window.showWarningMessage(`Cutover: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    });
    const message: HostMessage = {
      type: 'load',
      run,
      state: { runId: ref.record.id, workspaceRoot: ref.store.workspaceRoot },
      accepted: acceptedLines(reviews, run.kpis),
      reconcile: this.reconcile,
      channels: this.channels,
      ...(this.focus ? { focus: this.focus } : {}),
      causes: await causesOf(ref),
      ...(this.cause !== undefined ? { cause: this.cause } : {}),
    };
    this.lastLoad = message;
    this.post(message);
  }

  private async sendRows(ref: RunRef): Promise<void> {
    try {
      // Loaded on demand: apache-arrow and DuckDB cost nothing until someone asks for the rows.
      const { FIRST_PAGE, MAX_ROWS, mismatchesIpc } = await import('../../core/engine/mismatchesIpc');
      const dir = ref.store.runDir(ref.record.id);
      const first = await mismatchesIpc(dir, ref.record, 0, FIRST_PAGE);
      const more = first.rows === FIRST_PAGE && first.total > FIRST_PAGE;
      if (this.ref?.record.id !== ref.record.id) return;
      this.post({ type: 'rows', ipc: first.ipc, offset: 0, total: first.total, done: !more });
      if (!more) return;
      const rest = await mismatchesIpc(dir, ref.record, FIRST_PAGE, MAX_ROWS - FIRST_PAGE);
      if (this.ref?.record.id === ref.record.id) this.post({ type: 'rows', ipc: rest.ipc, offset: FIRST_PAGE, total: rest.total, done: true });
    } catch (error) {
      logError(`KPI Diff: reading the mismatching rows of run ${ref.record.id}`, error);
      this.post({ type: 'rowsError', message: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** The panel renders runs by kind: a load or soak run shows its figures, not a KPI diff. */
function title(ref: RunRef): string {
  const what = ref.record.kind === 'load' ? 'Load Test' : ref.record.kind === 'soak' ? 'Soak' : 'KPI Diff';
  return `${what} · ${ref.record.id.slice(0, 15)}`;
}

/** A reconcile run's own days; for any other run the workspace's latest complete reconcile run: the chart is about the data. */
async function latestReconcile(ref: RunRef): Promise<ReconcileView | null> {
  const { reconcileView } = await import('../../core/runs/view');
  if (ref.record.kind === 'reconcile') return reconcileView(ref.record);
  const record = await ref.store.latest('reconcile', 'complete').catch(loggedAs(`KPI Diff: finding the latest reconcile run in ${ref.store.root}`, undefined));
  return record ? reconcileView(record) : null;
}

/** Each not-passing line's cause, when the latest complete `cutover explain` (found through the index) is of this run. */
async function causesOf(ref: RunRef): Promise<CauseView[]> {
  if (ref.record.kind !== 'shadow') return [];
  const latest = await ref.store.latest('explain', 'complete').catch(loggedAs(`KPI Diff: finding the latest explain run in ${ref.store.root}`, undefined));
  const explain = latest?.results.explain;
  return explain?.shadowRun === ref.record.id ? causeViews(explain.lines) : [];
}

/** The run's channel results: its own, or the channels runs that validated its deliveries. */
async function channelsOf(ref: RunRef): Promise<ChannelsView[]> {
  const { channelsViews } = await import('../../core/channels/view');
  const runs = ref.record.kind === 'channels' ? [] : await ref.store.ofKind('channels').catch(loggedAs(`KPI Diff: listing the channels runs in ${ref.store.root}`, []));
  return channelsViews(ref.record, runs, ref.store.workspaceRoot);
}

async function readRun(workspaceRoot: string, runId: string): Promise<RunRef | undefined> {
  const store = new RunStore(workspaceRoot);
  try {
    return { store, record: await store.read(runId) };
  } catch (error) {
    // The run was deleted since the window closed: the restored panel closes.
    logWarning(`KPI Diff: restoring the panel of run ${runId}`, error);
    return undefined;
  }
}

/** The column right of the run's V2 configuration file, opening that file in column One when it is not visible. */
async function besideV2Config(ref: RunRef): Promise<vscode.ViewColumn> {
  const { configFilesOf } = await import('../../core/config/pipelineConfigFiles');
  const file = configFilesOf(ref.record, ref.store.workspaceRoot).v2[0];
  if (!file) return vscode.ViewColumn.Beside;
  let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === file);
  if (!editor) {
    try {
      editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One, preview: false });
    } catch (error) {
      logWarning(`KPI Diff: opening the V2 configuration ${file}`, error);
      return vscode.ViewColumn.Beside;
    }
  }
  return ((editor.viewColumn ?? vscode.ViewColumn.One) + 1) as vscode.ViewColumn;
}
