/** Helpers for in-host tests: reach the live extension, wait for conditions, ask the driver for real clicks. */
import * as vscode from 'vscode';
import type { CutoverApi } from '../../src/extension';

export const EXTENSION_ID = 'cutover.cutover';

export async function cutoverApi(): Promise<CutoverApi> {
  const extension = vscode.extensions.getExtension<CutoverApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded in this host`);
  return extension.activate();
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asks the Playwright driver outside the host to click a tree item's checkbox (no API can). */
export function requestCheckboxClick(treeItemLabel: string): void {
  console.log(`CUTOVER-DRIVER ${JSON.stringify({ treeCheckbox: treeItemLabel })}`);
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test host has no workspace folder');
  return folder.uri;
}
