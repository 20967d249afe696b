/**
 * The pages of the webview panels, host side: the per-page nonce, and the page of an app bundled under dist/webview
 * with its stylesheets from media/webview, under a strict CSP.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { htmlDocument } from '../../core/html';

/** A fresh nonce for one page: only scripts (and styles) carrying it run. */
export function pageNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface AppPage {
  /** The bundle's name: dist/webview/<app>.js and media/webview/<app>.css. */
  readonly app: string;
  /** The custom element the bundle defines, which the page holds. */
  readonly element: string;
  readonly title: string;
}

/** The page of a bundled app: the shared chart styles, the app's own, its element and its module script. */
export function appHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: AppPage): string {
  const nonce = pageNonce();
  const uri = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return htmlDocument({
    csp,
    title: page.title,
    head: [uri('media', 'webview', 'charts.css'), uri('media', 'webview', `${page.app}.css`)].map((href) => `<link rel="stylesheet" href="${href}">`).join('\n'),
    body: `<${page.element}></${page.element}>
<script type="module" nonce="${nonce}" src="${uri('dist', 'webview', `${page.app}.js`)}"></script>`,
  });
}
