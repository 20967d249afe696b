/**
 * `cutover checklist <file…>`: the progress of cutover plans (markdown checklists), and with `--require-done` a
 * gate that fails (exit 1) while a section still has open tasks.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../core/errors';
import type { Plan, PlanCriterion, PlanSection, PlanTask, PlanTotals } from '../../core/plan/model';
import { parsePlan } from '../../core/plan/parse';
import { sectionTotals, sumTotals } from '../../core/plan/progress';
import { readPlanFile } from '../../core/plan/read';
import type { CliContext } from '../context';

interface Options {
  readonly json?: boolean;
  readonly requireDone?: string;
}

interface LoadedPlan {
  /** The path as the user gave it. */
  readonly file: string;
  readonly plan: Plan;
}

/** A section matched by `--require-done`, with the open tasks of its whole subtree. */
interface Gate {
  readonly file: string;
  readonly section: PlanSection;
  readonly totals: PlanTotals;
  readonly open: readonly PlanTask[];
}

export function registerChecklist(program: Command, ctx: CliContext): void {
  program
    .command('checklist')
    .description('Show the progress of cutover plans (markdown checklists); with --require-done, gate on a section being done.')
    .argument('<file...>', 'plan files (markdown with GFM task lists)')
    .option('--json', 'print one JSON document (lines are 1-based)')
    .option('--require-done <section>', 'exit 1 while the section (its title, or a title prefix such as "D.") has open tasks')
    .action(async (files: string[], options: Options) => {
      const plans: LoadedPlan[] = [];
      for (const file of files) {
        plans.push({ file, plan: parsePlan(await readPlanFile(path.resolve(ctx.cwd, file))) });
      }
      const gates = options.requireDone === undefined ? undefined : findGates(plans, options.requireDone);
      if (options.json) ctx.stdout.write(`${JSON.stringify(toJson(plans, options.requireDone, gates), null, 2)}\n`);
      else if (gates) ctx.stdout.write(formatGates(gates));
      else ctx.stdout.write(plans.map(formatPlan).join('\n'));
      if (gates?.some((g) => g.open.length > 0)) ctx.setExitCode(ExitCode.fail);
    });
}

function findGates(plans: readonly LoadedPlan[], query: string): Gate[] {
  const wanted = query.trim().toLowerCase();
  const all = plans.flatMap(({ file, plan }) => flatten(plan.sections).map((section) => ({ file, section })));
  const exact = all.filter(({ section }) => section.title.toLowerCase() === wanted);
  const matches = exact.length > 0 ? exact : all.filter(({ section }) => isTitlePrefix(section.title.toLowerCase(), wanted));
  if (matches.length === 0) {
    const titles = all.filter(({ section }) => sectionTotals(section).tasks > 0).map(({ section }) => `  ${section.title}`);
    throw new UsageError(
      `no section of ${plans.map((p) => p.file).join(', ')} is titled "${query}"; sections with tasks:\n${titles.join('\n') || '  (none)'}`,
    );
  }
  return matches.map(({ file, section }) => ({ file, section, totals: sectionTotals(section), open: openTasks(section) }));
}

/** "D." matches "D. Rollback Procedures"; "Day" does not match "Days 1-2" (a prefix ends at a word boundary). */
function isTitlePrefix(title: string, prefix: string): boolean {
  if (prefix === '' || !title.startsWith(prefix)) return false;
  const next = title[prefix.length];
  return next === undefined || !/[\p{L}\p{N}]/u.test(next) || !/[\p{L}\p{N}]/u.test(prefix[prefix.length - 1]!);
}

function flatten(sections: readonly PlanSection[]): PlanSection[] {
  return sections.flatMap((s) => [s, ...flatten(s.sections)]);
}

function openTasks(section: PlanSection): PlanTask[] {
  const open: PlanTask[] = [];
  const visit = (task: PlanTask): void => {
    if (!task.done) open.push(task);
    task.children.forEach(visit);
  };
  section.tasks.forEach(visit);
  section.sections.forEach((s) => open.push(...openTasks(s)));
  return open;
}

