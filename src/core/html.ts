/**
 * The HTML every page of the product is built on: one escaper and one document shell, shared by the readiness
 * report's self-contained file and the webview panels, so the charset, viewport and CSP meta stand in one place.
 */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface HtmlPage {
  /** The Content-Security-Policy, as the meta tag's content. */
  readonly csp: string;
  /** Plain text: escaped here. */
  readonly title: string;
  /** Markup for the head after the title (stylesheets, a style element). */
  readonly head: string;
  /** Attributes of the body element, already escaped (e.g. ` data-root="…"`). */
  readonly bodyAttributes?: string;
  readonly body: string;
}

/** A whole HTML document around `page`. */
export function htmlDocument(page: HtmlPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${page.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
${page.head}
</head>
<body${page.bodyAttributes ?? ''}>
${page.body}
</body>
</html>
`;
}
