/** Messages between the Readiness Report webview and its host (panel.ts); the page's inline script sends them. */

/** What the page asks the host. */
export type ReadinessToHost =
  | { readonly type: 'export' }
  | { readonly type: 'refresh' };

export function isReadinessMessage(value: unknown): value is ReadinessToHost {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'export' || type === 'refresh';
}
