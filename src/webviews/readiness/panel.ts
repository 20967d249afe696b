/**
 * "Cutover: Open Readiness Report": the readiness report (core/readiness/render.ts, the same content as `cutover
 * readiness`) in a webview that follows the evidence as it changes, with Export… to a self-contained HTML or a
 * Markdown file. Strict CSP with a nonce (the page loads nothing; its one inline script posts Export and Refresh),
 * colours from the theme.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { escapeHtml, htmlDocument } from '../../core/html';
import { renderHtml, renderHtmlBody, renderMarkdown, VERDICT_TEXT } from '../../core/readiness/render';
import type { ReadinessRoot } from '../../core/readiness/workspace';
import { logWarning } from '../../shared/log';
import { pageNonce } from '../common/html';
import { isReadinessMessage } from './protocol';

export type ExportFormat = 'html' | 'md';

export const READINESS_VIEW_TYPE = 'cutover.readiness';

/** Where the panel reads the readiness (commands/readinessState.ts, handed in by extension.ts). */
export interface ReadinessSource {
  readonly all: readonly ReadinessRoot[];
  readonly onDidChange: vscode.Event<void>;
  refresh(): Promise<void>;
}

export class ReadinessPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private root: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly state: ReadinessSource) {
    this.disposables.push(
      state.onDidChange(() => this.render()),
      // After a reload the panel comes back for the workspace it showed (the page keeps its root in its state).
      vscode.window.registerWebviewPanelSerializer(READINESS_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, saved: unknown) => {
          const root = (saved as { root?: unknown } | undefined)?.root;
          if (typeof root !== 'string') {
            panel.dispose();
            return;
          }
          this.attach(panel, root);
          await this.state.refresh();
          this.render();
        },
      }),
    );
  }

  /** The workspace the panel shows and its readiness (tests read it). */
  get current(): ReadinessRoot | undefined {
    return this.state.all.find((r) => r.root === this.root);
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  async show(root: string): Promise<void> {
    if (!this.panel) {
      this.attach(vscode.window.createWebviewPanel(READINESS_VIEW_TYPE, 'Cutover Readiness', vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
        retainContextWhenHidden: false,
      }), root);
    } else {
      this.root = root;
      this.panel.reveal();
    }
    await this.state.refresh();
    this.render();
  }

  private attach(panel: vscode.WebviewPanel, root: string): void {
    this.panel = panel;
    this.root = root;
    panel.onDidDispose(() => { if (this.panel === panel) this.panel = undefined; }, undefined, this.disposables);
    panel.webview.onDidReceiveMessage((message: unknown) => {
      if (!isReadinessMessage(message)) return;
      if (message.type === 'refresh') void this.state.refresh();
      else void this.export().catch((error: unknown) => {
        logWarning('Readiness: exporting the report', error);
        void vscode.window.showErrorMessage(`Cutover: the report could not be exported: ${(error as Error).message}`);
      });
    }, undefined, this.disposables);
  }

  /** Export…: HTML or Markdown, to a file the user picks (tests pass both). Resolves to the file written. */
  async export(format?: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const shown = this.current;
    if (!shown) return undefined;
    const chosen = format ?? (await vscode.window.showQuickPick(
      [{ label: 'HTML', description: 'one self-contained file', format: 'html' as const }, { label: 'Markdown', format: 'md' as const }],
      { placeHolder: 'Export the readiness report as' }))?.format;
    if (!chosen) return undefined;
    const file = target ?? await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(shown.root, `readiness.${chosen}`)),
      filters: chosen === 'html' ? { HTML: ['html'] } : { Markdown: ['md'] },
    });
    if (!file) return undefined;
    const text = chosen === 'html' ? renderHtml(shown.readiness) : renderMarkdown(shown.readiness);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
    void vscode.window.showInformationMessage(`Cutover: readiness report written to ${vscode.workspace.asRelativePath(file)}`);
    return file;
  }

  private render(): void {
    const shown = this.current;
    if (!this.panel || !shown) return;
    this.panel.title = `Cutover Readiness: ${VERDICT_TEXT[shown.readiness.verdict]}`;
    this.panel.webview.html = this.html(shown, this.panel.title);
  }

  private html(shown: ReadinessRoot, title: string): string {
    const nonce = pageNonce();
    const problem = shown.problem ? `<p class="bad">cutover.json cannot be used: ${escapeHtml(shown.problem)}</p>` : '';
    return htmlDocument({
      csp: [`default-src 'none'`, `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; '),
      title,
      head: `<style nonce="${nonce}">
body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 1.5rem 2rem; }
.toolbar { position: sticky; top: 0; display: flex; gap: 0.5rem; padding: 0.6rem 0; background: var(--vscode-editor-background); }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 0.3rem 0.8rem; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
table { border-collapse: collapse; margin: 0.4rem 0 1rem; }
th, td { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: var(--vscode-editorWidget-background); }
.good { color: var(--vscode-testing-iconPassed); } .bad { color: var(--vscode-testing-iconFailed); } .warn { color: var(--vscode-problemsWarningIcon-foreground); }
</style>`,
      bodyAttributes: ` data-root="${escapeHtml(shown.root)}"`,
      body: `<div class="toolbar"><button id="export">Export…</button><button id="refresh" class="secondary">Refresh</button></div>
${problem}
${renderHtmlBody(shown.readiness)}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
vscode.setState({ root: document.body.dataset.root });
document.getElementById('export').addEventListener('click', () => vscode.postMessage({ type: 'export' }));
document.getElementById('refresh').addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
</script>`,
    });
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
