/**
 * The status bar item of a `cutover watch` in progress: what it runs now or when it runs next, read from the
 * watch's own `.cutover/watch.json` (written by the CLI, removed when it ends; a file whose process died is
 * ignored). An alert the watch reports for the first time raises a notification with Open KPI Diff and Evaluate
 * Go/No-Go on the run it names.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WATCH_STATE_FILE, type WatchState } from '../core/metrics/watchState';
import { isAlive } from '../core/runs/lock';
import { RunStore } from '../core/runs/store';
import { logWarning } from '../shared/log';

const PATTERN = `**/${WATCH_STATE_FILE.split(path.sep).join('/')}`;

export class WatchStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cutover.watch', vscode.StatusBarAlignment.Left, 9);
  private readonly watcher = vscode.workspace.createFileSystemWatcher(PATTERN);
  /** Alerts already announced, by name and run: each is announced once. */
  private readonly announced = new Set<string>();
  /** A watch's process may die without removing its file (kill -9): looked at again while one shows. */
  private readonly poll = setInterval(() => { if (this.shown) void this.refresh(); }, 10_000);
  private shown = false;
  /** The last notification's text (in-host tests read it). */
  lastNotice: string | undefined;

  constructor() {
    this.item.name = 'Cutover Watch';
    this.item.command = 'cutover.cancelRun';
    const refresh = (): void => void this.refresh();
    this.watcher.onDidCreate(refresh);
    this.watcher.onDidChange(refresh);
    this.watcher.onDidDelete(refresh);
    refresh();
  }

  /** What the item shows now (undefined when hidden). */
  get text(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  async refresh(): Promise<void> {
    const files = await vscode.workspace.findFiles(PATTERN, '**/node_modules/**', 10);
    const states: { file: string; state: WatchState }[] = [];
    for (const uri of files) {
      try {
        const state = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as WatchState;
        if (isAlive(state.pid)) states.push({ file: uri.fsPath, state });
      } catch (error) {
        // Removed between the search and the read (the watch ended), or caught mid-rename: the next event tells.
        if (!(error instanceof vscode.FileSystemError)) logWarning(`reading the watch state ${uri.fsPath}`, error);
      }
    }
    this.render(states[0]?.state);
    for (const { file, state } of states) this.announce(path.dirname(path.dirname(file)), state);
  }

  private render(state: WatchState | undefined): void {
    this.shown = state !== undefined;
    if (!state) {
      this.item.hide();
      return;
    }
    const next = state.next ? new Date(state.next.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : undefined;
    this.item.text = state.running ? `$(sync~spin) Watch · ${state.running.kind} running` : `$(eye) Watch · next ${state.next?.kind ?? 'run'} ${next ?? ''}`.trimEnd();
    const lines = [
      `Cutover watch (pid ${state.pid}): a shadow run every ${state.everySeconds} s${state.dailyReconcile ? `, a reconciliation daily at ${state.dailyReconcile}` : ''}.`,
      ...(state.last ? [`Last: ${state.last.kind} run ${state.last.runId}, exit ${state.last.exitCode}.`] : []),
      ...(state.alerts.length > 0 ? [`Firing: ${state.alerts.map((a) => a.name).join(', ')}.`] : ['No alert firing.']),
      'Click to stop it (Cancel Run).',
    ];
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor = state.alerts.length > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  private announce(workspaceRoot: string, state: WatchState): void {
    const fresh = state.alerts.filter((a) => !this.announced.has(`${a.name}\u0000${a.runId}`));
    if (fresh.length === 0) return;
    for (const a of fresh) this.announced.add(`${a.name}\u0000${a.runId}`);
    const first = fresh[0]!;
    this.lastNotice = `Cutover watch: ${first.name}: ${first.summary}${fresh.length > 1 ? ` (+${fresh.length - 1} more)` : ''}`;
    void this.offer(this.lastNotice, workspaceRoot, first.runId);
  }

  /** The notification, and the run it names opened as the person chooses. */
  private async offer(text: string, workspaceRoot: string, runId: string): Promise<void> {
    try {
      const choice = await vscode.window.showWarningMessage(text, 'Open KPI Diff', 'Evaluate Go/No-Go');
      if (choice === undefined) return;
      const store = new RunStore(workspaceRoot);
      const run = { store, record: await store.read(runId) };
      await vscode.commands.executeCommand(choice === 'Open KPI Diff' ? 'cutover.openKpiDiff' : 'cutover.evaluateGate', run);
    } catch (error) {
      logWarning(`opening run ${runId} from a watch alert`, error);
    }
  }

  dispose(): void {
    clearInterval(this.poll);
    this.watcher.dispose();
    this.item.dispose();
  }
}
