/**
 * Registers the command table (see contributions.ts). A handler that throws is reported once, by the extension: the
 * error goes to the Cutover log with the command's id and shows as a notification with "Show Log".
 */
import * as vscode from 'vscode';
import type { CommandTable } from './contributions';
import { reportError } from './log';

export function registerCommands(table: CommandTable): vscode.Disposable[] {
  return Object.entries(table).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await (handler as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        reportError(id, error);
        return undefined;
      }
    }));
}
