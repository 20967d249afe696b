/**
 * One change event for the workspace's run stores (`.cutover/runs/`), shared by the Runs view, the Runbooks view and
 * the KPI Diff panel. A run lands by renaming its temp folder, and file watchers do not always report that rename
 * or a new temp folder at all (code-server's miss them now and then), so every watcher event, `nudge()` and a launch
 * (`watchWhile`) also start a short poll of the stores' fingerprints: it fires when a fingerprint changes, keeps
 * going while a run is in progress or a launch is pending, and after a few quiet seconds stops, or goes on slowly
 * while a view or panel that shows the stores is on screen (`observe`).
 */
import * as vscode from 'vscode';
import type { RunStore } from '../core/runs/store';
import { loggedAs } from './log';

const DEBOUNCE_MS = 200;
const POLL_MS = 500;
/** Polls without a change (and no run in progress) before the poll slows down or stops: 3 s. */
const QUIET_POLLS = 6;
/** While something on screen shows the stores (see observe), a quiet poll goes on at this pace. */
const IDLE_POLL_MS = 2000;

export class RunStoreEvents implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires (debounced) after a run store changed. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private quiet = 0;
  /** Launches in flight that keep the poll going (see watchWhile). */
  private holds = 0;
  /** Views and panels on screen that keep an idle poll going (see observe). */
  private observers = 0;
  private signature: string | undefined;
  private disposed = false;

  constructor(private readonly stores: () => readonly RunStore[]) {
    const changed = (): void => this.nudge();
    // Reviews change the go/no-go the views show, whoever wrote them (the panel, `cutover review` in a terminal).
    for (const glob of ['**/.cutover/runs/**', '**/.cutover/reviews.json']) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      this.disposables.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed));
    }
  }

  /**
   * Watches closely for as long as `done` is pending (a CLI the extension launched): its run may start late and its
   * temp folder may never be reported by the watcher.
   */
  watchWhile(done: Promise<unknown>): void {
    this.holds += 1;
    this.nudge();
    const release = (): void => {
      this.holds -= 1;
      this.nudge();
    };
    done.then(release, release);
  }

  /**
   * Keeps an idle poll (every 2 s) going until the returned disposable is disposed: for a view or panel on screen,
   * so a run that no watcher event announced (a CLI in another terminal) still shows up.
   */
  observe(): vscode.Disposable {
    this.observers += 1;
    if (!this.poll && !this.disposed) this.poll = setTimeout(() => void this.check(), POLL_MS);
    let disposed = false;
    return { dispose: () => { if (!disposed) { disposed = true; this.observers -= 1; } } };
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
    const prints = await Promise.all(this.stores().map((s) => s.fingerprint().catch(loggedAs(`reading the run store ${s.root}`, { names: '', busy: false }))));
    if (this.disposed) return;
    const signature = prints.map((p) => p.names).join('\0');
    if (this.signature !== undefined && signature !== this.signature) {
      this.fireSoon();
      this.quiet = 0;
    } else if (this.holds === 0 && !prints.some((p) => p.busy)) {
      this.quiet += 1;
    }
    this.signature = signature;
    const delay = this.quiet < QUIET_POLLS ? POLL_MS : this.observers > 0 ? IDLE_POLL_MS : undefined;
    this.poll = delay === undefined ? undefined : setTimeout(() => void this.check(), delay);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.debounce);
    clearTimeout(this.poll);
    for (const d of this.disposables) d.dispose();
  }
}

/** Observes the stores (see RunStoreEvents.observe) while any of `views` is visible. */
export function observeWhileVisible(views: readonly vscode.TreeView<unknown>[], storeEvents: RunStoreEvents): vscode.Disposable {
  let observing: vscode.Disposable | undefined;
  const update = (): void => {
    const visible = views.some((v) => v.visible);
    if (visible && !observing) observing = storeEvents.observe();
    if (!visible && observing) {
      observing.dispose();
      observing = undefined;
    }
  };
  const subscriptions = views.map((v) => v.onDidChangeVisibility(update));
  update();
  return { dispose: () => { observing?.dispose(); for (const s of subscriptions) s.dispose(); } };
}
