/**
 * Context keys Cutover sets, for `when` clauses and the walkthrough's completion events (`onContext:` in
 * package.json). VS Code offers no way to read a context key back, so each value set is also kept here, where the
 * in-host tests read it.
 */
import * as vscode from 'vscode';

export const CONTEXT_KEYS = {
  /** A shadow run has landed in a run store of the workspace: the walkthrough's "Start a shadow run" step is done. */
  hasShadowRun: 'cutover.hasShadowRun',
} as const;

export type ContextKeyName = (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS];

export class ContextKeys {
  private readonly values = new Map<ContextKeyName, boolean>();

  get(name: ContextKeyName): boolean | undefined {
    return this.values.get(name);
  }

  async set(name: ContextKeyName, value: boolean): Promise<void> {
    if (this.values.get(name) === value) return;
    await vscode.commands.executeCommand('setContext', name, value);
    this.values.set(name, value);
  }
}
