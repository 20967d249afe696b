/**
 * The Checklist view: plan file → sections → tasks (nested) → criteria. Tasks carry their own checkbox
 * (`manageCheckboxStateManually`: a parent's box is its own line); sections show done/total; the view's badge
 * counts open tasks.
 */
import * as vscode from 'vscode';
import type { PlanCriterion, PlanSection, PlanTask, PlanTotals } from '../core/plan/model';
import { hasOpenWork, sectionHasOpenWork, sectionTotals, sumTotals, taskTotals } from '../core/plan/progress';
import type { CriterionResult } from '../core/readiness/criteria';
import { displayText, isMet } from '../core/readiness/state';
import type { PlanEntry, PlanSource } from './planSource';

export type ChecklistNode =
  | { readonly kind: 'plan'; readonly entry: PlanEntry }
  | { readonly kind: 'section'; readonly entry: PlanEntry; readonly section: PlanSection }
  | { readonly kind: 'task'; readonly entry: PlanEntry; readonly task: PlanTask }
  | { readonly kind: 'criterion'; readonly entry: PlanEntry; readonly criterion: PlanCriterion };

/** The evidence behind criteria and tasks (commands/readinessState.ts), when the readiness is known. */
export interface ChecklistEvidence {
  result(entry: PlanEntry, parseId: string): CriterionResult | undefined;
  sectionCriteria(entry: PlanEntry, section: PlanSection): { met: number; total: number };
  /** The latest sign-off of each role of the plan's workspace; stale when the evidence changed since. */
  signoffs(entry: PlanEntry): readonly { readonly role: string; readonly by: string; readonly at: string; readonly stale: boolean }[];
}

const EVIDENCE_ICON = {
  met: ['pass-filled', 'testing.iconPassed'],
  'not-met': ['error', 'testing.iconFailed'],
  'no-evidence': ['question', 'problemsWarningIcon.foreground'],
} as const;

const TASK_EVIDENCE = { met: 'evidence met', 'not-met': 'evidence not met', 'no-evidence': 'no evidence yet', stale: 'evidence stale' } as const;

const STATE_LABEL = { met: 'met', 'not-met': 'not met', 'no-evidence': 'no evidence' } as const;

function evidenceState(r: CriterionResult): string {
  return r.stale ? 'stale (met on old evidence)' : STATE_LABEL[r.state];
}

/** "value · run id" for the row; the whole story in the tooltip. */
function evidenceDescription(r: CriterionResult): string {
  const values = r.checks.map((c) => c.value).join(', ');
  const shown = values.length > 60 ? `${values.slice(0, 59)}…` : values;
  return [r.stale ? 'stale' : STATE_LABEL[r.state], shown, r.runs[0] ? `run ${r.runs[0].id}` : ''].filter(Boolean).join(' · ');
}

function evidenceTooltip(text: string, r: CriterionResult, where: string): vscode.MarkdownString {
  const lines = [`**${escapeMarkdown(text)}**`, '', `${evidenceState(r)}: ${escapeMarkdown(r.reason)}`, ''];
  for (const c of r.checks) lines.push(`- ${escapeMarkdown(`${c.name}: ${c.value} (needs ${c.threshold})`)}`);
  for (const run of r.runs) lines.push('', escapeMarkdown(`run ${run.id} (${run.kind}, ${run.at})`));
  if (r.accepted.length > 0) lines.push('', escapeMarkdown(`accepted: ${r.accepted.map((a) => `${a.kpi} [${a.segment}] by ${a.who}: ${a.reason}`).join('; ')}`));
  lines.push('', where);
  return new vscode.MarkdownString(lines.join('\n'));
}

function percent(t: PlanTotals): string {
  return t.tasks === 0 ? '' : `${Math.floor((100 * t.done) / t.tasks)}%`;
}

function progressText(t: PlanTotals): string {
  if (t.tasks === 0) return t.criteria > 0 ? `${t.criteria} criteria` : '';
  return `${t.done}/${t.tasks} · ${percent(t)}`;
}

function planTotals(entry: PlanEntry): PlanTotals {
  return entry.plan?.totals ?? { tasks: 0, done: 0, criteria: 0 };
}

