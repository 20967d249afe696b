/**
 * The readiness of a cutover, for the go/no-go meeting: plan progress per section, every criterion with its
 * evidence, open and accepted discrepancies, the latest go/no-go, rollback and roll-forward timings, channels, load
 * and soak figures, sign-offs, and what is missing. Pure: `workspace.ts` reads the inputs, `render.ts` prints them.
 *
 * Verdict: not ready when a criterion is not met or the latest go/no-go is no-go; ready only when every criterion
 * is met on fresh evidence and the go/no-go is go; otherwise (no evidence, stale evidence, no criteria, no shadow
 * run, a tampered sign-off file) there is not enough evidence.
 */
import type { CriteriaConfig } from '../config/schema';
import { goNoGo, type GoNoGo } from '../gate/goNoGo';
import type { PlanSection } from '../plan/model';
import { sectionTotals } from '../plan/progress';
import type { Review } from '../reviews/store';
import type { RunRecord } from '../runs/record';
import type { KpiLine } from '../runs/results';
import { covers } from '../reviews/store';
import { evaluateCriteria, type CriteriaResult, type CriterionResult, type PlanFile } from './criteria';
import { isMet } from './state';
import { latestRun, runRef, type Evidence, type RunRef } from './rules';
import { evidenceHash, signoffStatus, type SignoffEntry, type SignoffProblem, type SignoffStatus } from './signoffs';

export type ReadinessVerdict = 'ready' | 'not-ready' | 'not-enough-evidence';

export interface SectionProgress {
  readonly file: string;
  readonly title: string;
  readonly depth: number;
  readonly tasks: number;
  readonly done: number;
  readonly criteria: number;
  readonly criteriaMet: number;
}

export interface SwitchFigures extends RunRef {
  readonly seconds: number | null;
  readonly budgetSeconds: number | null;
  readonly verdict: string;
  readonly verified: boolean | null;
}

export interface Readiness {
  readonly generatedAt: string;
  readonly verdict: ReadinessVerdict;
  readonly reasons: readonly string[];
  readonly sections: readonly SectionProgress[];
  readonly criteria: readonly CriterionResult[];
  readonly tasks: readonly CriterionResult[];
  readonly unmatchedRules: CriteriaResult['unmatched'];
  readonly discrepancies: {
    /** Lines of the latest shadow run that did not pass and that no review in force accepts. */
    readonly open: readonly (Pick<KpiLine, 'segment' | 'kpi' | 'v1' | 'v2' | 'relVariance' | 'verdict' | 'reason'> & { readonly runId: string })[];
    readonly accepted: readonly Review[];
    readonly revoked: readonly Review[];
  };
  readonly goNoGo?: (GoNoGo & { readonly at: string }) | undefined;
  readonly rollback?: SwitchFigures | undefined;
  readonly forward?: SwitchFigures | undefined;
  readonly channels?: (RunRef & { readonly verdict: string; readonly channels: readonly { readonly channel: string; readonly type: string; readonly side: string; readonly verdict: string; readonly reasons: readonly string[] }[] }) | undefined;
  readonly load?: (RunRef & { readonly seconds100k: number | null; readonly peakCpuPercent: number | null; readonly peakRssBytes: number | null; readonly corruptionEvents: number | null }) | undefined;
  readonly soak?: (RunRef & { readonly hours: number; readonly worstSlopeMBPerHour: number | null; readonly failures: number; readonly unrecovered: number; readonly zombies: number; readonly orphans: number }) | undefined;
  readonly evidenceHash: string;
  readonly signoffs: readonly SignoffStatus[];
  readonly signoffProblems: readonly SignoffProblem[];
  /** What the meeting still lacks, one line each. */
  readonly missing: readonly string[];
}

export interface ReadinessInputs {
  readonly plans: readonly PlanFile[];
  readonly criteria: CriteriaConfig;
  readonly evidence: Evidence;
  readonly signoffs: { readonly entries: readonly SignoffEntry[]; readonly problems: readonly SignoffProblem[] };
  readonly now?: Date;
}

function sectionsOf(file: string, sections: readonly PlanSection[], criteria: readonly CriterionResult[], out: SectionProgress[]): void {
  for (const s of sections) {
    const totals = sectionTotals(s);
    if (totals.tasks > 0 || totals.criteria > 0) {
      const own = criteriaUnder(s);
      const decided = criteria.filter((c) => c.item.file === file && own.has(c.item.parseId));
      out.push({ file, title: s.title, depth: s.depth, tasks: totals.tasks, done: totals.done, criteria: totals.criteria, criteriaMet: decided.filter(isMet).length });
    }
    sectionsOf(file, s.sections, criteria, out);
  }
}

/** Parse ids of every criterion in a section and its sub-sections (tasks' criteria included). */
export function criteriaUnder(section: PlanSection): Set<string> {
  const ids = new Set<string>();
  const task = (t: PlanSection['tasks'][number]): void => {
    t.criteria.forEach((c) => ids.add(c.id));
    t.children.forEach(task);
  };
  const walk = (s: PlanSection): void => {
    s.criteria.forEach((c) => ids.add(c.id));
    s.tasks.forEach(task);
    s.sections.forEach(walk);
  };
  walk(section);
  return ids;
}

function switchFigures(run: RunRecord | undefined): SwitchFigures | undefined {
  if (!run) return undefined;
  const verify = run.commands.find((c) => c.name === 'verify');
  return {
    ...runRef(run),
    seconds: run.results.totalMs !== undefined ? run.results.totalMs / 1000 : null,
    budgetSeconds: run.results.budgetSeconds ?? null,
    verdict: run.verdict?.verdict ?? run.status,
    verified: verify === undefined ? null : verify.exitCode === 0,
  };
}

