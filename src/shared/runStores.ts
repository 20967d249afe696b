/** The workspace's run stores (`.cutover/runs/`, one per workspace folder) and a run found in one of them. */
import * as vscode from 'vscode';
import type { RunRecord } from '../core/runs/record';
import { RunStore } from '../core/runs/store';
import { logWarning } from './log';

/** A recorded run and the store that holds it. */
export interface RunRef {
  readonly store: RunStore;
  readonly record: RunRecord;
}

/** Store objects by workspace root, kept so each store's index is parsed once and then read as it grows. */
const stores = new Map<string, RunStore>();

/** One run store per workspace folder. */
export function workspaceStores(): RunStore[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => {
    const root = f.uri.fsPath;
    let store = stores.get(root);
    if (!store) {
      store = new RunStore(root);
      // A rebuilt index, or a run left out of it, is said in the Cutover log.
      store.index((message) => logWarning('Run index', message));
      stores.set(root, store);
    }
    return store;
  });
}
