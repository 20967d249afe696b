/**
 * Progress of a plan: totals per section and task, and the "Hide Completed" filter of the checklist tree.
 */
import type { PlanSection, PlanTask, PlanTotals } from './model';

/** Tasks (nested ones included), done tasks and criteria of a section, its sub-sections included. */
export function sectionTotals(section: PlanSection): PlanTotals {
  const totals: Counts = { tasks: 0, done: 0, criteria: 0 };
  countSection(totals, section);
  return totals;
}

/** Totals of a task's subtree: the task itself, its nested tasks and their criteria. */
export function taskTotals(task: PlanTask): PlanTotals {
  const totals: Counts = { tasks: 0, done: 0, criteria: 0 };
  countTask(totals, task);
  return totals;
}

type Counts = { -readonly [K in keyof PlanTotals]: PlanTotals[K] };

// Counting into one object rather than summing per-node totals: every parse totals plans of thousands of tasks.
function countSection(totals: Counts, section: PlanSection): void {
  totals.criteria += section.criteria.length;
  for (const task of section.tasks) countTask(totals, task);
  for (const sub of section.sections) countSection(totals, sub);
}

function countTask(totals: Counts, task: PlanTask): void {
  totals.tasks++;
  if (task.done) totals.done++;
  totals.criteria += task.criteria.length;
  for (const child of task.children) countTask(totals, child);
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
 * What "Hide Completed" keeps: a task while it or anything nested under it is open (a done parent with open
 * children stays), a section while it holds an open task or a criterion. Progress stays computed on the whole plan.
 */
export function hasOpenWork(task: PlanTask): boolean {
  return !task.done || task.children.some(hasOpenWork);
}

export function sectionHasOpenWork(section: PlanSection): boolean {
  return section.tasks.some(hasOpenWork) || section.criteria.length > 0 || section.sections.some(sectionHasOpenWork);
}