export function buildReadiness(inputs: ReadinessInputs): Readiness {
  const now = inputs.now ?? new Date();
  const { evidence } = inputs;
  // Sign-offs cover the evidence of every other criterion: decide those, hash them, then judge the sign-offs.
  const first = evaluateCriteria(inputs.plans, inputs.criteria, evidence, now);
  const signed = (c: CriterionResult): boolean => c.rule !== undefined && inputs.criteria.rules[c.rule]?.rule?.kind === 'signoff';
  const shadow = latestRun(evidence.runs, 'shadow');
  const gate = shadow ? { ...goNoGo(shadow, { reviews: evidence.reviews, ...(evidence.gate ? { gate: evidence.gate } : {}) }), at: runRef(shadow).at } : undefined;
  const inForce = evidence.reviews.filter((r) => r.revoked === undefined);
  const open = (shadow?.results.kpis?.kpis ?? [])
    .filter((l) => l.verdict !== 'pass' && !inForce.some((r) => covers(r, l)))
    .map((l) => ({ runId: shadow!.id, segment: l.segment, kpi: l.kpi, v1: l.v1, v2: l.v2, relVariance: l.relVariance, verdict: l.verdict, reason: l.reason }));

  const channelsRun = latestRun(evidence.runs, 'channels');
  const loadRun = latestRun(evidence.runs, 'load');
  const soakRun = latestRun(evidence.runs, 'soak');
  const channelsPart = channelsRun?.results.channels;
  const loadPart = loadRun?.results.load;
  const soakPart = soakRun?.results.soak;

  const hash = evidenceHash(first.criteria.filter((c) => !signed(c)), gate ? { runId: gate.runId, verdict: gate.verdict } : undefined, evidence.reviews);
  const signoffs = signoffStatus(inputs.signoffs.entries, hash);
  const decided = evaluateCriteria(inputs.plans, inputs.criteria, { ...evidence, signoffs: { latest: signoffs, tampered: inputs.signoffs.problems.length > 0 } }, now);
  const sections: SectionProgress[] = [];
  for (const { file, plan } of inputs.plans) sectionsOf(file, plan.sections, decided.criteria, sections);

  const missing: string[] = [];
  for (const c of decided.criteria) {
    if (c.state === 'no-evidence') missing.push(`${c.item.text}: ${c.reason}`);
    else if (c.stale) missing.push(`${c.item.text}: evidence older than ${c.maxAgeHours} h (run ${c.runs[0]?.id ?? '?'})`);
  }
  if (!shadow) missing.push('no shadow run: the go/no-go cannot be evaluated (cutover shadow)');
  for (const u of decided.unmatched) missing.push(`criteria.rules[${u.index}] "${u.match}" matches no criterion or task of the plans`);
  for (const s of signoffs.filter((x) => x.stale)) missing.push(`the ${s.role} sign-off by ${s.by} is stale: the evidence changed since ${s.at}`);
  for (const p of inputs.signoffs.problems) missing.push(`sign-offs ${p.file}${p.entry !== undefined ? ` entry ${p.entry}` : ''}: ${p.message}`);

  const reasons: string[] = [];
  const notMet = decided.criteria.filter((c) => c.state === 'not-met');
  for (const c of notMet) reasons.push(`not met: ${c.item.text} (${c.reason})`);
  if (gate?.verdict === 'no-go') reasons.push(`the latest go/no-go (run ${gate.runId}) is no-go`);
  let verdict: ReadinessVerdict;
  if (reasons.length > 0) verdict = 'not-ready';
  else {
    if (decided.criteria.length === 0) reasons.push('the plans hold no success criteria');
    const unproven = decided.criteria.filter((c) => !isMet(c)).length;
    if (unproven > 0) reasons.push(`${unproven} of ${decided.criteria.length} criteria without fresh evidence`);
    if (!gate) reasons.push('no go/no-go: no shadow run');
    else if (gate.verdict !== 'go') reasons.push(`the latest go/no-go (run ${gate.runId}) is ${gate.verdict}`);
    if (inputs.signoffs.problems.length > 0) reasons.push('the sign-off file was tampered with');
    verdict = reasons.length > 0 ? 'not-enough-evidence' : 'ready';
    if (verdict === 'ready') reasons.push(`all ${decided.criteria.length} criteria met on fresh evidence; go/no-go is go`);
  }

  return {
    generatedAt: now.toISOString(),
    verdict,
    reasons,
    sections,
    criteria: decided.criteria,
    tasks: decided.tasks,
    unmatchedRules: decided.unmatched,
    discrepancies: { open, accepted: inForce, revoked: evidence.reviews.filter((r) => r.revoked !== undefined) },
    goNoGo: gate,
    rollback: switchFigures(latestRun(evidence.runs, 'rollback')),
    forward: switchFigures(latestRun(evidence.runs, 'forward')),
    channels: channelsRun && channelsPart
      ? { ...runRef(channelsRun), verdict: channelsPart.verdict, channels: channelsPart.channels.map((c) => ({ channel: c.channel, type: c.type, side: c.side, verdict: c.verdict, reasons: c.reasons })) }
      : undefined,
    load: loadRun && loadPart ? { ...runRef(loadRun), ...loadPart.summary } : undefined,
    soak: soakRun && soakPart
      ? { ...runRef(soakRun), hours: soakPart.elapsedSeconds / 3600, worstSlopeMBPerHour: soakPart.summary.worstSlopeMBPerHour, failures: soakPart.summary.failures, unrecovered: soakPart.summary.unrecovered, zombies: soakPart.summary.zombies, orphans: soakPart.summary.orphans }
      : undefined,
    evidenceHash: hash,
    signoffs,
    signoffProblems: inputs.signoffs.problems,
    missing,
  };
}
