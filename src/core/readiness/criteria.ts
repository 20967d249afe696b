/**
 * The plan's criteria decided by evidence: each success criterion (and each task a rule names) of the plans is
 * matched to its cutover.json `criteria.rules` entry, by the id the plan gives it in `<!-- id: … -->` or by its
 * text, and evaluated (rules.ts). A criterion no rule names, or one whose entry says why it cannot be proved, has
 * no evidence: nothing is met by default. Met evidence older than its maximum age is stale.
 */
import type { CriteriaConfig, CriterionMapping } from '../config/schema';
import type { Plan, PlanCriterion, PlanSection, PlanTask } from '../plan/model';
import { evaluateRule, type Evidence, type RuleOutcome } from './rules';
import { displayText, planItemId } from './state';

export interface PlanFile {
  /** As shown to people (relative to the workspace). */
  readonly file: string;
  readonly plan: Plan;
}

export interface PlanItemRef {
  readonly file: string;
  readonly kind: 'criterion' | 'task';
  /** The parse's id (stable within one parse), to find the item in the tree. */
  readonly parseId: string;
  readonly planId?: string | undefined;
  readonly text: string;
  readonly line: number;
  /** Title of the section it belongs to. */
  readonly section: string;
}

export interface CriterionResult extends RuleOutcome {
  readonly item: PlanItemRef;
  /** The `criteria.rules` entry (its index) that decides it; absent when none does. */
  readonly rule?: number | undefined;
  /** Met on evidence older than the maximum age: shown, but it no longer counts as met. */
  readonly stale: boolean;
  readonly maxAgeHours: number;
}

export interface CriteriaResult {
  /** Every success criterion of the plans, in plan order. */
  readonly criteria: readonly CriterionResult[];
  /** Tasks a rule names (they can be ticked from evidence). */
  readonly tasks: readonly CriterionResult[];
  /** `criteria.rules` entries that match nothing in the plans (a typo, a criterion reworded). */
  readonly unmatched: readonly { readonly index: number; readonly match: string }[];
}

interface Located {
  readonly ref: PlanItemRef;
}

function collect(file: string, plan: Plan): { criteria: Located[]; tasks: Located[] } {
  const criteria: Located[] = [];
  const tasks: Located[] = [];
  const criterion = (c: PlanCriterion, section: string): void => {
    criteria.push({ ref: { file, kind: 'criterion', parseId: c.id, planId: planItemId(c.text), text: displayText(c.text), line: c.line, section } });
  };
  const task = (t: PlanTask, section: string): void => {
    tasks.push({ ref: { file, kind: 'task', parseId: t.id, planId: planItemId(t.text), text: displayText(t.text), line: t.line, section } });
    t.children.forEach((child) => task(child, section));
    t.criteria.forEach((c) => criterion(c, section));
  };
  const section = (s: PlanSection): void => {
    s.tasks.forEach((t) => task(t, s.title));
    s.criteria.forEach((c) => criterion(c, s.title));
    s.sections.forEach(section);
  };
  plan.sections.forEach(section);
  return { criteria, tasks };
}

const normalise = (text: string): string => displayText(text).toLowerCase();

function matches(mapping: CriterionMapping, ref: PlanItemRef): boolean {
  if (ref.planId !== undefined && mapping.match === ref.planId) return true;
  return normalise(mapping.match) === normalise(ref.text);
}

function decide(ref: PlanItemRef, config: CriteriaConfig, evidence: Evidence, now: Date): CriterionResult | undefined {
  const index = config.rules.findIndex((m) => matches(m, ref));
  const mapping = index >= 0 ? config.rules[index] : undefined;
  const maxAgeHours = mapping?.maxAgeHours ?? config.maxAgeHours;
  if (!mapping) return undefined;
  if (mapping.rule === undefined) {
    return { item: ref, rule: index, stale: false, maxAgeHours, state: 'no-evidence', reason: `cannot be proved by a run: ${mapping.unprovable ?? ''}`, checks: [], runs: [], accepted: [] };
  }
  const outcome = evaluateRule(mapping.rule, evidence);
  // The oldest run it rests on decides the age.
  const oldest = outcome.runs.map((r) => Date.parse(r.at)).filter(Number.isFinite).sort((a, b) => a - b)[0];
  const stale = outcome.state === 'met' && oldest !== undefined && now.getTime() - oldest > maxAgeHours * 3_600_000;
  return { ...outcome, item: ref, rule: index, stale, maxAgeHours };
}

export function evaluateCriteria(plans: readonly PlanFile[], config: CriteriaConfig, evidence: Evidence, now = new Date()): CriteriaResult {
  const criteria: CriterionResult[] = [];
  const tasks: CriterionResult[] = [];
  const used = new Set<number>();
  for (const { file, plan } of plans) {
    const found = collect(file, plan);
    for (const { ref } of found.criteria) {
      const result = decide(ref, config, evidence, now);
      if (result?.rule !== undefined) used.add(result.rule);
      criteria.push(result ?? {
        item: ref, stale: false, maxAgeHours: config.maxAgeHours, state: 'no-evidence',
        reason: 'no rule in cutover.json criteria decides it', checks: [], runs: [], accepted: [],
      });
    }
    for (const { ref } of found.tasks) {
      const result = decide(ref, config, evidence, now);
      if (result?.rule === undefined) continue;
      used.add(result.rule);
      tasks.push(result);
    }
  }
  const unmatched = config.rules.flatMap((m, index) => (used.has(index) ? [] : [{ index, match: m.match }]));
  return { criteria, tasks, unmatched };
}
