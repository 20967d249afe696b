/**
 * Progress of a plan: totals per section and task, and the "Hide Completed" filter of the checklist tree.
 */
import type { PlanSection, PlanTask, PlanTotals } from './model';

/** Tasks (nested ones included), done tasks and criteria of a section, its sub-sections included. */
export function sectionTotals(section: PlanSection): PlanTotals {
  return sumTotals([
    ...section.tasks.map(taskTotals),
    { tasks: 0, done: 0, criteria: section.criteria.length },
    ...section.sections.map(sectionTotals),
  ]);
}

/** Totals of a task's subtree: the task itself, its nested tasks and their criteria. */
export function taskTotals(task: PlanTask): PlanTotals {
  return sumTotals([
    { tasks: 1, done: task.done ? 1 : 0, criteria: task.criteria.length },
    ...task.children.map(taskTotals),
  ]);
}

export function sumTotals(parts: readonly PlanTotals[]): PlanTotals {
  let tasks = 0;
  let done = 0;
  let criteria = 0;
  for (const part of parts) {
    tasks += part.tasks;
    done += part.done;
    criteria += part.criteria;
  }
  return { tasks, done, criteria };
}

/**
 * The sections with completed work hidden: a done task disappears unless an open task is nested under it (then it
 * stays, showing only its open children), and a section disappears when nothing is left in it. Ids, lines and
 * offsets are the originals', so edits still apply; compute progress on the unfiltered plan.
 */
export function withoutCompleted(sections: readonly PlanSection[]): PlanSection[] {
  const kept: PlanSection[] = [];
  for (const section of sections) {
    const tasks = openTasks(section.tasks);
    const subSections = withoutCompleted(section.sections);
    if (tasks.length > 0 || section.criteria.length > 0 || subSections.length > 0) {
      kept.push({ ...section, tasks, sections: subSections });
    }
  }
  return kept;
}

function openTasks(tasks: readonly PlanTask[]): PlanTask[] {
  const kept: PlanTask[] = [];
  for (const task of tasks) {
    const children = openTasks(task.children);
    if (!task.done || children.length > 0) kept.push({ ...task, children });
  }
  return kept;
}
