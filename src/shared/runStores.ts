/** The workspace's run stores (`.cutover/runs/`, one per workspace folder) and a run found in one of them. */
import * as vscode from 'vscode';
import type { RunRecord } from '../core/runs/record';
import { RunStore } from '../core/runs/store';

/** A recorded run and the store that holds it. */
export interface RunRef {
  readonly store: RunStore;
  readonly record: RunRecord;
}

/** One run store per workspace folder. */
export function workspaceStores(): RunStore[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => new RunStore(f.uri.fsPath));
}
