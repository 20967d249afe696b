/**
 * The "Cutover" log (a LogOutputChannel: Output panel, level set by the user). Every error the extension catches and
 * carries on from is written here with what it was doing, so nothing fails silently; the extension's own error
 * notifications offer "Show Log". Created by activate() and disposed with the extension.
 */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function createLog(): vscode.Disposable {
  const created = vscode.window.createOutputChannel('Cutover', { log: true });
  channel = created;
  return {
    dispose: () => {
      if (channel === created) channel = undefined;
      created.dispose();
    },
  };
}

/** `context: message`, with the stack of an unexpected error (a CutoverError's message says all there is). */
function describe(context: string, error: unknown): string {
  if (!(error instanceof Error)) return `${context}: ${String(error)}`;
  const typed = typeof (error as { kind?: unknown }).kind === 'string';
  return `${context}: ${typed || !error.stack ? error.message : error.stack}`;
}

/** Logs an error caught while `context` (e.g. "reading the runs of /ws"); without a channel (not activated), stderr. */
export function logError(context: string, error: unknown): void {
  if (channel) channel.error(describe(context, error));
  else console.error(`Cutover: ${describe(context, error)}`);
}

export function logWarning(context: string, error: unknown): void {
  if (channel) channel.warn(describe(context, error));
  else console.warn(`Cutover: ${describe(context, error)}`);
}

export function logInfo(message: string): void {
  channel?.info(message);
}

/** For `.catch(...)`: logs the error with `context` and goes on with `fallback`. */
export function loggedAs<T>(context: string, fallback: T): (error: unknown) => T {
  return (error) => {
    logError(context, error);
    return fallback;
  };
}

export function showLog(): void {
  channel?.show(true);
}

const SHOW_LOG = 'Show Log';

/**
 * An error notification of the extension's own (not a run's verdict): the message, the given actions and "Show
 * Log". Resolves with the action picked (Show Log is handled here).
 */
export async function showErrorWithLog(message: string, ...actions: string[]): Promise<string | undefined> {
  const choice = await vscode.window.showErrorMessage(message, ...actions, SHOW_LOG);
  if (choice === SHOW_LOG) showLog();
  return choice === SHOW_LOG ? undefined : choice;
}

/** Logs `error` with `context` and shows it as an error notification with "Show Log". */
export function reportError(context: string, error: unknown): void {
  logError(context, error);
  void showErrorWithLog(`Cutover: ${context} failed: ${error instanceof Error ? error.message : String(error)}`);
}
