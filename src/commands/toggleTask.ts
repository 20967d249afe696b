/**
 * The one place a checklist checkbox is written back to its plan: both the tree's checkbox event and the tests
 * call it. The edit is a minimal WorkspaceEdit at the box offsets (undo works, an unsaved buffer is edited, never
 * overwritten from disk) and is refused when the text under the tree moved since it was drawn.
 */
import * as vscode from 'vscode';
import { ConflictError } from '../core/errors';
import type { PlanTask, TextEdit } from '../core/plan/model';
import { toggleEdits } from '../core/plan/toggle';
import type { PlanEntry } from '../views/planSource';

export interface ToggleResult {
  /** False when the task already had the requested state. */
  readonly changed: boolean;
  /** True when the plan was saved after the edit (it had no unsaved changes before). */
  readonly saved: boolean;
}

/** `options.edits` replaces the box edits when more goes with them (Tick with Evidence adds the run's link). */
export async function toggleTask(entry: PlanEntry, task: PlanTask, done: boolean, options: { save: boolean; edits?: (current: string) => TextEdit[] }): Promise<ToggleResult> {
  if (task.done === done) return { changed: false, saved: false };
  const document = await vscode.workspace.openTextDocument(entry.uri);
  const current = document.getText();
  const drawn = entry.text ?? '';
  // The whole item must read as it did when the tree was drawn: a box char alone could match by accident.
  if (current.slice(task.start, task.end) !== drawn.slice(task.start, task.end)) {
    throw new ConflictError(`line ${task.line + 1} changed since the checklist was drawn; nothing was written and the checklist was refreshed`, { file: entry.label, line: task.line + 1 });
  }
  const edits = options.edits ? options.edits(current) : toggleEdits(current, task, done);
  const wasDirty = document.isDirty;
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.text);
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new ConflictError('VS Code refused the edit (is the file read-only?)', { file: entry.label, line: task.line + 1 });
  }
  const saved = options.save && !wasDirty ? await document.save() : false;
  return { changed: true, saved };
}