function formatGates(gates: readonly Gate[]): string {
  return gates
    .map(({ file, section, totals, open }) => {
      const where = `${section.title} (${file}:${section.line + 1})`;
      if (totals.tasks === 0) return `${where}: no tasks, nothing to wait for\n`;
      if (open.length === 0) return `${where}: all ${totals.tasks} tasks done\n`;
      const lines = open.map((t) => `  ${file}:${t.line + 1}  [ ] ${t.text}`);
      return `${where}: ${totals.done}/${totals.tasks} tasks done, ${open.length} open:\n${lines.join('\n')}\n`;
    })
    .join('');
}

/** The plan as an indented outline with a gutter of 1-based line numbers; sections without items are left out. */
function formatPlan({ file, plan }: LoadedPlan): string {
  const { tasks, done, criteria } = plan.totals;
  if (tasks === 0 && criteria === 0) {
    return `${file}: no tasks found (a task is a GFM task list item such as "- [ ] Deploy V2"); nothing to check\n`;
  }
  const rows: [number, string][] = [];
  const addTask = (task: PlanTask, indent: string): void => {
    rows.push([task.line, `${indent}[${task.done ? 'x' : ' '}] ${task.text}`]);
    task.criteria.forEach((c) => addCriterion(c, `${indent}  `));
    task.children.forEach((t) => addTask(t, `${indent}  `));
  };
  const addCriterion = (criterion: PlanCriterion, indent: string): void => {
    rows.push([criterion.line, `${indent}✓ ${criterion.text}`]);
  };
  const addSection = (section: PlanSection, indent: string): void => {
    const totals = sectionTotals(section);
    if (totals.tasks === 0 && totals.criteria === 0) return;
    const progress = totals.tasks > 0 ? `  ${totals.done}/${totals.tasks}` : '';
    rows.push([section.line, `${indent}${section.title || '(before the first heading)'}${progress}`]);
    section.tasks.forEach((t) => addTask(t, `${indent}  `));
    section.criteria.forEach((c) => addCriterion(c, `${indent}  `));
    section.sections.forEach((s) => addSection(s, `${indent}  `));
  };
  plan.sections.forEach((s) => addSection(s, ''));
  const width = String(Math.max(...rows.map(([line]) => line + 1))).length;
  const note = tasks === 0 ? ' (no tasks, only criteria)' : '';
  const header = `${file}: ${done}/${tasks} tasks done, ${criteria} criteria${note}\n`;
  return header + rows.map(([line, row]) => `${String(line + 1).padStart(width + 2)}  ${row}\n`).join('');
}

function toJson(plans: readonly LoadedPlan[], query: string | undefined, gates: readonly Gate[] | undefined): unknown {
  return {
    files: plans.map(({ file, plan }) => ({ file, sections: plan.sections.map(sectionJson), totals: plan.totals })),
    totals: sumTotals(plans.map((p) => p.plan.totals)),
    ...(gates && {
      requireDone: {
        section: query,
        done: gates.every((g) => g.open.length === 0),
        matched: gates.map(({ file, section, totals }) => ({ file, title: section.title, line: section.line + 1, totals })),
        open: gates.flatMap(({ file, section, open }) =>
          open.map((t) => ({ file, section: section.title, line: t.line + 1, text: t.text }))),
      },
    }),
  };
}

function sectionJson(section: PlanSection): unknown {
  return {
    title: section.title,
    depth: section.depth,
    line: section.line + 1,
    totals: sectionTotals(section),
    tasks: section.tasks.map(taskJson),
    criteria: section.criteria.map(criterionJson),
    sections: section.sections.map(sectionJson),
  };
}

function taskJson(task: PlanTask): unknown {
  return {
    text: task.text,
    done: task.done,
    line: task.line + 1,
    children: task.children.map(taskJson),
    criteria: task.criteria.map(criterionJson),
  };
}

function criterionJson(criterion: PlanCriterion): unknown {
  return { text: criterion.text, line: criterion.line + 1 };
}
