/**
 * "Tick with Evidence": the edits that check a task and link the run record that proves it, appended to the end of
 * the task's first line (`([evidence: run <id>](<path to run.json>))`). The boxes are set by `toggleEdits` (the
 * checkbox click's one rule, refused when the text moved); a link to the same run already on the line is not added
 * twice.
 */
import type { PlanTask, TextEdit } from '../plan/model';
import { toggleEdits } from '../plan/toggle';

/** The markdown link to a run record, `runJsonPath` relative to the plan's folder (forward slashes). */
export function evidenceLink(runId: string, runJsonPath: string): string {
  return `([evidence: run ${runId}](${encodeURI(runJsonPath.replace(/\\/g, '/'))}))`;
}

export function tickWithEvidenceEdits(text: string, task: PlanTask, runId: string, runJsonPath: string): TextEdit[] {
  const edits = toggleEdits(text, task, true);
  const lineEnd = firstLineEnd(text, task.start);
  const line = text.slice(task.start, lineEnd);
  if (!line.includes(`evidence: run ${runId}`)) {
    // Before any trailing spaces, so a markdown hard break (two spaces) stays at the end of the line.
    const at = task.start + line.replace(/[ \t]+$/, '').length;
    edits.push({ offset: at, length: 0, text: ` ${evidenceLink(runId, runJsonPath)}` });
  }
  return edits;
}

function firstLineEnd(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  const end = lf === -1 ? text.length : lf;
  return text[end - 1] === '\r' ? end - 1 : end;
}
