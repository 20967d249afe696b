/** Helpers for in-host tests: reach the live extension, wait for conditions. */
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

/** Resolves once `event` has not fired for `ms` milliseconds (gives up after 10 s of continuous firing). */
export function quiet(event: vscode.Event<unknown>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const giveUp = setTimeout(() => { done(); reject(new Error(`still changing after 10 s (waited for ${ms} ms of quiet)`)); }, 10_000);
    let timer = setTimeout(() => { done(); resolve(); }, ms);
    const subscription = event(() => {
      clearTimeout(timer);
      timer = setTimeout(() => { done(); resolve(); }, ms);
    });
    function done(): void {
      clearTimeout(giveUp);
      clearTimeout(timer);
      subscription.dispose();
    }
  });
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test host has no workspace folder');
  return folder.uri;
}
