/**
 * Modal confirmations (Delete Run, Roll Back, Roll Forward). The in-host tests cannot click a modal dialog, so with
 * the test hooks on (see testHooks.ts) they queue the answers the next dialogs get; the dialog's text is kept for
 * them to read. Nothing else can queue an answer: the hook is not registered outside the tests.
 */
import * as vscode from 'vscode';

const queued: boolean[] = [];
let last: { readonly message: string; readonly detail: string | undefined } | undefined;

/** Asks with a modal warning; true only when the person picks `action`. */
export async function confirm(message: string, action: string, detail?: string): Promise<boolean> {
  last = { message, detail };
  const answer = queued.shift();
  if (answer !== undefined) return answer;
  return (await vscode.window.showWarningMessage(message, { modal: true, ...(detail !== undefined ? { detail } : {}) }, action)) === action;
}

/** For the test hooks: the answers the next confirmations get, and the last confirmation asked. */
export const scriptedConfirmations = {
  answer(...answers: boolean[]): void {
    queued.push(...answers);
  },
  get last(): { readonly message: string; readonly detail: string | undefined } | undefined {
    return last;
  },
};
