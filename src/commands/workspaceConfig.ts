/**
 * The workspace's cutover.json for commands that need all of it: a missing file offers a commented starter, an
 * invalid one is reported with a button that opens it at the first error's line and column. Open cutover.json
 * opens it, or writes the starter when there is none.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoadedConfig } from '../core/config/load';
import { CutoverError } from '../core/errors';
import type { CommandTable } from '../shared/contributions';

/** Writes the commented starter cutover.json at the root of `folder` (never over an existing file) and opens it. */
async function createStarterConfig(folder: vscode.WorkspaceFolder, starterPath: string): Promise<void> {
  const target = vscode.Uri.joinPath(folder.uri, 'cutover.json');
  const starter = await vscode.workspace.fs.readFile(vscode.Uri.file(starterPath));
  // Never overwrite: the file may have appeared since the search.
  const exists = await vscode.workspace.fs.stat(target).then(() => true, (error: unknown) => {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return false;
    throw error;
  });
  if (!exists) await vscode.workspace.fs.writeFile(target, starter);
  await vscode.window.showTextDocument(target);
}

/** Offers to create a commented starter cutover.json at the root of the first workspace folder. */
async function offerStarterConfig(starterPath: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const choice = await vscode.window.showErrorMessage(
    'Cutover: no cutover.json in this workspace. It names the V1 and V2 pipelines, their inputs and thresholds.',
    ...(folder ? ['Create cutover.json'] : []));
  if (!choice || !folder) return;
  await createStarterConfig(folder, starterPath);
}

/** Open cutover.json: the workspace's (a pick when there are several), else the starter, written and opened. */
export async function openWorkspaceConfig(starterPath: string): Promise<void> {
  const files = await vscode.workspace.findFiles('**/cutover.json', '**/node_modules/**', 10);
  if (files.length === 0) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showErrorMessage('Cutover: open a folder first; cutover.json lives at its root.');
      return;
    }
    await createStarterConfig(folder, starterPath);
    return;
  }
  const file = files.length === 1 ? files[0] : (await vscode.window.showQuickPick(
    files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { placeHolder: 'Open which cutover.json?' }))?.uri;
  if (file) await vscode.window.showTextDocument(file);
}

/** The workspace's cutover.json, loaded; an invalid one is reported with a button that opens it at the error. */
export async function loadWorkspaceConfig(starterPath: string): Promise<LoadedConfig | undefined> {
  const files = await vscode.workspace.findFiles('**/cutover.json', '**/node_modules/**', 10);
  if (files.length === 0) {
    void offerStarterConfig(starterPath);
    return undefined;
  }
  const file = files.length === 1 ? files[0]! : (await vscode.window.showQuickPick(
    files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { placeHolder: 'Which cutover.json?' }))?.uri;
  if (!file) return undefined;
  try {
    // zod and the schema load on first use, not at activation.
    const { loadConfig } = await import('../core/config/load');
    return loadConfig(file.fsPath);
  } catch (error) {
    const message = error instanceof CutoverError ? error.message : String(error);
    const place = error instanceof CutoverError ? error.place : undefined;
    void vscode.window.showErrorMessage(`Cutover: ${message}`, 'Open cutover.json').then(async (choice) => {
      if (!choice) return;
      const at = new vscode.Position(Math.max(0, (place?.line ?? 1) - 1), Math.max(0, (place?.column ?? 1) - 1));
      await vscode.window.showTextDocument(file, { selection: new vscode.Range(at, at) });
    });
    return undefined;
  }
}

/** `cutover.openConfig` (Open cutover.json): the walkthrough's second step, and the palette's. */
export function configCommands(context: vscode.ExtensionContext) {
  const starter = context.asAbsolutePath(path.join('media', 'cutover.starter.jsonc'));
  return {
    'cutover.openConfig': () => openWorkspaceConfig(starter),
  } satisfies Partial<CommandTable>;
}