export class ChecklistTreeProvider implements vscode.TreeDataProvider<ChecklistNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ChecklistNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private hideCompletedTasks = false;
  private evidence: ChecklistEvidence | undefined;

  constructor(private readonly source: PlanSource) {}

  /** Shows criteria and tasks with the evidence that decides them. */
  setEvidence(evidence: ChecklistEvidence): void {
    this.evidence = evidence;
    this.changed.fire(undefined);
  }

  setHideCompleted(hide: boolean): void {
    this.hideCompletedTasks = hide;
    this.changed.fire(undefined);
  }

  /** Redraws from the source's current state. */
  redraw(): void {
    this.changed.fire(undefined);
  }

  /** Open tasks across every plan (the view badge). */
  openTaskCount(): number {
    return this.source.plans.reduce((n, e) => n + planTotals(e).tasks - planTotals(e).done, 0);
  }

  async getChildren(node?: ChecklistNode): Promise<ChecklistNode[]> {
    if (!node) {
      await this.source.ready();
      return this.source.plans.map((entry) => ({ kind: 'plan', entry }));
    }
    const { entry } = node;
    switch (node.kind) {
      case 'plan': {
        const sections = entry.plan?.sections ?? [];
        // A plan whose content sits under one top heading (the usual `# Title`) shows that heading's sections.
        const only = sections.length === 1 ? sections[0]! : undefined;
        const top = only && only.tasks.length === 0 && only.criteria.length === 0 ? only.sections : sections;
        return this.sectionChildren(entry, top, [], []);
      }
      case 'section':
        return this.sectionChildren(entry, node.section.sections, node.section.tasks, node.section.criteria);
      case 'task':
        return [
          ...this.taskNodes(entry, node.task.children),
          ...node.task.criteria.map((criterion): ChecklistNode => ({ kind: 'criterion', entry, criterion })),
        ];
      case 'criterion':
        return [];
    }
  }

  private sectionChildren(entry: PlanEntry, sections: readonly PlanSection[], tasks: readonly PlanTask[], criteria: readonly PlanCriterion[]): ChecklistNode[] {
    const visibleSections = sections.filter((s) => {
      const t = sectionTotals(s);
      if (t.tasks === 0 && t.criteria === 0) return false;
      return !this.hideCompletedTasks || sectionHasOpenWork(s);
    });
    return [
      ...visibleSections.map((section): ChecklistNode => ({ kind: 'section', entry, section })),
      ...this.taskNodes(entry, tasks),
      ...criteria.map((criterion): ChecklistNode => ({ kind: 'criterion', entry, criterion })),
    ];
  }

  private taskNodes(entry: PlanEntry, tasks: readonly PlanTask[]): ChecklistNode[] {
    const shown = this.hideCompletedTasks ? tasks.filter(hasOpenWork) : tasks;
    return shown.map((task) => ({ kind: 'task', entry, task }));
  }

  getTreeItem(node: ChecklistNode): vscode.TreeItem {
    const { entry } = node;
    const id = (suffix: string): string => `${entry.uri.toString()}#${suffix}`;
    switch (node.kind) {
      case 'plan': {
        const item = new vscode.TreeItem(entry.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = id('plan');
        item.resourceUri = entry.uri;
        item.contextValue = 'cutover.plan';
        if (entry.plan && entry.plan.totals.tasks > 0) {
          item.description = progressText(entry.plan.totals);
          item.iconPath = new vscode.ThemeIcon('checklist');
        } else {
          item.description = entry.problem ? 'cannot show' : 'no tasks';
          item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
          item.collapsibleState = vscode.TreeItemCollapsibleState.None;
        }
        item.tooltip = entry.problem ?? `${entry.label}\n${progressText(planTotals(entry))}`;
        item.accessibilityInformation = { label: `${entry.label}, ${entry.problem ?? progressText(planTotals(entry))}` };
        const signoffs = this.evidence?.signoffs(entry) ?? [];
        if (signoffs.length > 0) {
          const stale = signoffs.filter((s) => s.stale).length;
          item.description = `${item.description ?? ''} · ${stale > 0 ? `${stale} sign-off${stale === 1 ? '' : 's'} stale` : `${signoffs.length} sign-off${signoffs.length === 1 ? '' : 's'}`}`;
          item.tooltip = `${String(item.tooltip)}\n${signoffs.map((s) => `${s.stale ? 'stale: ' : ''}${s.role} signed off by ${s.by} at ${s.at}${s.stale ? ' (the evidence changed since)' : ''}`).join('\n')}`;
        }
        item.command = { command: 'cutover.checklist.revealTask', title: 'Open Plan', arguments: [node] };
        return item;
      }
      case 'section': {
        const totals = sectionTotals(node.section);
        const item = new vscode.TreeItem(node.section.title || '(before the first heading)', vscode.TreeItemCollapsibleState.Expanded);
        item.id = id(node.section.id);
        item.contextValue = 'cutover.section';
        const criteria = this.evidence?.sectionCriteria(entry, node.section);
        const criteriaText = criteria && criteria.total > 0 ? `criteria ${criteria.met}/${criteria.total} met` : '';
        item.description = [progressText(totals), criteriaText].filter(Boolean).join(' · ');
        const complete = totals.tasks > 0 && totals.done === totals.tasks;
        item.iconPath = complete
          ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'))
          : totals.done > 0
            ? new vscode.ThemeIcon('pie-chart')
            : new vscode.ThemeIcon('circle-large-outline');
        item.accessibilityInformation = { label: `${node.section.title}, ${totals.done} of ${totals.tasks} tasks done` };
        item.tooltip = new vscode.MarkdownString(`**${escapeMarkdown(node.section.title)}**\n\n${totals.done} of ${totals.tasks} tasks done${totals.criteria ? `, ${totals.criteria} success criteria` : ''}\n\n${entry.label}:${node.section.line + 1}`);
        item.command = { command: 'cutover.checklist.revealTask', title: 'Reveal in Plan', arguments: [node] };
        return item;
      }
      case 'task': {
        const { task } = node;
        const hasChildren = task.children.length > 0 || task.criteria.length > 0;
        const item = new vscode.TreeItem(task.text, hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = id(task.id);
        item.contextValue = task.done ? 'cutover.task.done' : 'cutover.task.open';
        item.checkboxState = {
          state: task.done ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked,
          tooltip: task.done ? 'Mark as not done' : 'Mark as done',
          accessibilityInformation: { label: `${task.text}: ${task.done ? 'done' : 'open'}`, role: 'checkbox' },
        };
        if (task.children.length > 0) {
          const sub = sumTotals(task.children.map(taskTotals));
          item.description = `${sub.done}/${sub.tasks}`;
        }
        item.tooltip = new vscode.MarkdownString(`${escapeMarkdown(task.text)}\n\n${task.done ? 'done' : 'open'} · ${entry.label}:${task.line + 1}`);
        const evidence = this.evidence?.result(entry, task.id);
        if (evidence) {
          // Tick with Evidence is offered on an open task whose rule is met.
          if (!task.done && isMet(evidence)) item.contextValue = 'cutover.task.open.evidenceMet';
          item.description = [item.description, TASK_EVIDENCE[evidence.stale ? 'stale' : evidence.state]].filter(Boolean).join(' · ');
          item.tooltip = evidenceTooltip(task.text, evidence, `${task.done ? 'done' : 'open'} · ${entry.label}:${task.line + 1}`);
        }
        item.accessibilityInformation = { label: `${task.text}, ${task.done ? 'done' : 'open'}` };
        item.command = { command: 'cutover.checklist.revealTask', title: 'Reveal in Plan', arguments: [node] };
        return item;
      }
      case 'criterion': {
        const evidence = this.evidence?.result(entry, node.criterion.id);
        if (evidence) return this.criterionWithEvidence(node, evidence, id(node.criterion.id));
        const item = new vscode.TreeItem(node.criterion.text, vscode.TreeItemCollapsibleState.None);
        item.id = id(node.criterion.id);
        item.contextValue = 'cutover.criterion';
        item.iconPath = new vscode.ThemeIcon('verified');
        item.description = 'criterion';
        item.tooltip = `Success criterion (shown, not checkable) · ${entry.label}:${node.criterion.line + 1}`;
        item.accessibilityInformation = { label: `${node.criterion.text}, success criterion` };
        item.command = { command: 'cutover.checklist.revealTask', title: 'Reveal in Plan', arguments: [node] };
        return item;
      }
    }
  }

  private criterionWithEvidence(node: Extract<ChecklistNode, { kind: 'criterion' }>, r: CriterionResult, id: string): vscode.TreeItem {
    const text = displayText(node.criterion.text);
    const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
    item.id = id;
    item.contextValue = 'cutover.criterion.evidence';
    const [icon, color] = r.stale ? ['history', 'problemsWarningIcon.foreground'] : EVIDENCE_ICON[r.state];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    item.description = evidenceDescription(r);
    item.tooltip = evidenceTooltip(text, r, `Success criterion · ${node.entry.label}:${node.criterion.line + 1}`);
    item.accessibilityInformation = { label: `${text}, success criterion, ${evidenceState(r)}` };
    item.command = r.runs.length > 0
      ? { command: 'cutover.checklist.openEvidence', title: 'Open Evidence', arguments: [node] }
      : { command: 'cutover.checklist.revealTask', title: 'Reveal in Plan', arguments: [node] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
