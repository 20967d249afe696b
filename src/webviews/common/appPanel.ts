/**
 * What the app panels (Dashboard, KPI Diff) share, host side: one webview panel at a time showing a bundled app, the
 * `ready` handshake (nothing is posted before the app says it listens, nor while its webview is hidden and torn
 * down), the record of what was posted (the in-host tests read it), and the panel's lifecycle. A subclass says what
 * the panel shows and answers the app's messages.
 */
import * as vscode from 'vscode';
import type { RunStoreEvents } from '../../shared/runStoreEvents';
import { appHtml, type AppPage } from './html';

/** Scripts on; resources only from the bundles and the media folder. */
export function appWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export abstract class AppPanel<HostMessage extends { readonly type: string }, WebviewMessage> implements vscode.Disposable {
  protected panel: vscode.WebviewPanel | undefined;
  /** The app said `ready` and its webview has not been torn down since. */
  protected ready = false;
  /** Every message type posted to the current panel, in order. */
  protected posted: string[] = [];
  protected readonly disposables: vscode.Disposable[] = [];

  constructor(protected readonly extensionUri: vscode.Uri, protected readonly storeEvents: RunStoreEvents, private readonly page: AppPage) {}

  protected abstract receive(message: WebviewMessage): Promise<void>;

  /** Shows the app in `panel` (a new one, or one a serializer restored). */
  protected attachPanel(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.posted = [];
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'cutover.svg');
    panel.webview.options = appWebviewOptions(this.extensionUri);
    panel.webview.html = appHtml(panel.webview, this.extensionUri, this.page);
    const subscriptions = [
      // While the panel is open, a run made in any terminal reaches it even when no watcher event announces it.
      this.storeEvents.observe(),
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => this.receive(m)),
      // A hidden webview is torn down; it says `ready` again when shown.
      panel.onDidChangeViewState(() => { if (!panel.visible) this.ready = false; }),
    ];
    panel.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
      }
    });
  }

  protected post(message: HostMessage): void {
    if (!this.panel || !this.ready) return;
    this.posted.push(message.type);
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
