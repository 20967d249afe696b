/**
 * One change event for the workspace's run stores (`.cutover/runs/`), shared by the Runs view, the Runbooks view and
 * the KPI Diff panel. A run lands by renaming its temp folder, and file watchers do not always report that rename
 * (code-server's misses it now and then), so every watcher event, and `nudge()`, also starts a short poll of the
 * stores' fingerprints: it fires when a store's folder list changes, keeps going while a run is in progress, and
 * stops after a few quiet seconds.
 */
import * as vscode from 'vscode';
import type { RunStore } from '../core/runs/store';

const DEBOUNCE_MS = 200;
const POLL_MS = 500;
/** Polls without a change (and no run in progress) before the poll stops: 3 s. */
const QUIET_POLLS = 6;

export class RunStoreEvents implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires (debounced) after a run store changed. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private quiet = 0;
  private signature: string | undefined;
  private disposed = false;

  constructor(private readonly stores: () => readonly RunStore[]) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.cutover/runs/**');
    const changed = (): void => this.nudge();
    this.disposables.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed));
  }

  /** A store may have changed (a watcher event, a CLI the extension ran): fire soon and watch closely for a while. */
  nudge(): void {
    if (this.disposed) return;
    this.fireSoon();
    this.quiet = 0;
    if (!this.poll) this.poll = setTimeout(() => void this.check(), POLL_MS);
  }

  private fireSoon(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.emitter.fire(), DEBOUNCE_MS);
  }

  private async check(): Promise<void> {
    const prints = await Promise.all(this.stores().map((s) => s.fingerprint().catch(() => ({ names: '', busy: false }))));
    if (this.disposed) return;
    const signature = prints.map((p) => p.names).join('\0');
    if (this.signature !== undefined && signature !== this.signature) {
      this.fireSoon();
      this.quiet = 0;
    } else if (!prints.some((p) => p.busy)) {
      this.quiet += 1;
    }
    this.signature = signature;
    this.poll = this.quiet >= QUIET_POLLS ? undefined : setTimeout(() => void this.check(), POLL_MS);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.debounce);
    clearTimeout(this.poll);
    for (const d of this.disposables) d.dispose();
  }
}
