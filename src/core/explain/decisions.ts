/**
 * What reviewers decided about a configuration change's effect, pure: an acceptance is the reviews (in
 * `.cutover/reviews.json`) of exactly the KPI lines the explanation attributes to that key; a regression is an open
 * task in the plan's checklist that names the key and links the evidence. Both are read back from those files, so
 * a reopened diff shows the same decisions as every other surface.
 */
import type { Plan, PlanSection, PlanTask, TextEdit } from '../plan/model';
import { covers, type Review } from '../reviews/store';
import type { ExplainResults } from '../runs/results';
import { linesCausedBy } from './format';

export interface KeyAcceptance {
  /** Reviews in force, one per attributed line, newest first. */
  readonly reviews: readonly Review[];
  /** Attributed lines no review in force covers (a partly accepted key). */
  readonly open: number;
}

/** The reviews in force that accept the lines attributed to `key`; undefined when no line has one. */
export function acceptanceOf(key: string, explain: ExplainResults, reviews: readonly Review[]): KeyAcceptance | undefined {
  const lines = linesCausedBy(key, explain.lines);
  const found = lines.map((l) => reviews.filter((r) => covers(r, l)).at(-1));
  const inForce = found.filter((r): r is Review => r !== undefined);
  if (inForce.length === 0) return undefined;
  return { reviews: [...inForce].sort((a, b) => b.when.localeCompare(a.when)), open: lines.length - inForce.length };
}

export const REGRESSIONS_HEADING = 'Regressions found by cutover explain';
const TASK_PREFIX = 'Regression: ';

/** The checklist line of a regression: the key in code, its effect, who marked it and when, the evidence. */
export function regressionTaskLine(key: string, effect: string, evidence: string, who: string, when: Date, reason: string): string {
  const day = when.toISOString().slice(0, 10);
  const why = reason.trim() === '' ? '' : ` (${reason.trim().replace(/\s+/g, ' ')})`;
  return `- [ ] ${TASK_PREFIX}\`${key}\` ${effect}${why} — marked by ${who} on ${day}; evidence: [${evidence}](${encodeURI(evidence)})`;
}

function allTasks(tasks: readonly PlanTask[]): PlanTask[] {
  return tasks.flatMap((t) => [t, ...allTasks(t.children)]);
}

function allSections(sections: readonly PlanSection[]): PlanSection[] {
  return sections.flatMap((s) => [s, ...allSections(s.sections)]);
}

/** The plan's regression tasks for `key` (stripped text as the checklist shows it). */
export function regressionTasksOf(plan: Plan, key: string): PlanTask[] {
  const prefix = `${TASK_PREFIX}${key} `;
  return allSections(plan.sections).flatMap((s) => allTasks(s.tasks)).filter((t) => t.text.startsWith(prefix));
}

/** Who marked a regression task, as its text says. */
export function markedBy(task: PlanTask): string | undefined {
  return /— marked by (.+?) on \d{4}-\d\d-\d\d/.exec(task.text)?.[1];
}

/**
 * Where the task goes: appended to the plan's "Regressions found by cutover explain" section, which is added at
 * the end of the file when missing. One insertion, nothing else in the file changes.
 */
export function addRegressionTask(text: string, plan: Plan, line: string): TextEdit {
  const eol = plan.eol;
  const section = allSections(plan.sections).find((s) => s.title === REGRESSIONS_HEADING);
  if (section) {
    const last = allTasks(section.tasks).at(-1);
    const at = last ? last.end : text.indexOf(eol, text.indexOf(REGRESSIONS_HEADING)) + eol.length;
    const before = text.slice(0, at);
    return { offset: at, length: 0, text: before.endsWith(eol) ? `${line}${eol}` : `${eol}${line}` };
  }
  const tail = text.endsWith(eol) ? '' : eol;
  return { offset: text.length, length: 0, text: `${tail}${eol}## ${REGRESSIONS_HEADING}${eol}${eol}${line}${eol}` };
}
