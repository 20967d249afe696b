/**
 * Notifications that offer actions (a run's outcome). The in-host tests cannot click a notification, so with the
 * test hooks on (see testHooks.ts) they read what the last one showed and queue the action the next one gets, as
 * confirm.ts does for modal dialogs. Nothing else can queue an answer: the hook is not registered outside the tests.
 */
import * as vscode from 'vscode';

export type Severity = 'info' | 'warning' | 'error';

export interface Notification {
  readonly severity: Severity;
  readonly message: string;
  readonly actions: readonly string[];
}

const SHOW: Record<Severity, (message: string, ...actions: string[]) => Thenable<string | undefined>> = {
  info: (message, ...actions) => vscode.window.showInformationMessage(message, ...actions),
  warning: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
  error: (message, ...actions) => vscode.window.showErrorMessage(message, ...actions),
};

const queued: string[] = [];
let last: Notification | undefined;

/** Shows `message` with its actions; the action picked, undefined when the notification is dismissed. */
export async function notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined> {
  last = { severity, message, actions };
  const answer = queued.shift();
  if (answer !== undefined) return answer;
  return SHOW[severity](message, ...actions);
}

/** For the test hooks: the actions the next notifications get, and the last notification shown. */
export const scriptedNotifications = {
  answer(...actions: string[]): void {
    queued.push(...actions);
  },
  get last(): Notification | undefined {
    return last;
  },
};
