/**
 * Evidence rules (cutover.json `criteria.rules[].rule`) evaluated on the run store: pure, given the runs (newest
 * first, parsed through the one run-record schema), the reviews and what the gatherer read from disk (log scans).
 *
 * Each rule is met, not met, or has no evidence. No evidence is never met: a missing run, a missing part of its
 * results, or a figure that was not measured leaves the criterion open with the reason. The latest run of a kind
 * decides, so an older passing run never hides a newer failing one.
 */
import type { EvidenceRule, GateConfig, PerformanceConfig } from '../config/schema';
import { goNoGo } from '../gate/goNoGo';
import { formatPercent } from '../percent';
import { covers, type Review } from '../reviews/store';
import type { RunRecord } from '../runs/record';
import type { DailyKpiLine } from '../runs/results';

export type CriterionState = 'met' | 'not-met' | 'no-evidence';

/** One figure a rule judged: what was measured against what it must be; `ok` null when it could not be measured. */
export interface RuleCheck {
  readonly name: string;
  readonly value: string;
  readonly threshold: string;
  readonly ok: boolean | null;
}

/** A run that served as evidence, with the time it ended (or started, when it never ended). */
export interface RunRef {
  readonly id: string;
  readonly kind: string;
  readonly at: string;
}

export interface RuleOutcome {
  readonly state: CriterionState;
  readonly reason: string;
  readonly checks: readonly RuleCheck[];
  /** The runs the outcome rests on, the deciding one first. */
  readonly runs: readonly RunRef[];
  /** Reviews in force that took a discrepancy out of the figure (listed, never hidden). */
  readonly accepted: readonly Review[];
}

/** Lines of the pipelines' logs matching a rule's pattern, as read from disk for the latest shadow run. */
export interface LogScan {
  readonly runId: string;
  readonly files: readonly {
    readonly name: string;
    readonly path: string;
    /** Null when the log could not be read (missing): no evidence. */
    readonly matches: readonly { readonly line: number; readonly text: string }[] | null;
  }[];
}

export interface Evidence {
  /** Newest first: every run of the store (`RunStore.scan()`), or the runs the rules look at (gather.ts). */
  readonly runs: readonly RunRecord[];
  /** Run folders whose run.json could not be read or does not fit the schema. */
  readonly corrupted: readonly { readonly id: string; readonly message: string }[];
  /** Every review, revoked ones included. */
  readonly reviews: readonly Review[];
  /** Log scans of the latest shadow run, by pattern. */
  readonly logScans: Readonly<Record<string, LogScan>>;
  readonly gate?: GateConfig | undefined;
  readonly performance?: PerformanceConfig | undefined;
  /**
   * The latest sign-off of each role, judged against the evidence of every other criterion (signoffs.ts), and
   * whether the file was tampered with; absent until that evidence is known (report.ts decides in two passes).
   */
  readonly signoffs?: { readonly latest: readonly { readonly role: string; readonly by: string; readonly at: string; readonly stale: boolean }[]; readonly tampered: boolean } | undefined;
}

export function runRef(record: RunRecord): RunRef {
  return { id: record.id, kind: record.kind, at: record.endedAt ?? record.startedAt };
}

/** The newest run of a kind that is not still running. */
export function latestRun(runs: readonly RunRecord[], kind: string, where: (r: RunRecord) => boolean = () => true): RunRecord | undefined {
  return runs.find((r) => r.kind === kind && r.status !== 'running' && where(r));
}

const seconds = (s: number): string => `${Number(s.toPrecision(4))} s`;

function noEvidence(reason: string, runs: readonly RunRef[] = []): RuleOutcome {
  return { state: 'no-evidence', reason, checks: [], runs, accepted: [] };
}

/** met when every check holds; not met when one fails; no evidence when one could not be measured. */
function fromChecks(checks: readonly RuleCheck[], runs: readonly RunRef[], accepted: readonly Review[] = [], extra = ''): RuleOutcome {
  const failed = checks.filter((c) => c.ok === false);
  const unmeasured = checks.filter((c) => c.ok === null);
  const describe = (c: RuleCheck): string => `${c.name} ${c.value} (needs ${c.threshold})`;
  const state: CriterionState = failed.length > 0 ? 'not-met' : unmeasured.length > 0 || checks.length === 0 ? 'no-evidence' : 'met';
  const reason =
    state === 'met'
      ? checks.map(describe).join('; ')
      : state === 'not-met'
        ? failed.map(describe).join('; ')
        : unmeasured.length > 0 ? `not measured: ${unmeasured.map((c) => c.name).join(', ')}` : 'nothing to judge';
  return { state, reason: extra ? `${reason}; ${extra}` : reason, checks, runs, accepted };
}

/** The latest run of `kind` when it completed; otherwise why it cannot count. */
function completedLatest(evidence: Evidence, kind: string, how: string): RunRecord | RuleOutcome {
  const latest = latestRun(evidence.runs, kind);
  if (!latest) return noEvidence(`no ${kind} run recorded (${how})`);
  if (latest.status !== 'complete') {
    return { state: 'not-met', reason: `the latest ${kind} run ${latest.id} is ${latest.status}${latest.error ? `: ${latest.error.message}` : ''}`, checks: [], runs: [runRef(latest)], accepted: [] };
  }
  return latest;
}

const isOutcome = (x: RunRecord | RuleOutcome): x is RuleOutcome => 'state' in x;

function relVarianceOf(line: { relVariance: number | null; nonFinite?: { relVariance?: string | undefined } | undefined }): number {
  if (line.nonFinite?.relVariance !== undefined || line.relVariance === null) return Number.POSITIVE_INFINITY;
  return line.relVariance;
}

function reconcile(rule: Extract<EvidenceRule, { kind: 'reconcile' }>, evidence: Evidence): RuleOutcome {
  const run = completedLatest(evidence, 'reconcile', 'cutover reconcile');
  if (isOutcome(run)) return run;
  const part = run.results.reconcile;
  const ref = [runRef(run)];
  if (!part) return noEvidence(`reconcile run ${run.id} holds no reconciliation results`, ref);
  const inForce = evidence.reviews.filter((r) => r.revoked === undefined);
  const isAccepted = (line: DailyKpiLine): boolean => inForce.some((r) => covers(r, line));
  const accepted = inForce.filter((r) => part.kpis.some((line) => covers(r, line)));
  // A day's worst line may be accepted: the day then counts with its worst line that is not.
  let worst = part.days.length === 0 ? null : 0;
  for (const day of part.days) {
    const lines = part.kpis.filter((l) => l.day === day.day);
    const worstLine = lines.find((l) => l.kpi === day.worstKpi && l.segment === day.worstSegment);
    const dayWorst = worstLine && isAccepted(worstLine)
      ? Math.max(0, ...lines.filter((l) => !isAccepted(l)).map(relVarianceOf))
      : day.worstNonFinite !== undefined ? Number.POSITIVE_INFINITY : day.worstRelVariance ?? 0;
    worst = Math.max(worst ?? 0, dayWorst);
  }
  const days = part.summary.days;
  return fromChecks([
    { name: 'days reconciled', value: String(days), threshold: `≥ ${rule.minDays}`, ok: days >= rule.minDays },
    { name: 'worst KPI variance', value: formatPercent(worst), threshold: `< ${formatPercent(rule.maxVariance)}`, ok: worst === null ? null : worst < rule.maxVariance },
  ], ref, accepted, accepted.length > 0 ? `${accepted.length} accepted discrepanc${accepted.length === 1 ? 'y' : 'ies'} left out` : '');
}

function channels(rule: Extract<EvidenceRule, { kind: 'channels' } | { kind: 'manifest' }>, evidence: Evidence): RuleOutcome {
  const run = completedLatest(evidence, 'channels', 'cutover channels validate');
  if (isOutcome(run)) return run;
  const ref = [runRef(run)];
  const part = run.results.channels;
  if (!part) return noEvidence(`channels run ${run.id} holds no channel results`, ref);
  const types: readonly string[] | undefined = rule.kind === 'manifest' ? ['manifest'] : rule.types;
  const judged = part.channels.filter((c) => types === undefined || types.includes(c.type));
  if (judged.length === 0) return noEvidence(`channels run ${run.id} checked no ${rule.kind === 'manifest' ? 'manifest' : 'channel'}${types && rule.kind !== 'manifest' ? ` of type ${types.join(', ')}` : ''}`, ref);
  return fromChecks(judged.map((c) => ({
    name: `${c.channel} (${c.side})`,
    value: c.verdict,
    threshold: 'pass',
    ok: c.verdict === 'pass',
  })), ref);
}

function load(rule: Extract<EvidenceRule, { kind: 'load' }>, evidence: Evidence): RuleOutcome {
  const run = completedLatest(evidence, 'load', 'cutover load');
  if (isOutcome(run)) return run;
  const ref = [runRef(run)];
  const part = run.results.load;
  if (!part) return noEvidence(`load run ${run.id} holds no load results`, ref);
  const size = rule.size.toLowerCase();
  const atSize = part.measurements.filter((m) => m.size.toLowerCase() === size);
  const sequential = atSize.filter((m) => m.copy === 0);
  if (sequential.length === 0) return noEvidence(`load run ${run.id} measured no run at ${rule.size}`, ref);
  const maxSeconds = rule.maxSeconds ?? evidence.performance?.seconds[rule.size];
  const maxCpu = rule.maxCpuPercent ?? evidence.performance?.maxCpuPercent;
  const checks: RuleCheck[] = [];
  const crashed = atSize.filter((m) => m.exitCode !== 0);
  checks.push({ name: 'pipelines exited 0', value: crashed.length === 0 ? 'all' : `${crashed.length} did not`, threshold: 'all', ok: crashed.length === 0 });
  if (maxSeconds !== undefined) {
    const slowest = Math.max(...sequential.map((m) => m.wallSeconds));
    checks.push({ name: `time at ${rule.size}`, value: seconds(slowest), threshold: `< ${seconds(maxSeconds)}`, ok: slowest < maxSeconds });
  }
  if (maxCpu !== undefined) {
    const peaks = atSize.map((m) => m.peakCpuPercent);
    const peak = peaks.some((p) => p === null) ? null : Math.max(...(peaks as number[]));
    checks.push({ name: 'CPU peak', value: peak === null ? 'not measured' : `${peak.toFixed(1)}%`, threshold: `< ${maxCpu}%`, ok: peak === null ? null : peak < maxCpu });
  }
  if (rule.maxCorruptionEvents !== undefined) {
    const events = part.summary.corruptionEvents;
    checks.push({ name: 'corruption events', value: events === null ? 'no parallel copies ran' : String(events), threshold: `≤ ${rule.maxCorruptionEvents}`, ok: events === null ? null : events <= rule.maxCorruptionEvents });
  }
  return fromChecks(checks, ref);
}

function soak(rule: Extract<EvidenceRule, { kind: 'soak' }>, evidence: Evidence): RuleOutcome {
  const run = completedLatest(evidence, 'soak', 'cutover soak');
  if (isOutcome(run)) return run;
  const ref = [runRef(run)];
  const part = run.results.soak;
  if (!part) return noEvidence(`soak run ${run.id} holds no soak results`, ref);
  const hours = part.elapsedSeconds / 3600;
  const maxSlope = rule.maxSlopeMBPerHour ?? evidence.performance?.leakMBPerHour;
  const slope = part.summary.worstSlopeMBPerHour;
  const { unrecovered, zombies, orphans } = part.summary;
  const checks: RuleCheck[] = [
    { name: 'soak length', value: `${Number(hours.toFixed(2))} h`, threshold: `≥ ${rule.minHours} h`, ok: hours >= rule.minHours },
    maxSlope === undefined
      ? { name: 'memory slope', value: 'no threshold', threshold: 'a maxSlopeMBPerHour or performance.leakMBPerHour', ok: null }
      : { name: 'memory slope', value: slope === null ? 'not measured' : `${Number(slope.toFixed(2))} MB/h`, threshold: `< ${maxSlope} MB/h`, ok: slope === null ? null : slope < maxSlope },
    { name: 'unrecovered failures, zombies, orphans', value: `${unrecovered}, ${zombies}, ${orphans}`, threshold: '0, 0, 0', ok: unrecovered + zombies + orphans === 0 },
  ];
  return fromChecks(checks, ref);
}

function rollback(rule: Extract<EvidenceRule, { kind: 'rollback' }>, evidence: Evidence): RuleOutcome {
  const run = completedLatest(evidence, 'rollback', 'cutover rollback');
  if (isOutcome(run)) return run;
  const refs = [runRef(run)];
  const verify = run.commands.find((c) => c.name === 'verify');
  const totalMs = run.results.totalMs;
  const checks: RuleCheck[] = [
    { name: 'rollback time', value: totalMs === undefined ? 'not recorded' : seconds(totalMs / 1000), threshold: `< ${seconds(rule.maxSeconds)}`, ok: totalMs === undefined ? null : totalMs / 1000 < rule.maxSeconds },
    { name: 'verify', value: verify === undefined ? 'not run' : `exit ${verify.exitCode ?? verify.signal ?? 'none'}`, threshold: 'exit 0', ok: verify === undefined ? null : verify.exitCode === 0 },
    { name: 'rollback verdict', value: run.verdict?.verdict ?? 'none', threshold: 'pass', ok: run.verdict === undefined ? null : run.verdict.verdict === 'pass' },
  ];
  if (rule.requireForward) {
    const forward = evidence.runs.find((r) => r.kind === 'forward' && r.startedAt > (run.endedAt ?? run.startedAt) && r.status === 'complete' && r.verdict?.verdict === 'pass');
    if (forward) refs.push(runRef(forward));
    checks.push({ name: 'roll forward after it', value: forward ? `run ${forward.id}` : 'none', threshold: 'a passing forward run', ok: forward !== undefined });
  }
  return fromChecks(checks, refs);
}

function shadowLogs(rule: Extract<EvidenceRule, { kind: 'shadowLogs' }>, evidence: Evidence): RuleOutcome {
  const run = latestRun(evidence.runs, 'shadow');
  if (!run) return noEvidence('no shadow run recorded (cutover shadow)');
  const ref = [runRef(run)];
  const scan = evidence.logScans[rule.pattern];
  if (!scan || scan.runId !== run.id || scan.files.length === 0) return noEvidence(`shadow run ${run.id} recorded no pipeline logs`, ref);
  return fromChecks(scan.files.map((f) => ({
    name: `${f.name} log`,
    value: f.matches === null ? 'unreadable' : f.matches.length === 0 ? 'no match' : `${f.matches.length} line${f.matches.length === 1 ? '' : 's'}, e.g. line ${f.matches[0]!.line}: ${f.matches[0]!.text.slice(0, 120)}`,
    threshold: `no line matching /${rule.pattern}/`,
    ok: f.matches === null ? null : f.matches.length === 0,
  })), ref);
}

function gate(evidence: Evidence): RuleOutcome {
  const run = latestRun(evidence.runs, 'shadow');
  if (!run) return noEvidence('no shadow run recorded (cutover shadow)');
  const result = goNoGo(run, { reviews: evidence.reviews, ...(evidence.gate ? { gate: evidence.gate } : {}) });
  const checks = result.criteria.map((c): RuleCheck => ({
    name: c.name,
    value: c.infinite ? '∞' : c.value === null ? 'no data' : c.unit === 'seconds' ? seconds(c.value) : formatPercent(c.value),
    threshold: c.unit === 'seconds' ? `≤ ${seconds(c.threshold)}` : `≤ ${formatPercent(c.threshold)}`,
    ok: c.verdict === 'pass' ? true : c.verdict === 'fail' ? false : null,
  }));
  const outcome = fromChecks(checks, [runRef(run)], result.accepted);
  return { ...outcome, reason: `go/no-go ${result.verdict}: ${outcome.reason}` };
}

function discrepancies(evidence: Evidence): RuleOutcome {
  const run = completedLatest(evidence, 'shadow', 'cutover shadow');
  if (isOutcome(run)) return run;
  const ref = [runRef(run)];
  const lines = run.results.kpis?.kpis;
  if (!lines) return noEvidence(`shadow run ${run.id} holds no KPI comparison`, ref);
  const inForce = evidence.reviews.filter((r) => r.revoked === undefined);
  const different = lines.filter((l) => l.verdict !== 'pass');
  const open = different.filter((l) => !inForce.some((r) => covers(r, l)));
  const accepted = inForce.filter((r) => different.some((l) => covers(r, l)));
  return fromChecks([{
    name: 'discrepancies without an accepted review',
    value: open.length === 0 ? '0' : `${open.length}: ${open.slice(0, 3).map((l) => `${l.kpi} [${l.segment}]`).join(', ')}${open.length > 3 ? '…' : ''}`,
    threshold: '0',
    ok: open.length === 0,
  }], ref, accepted, `${accepted.length} accepted`);
}

function runStore(evidence: Evidence): RuleOutcome {
  const newest = evidence.runs[0];
  if (!newest && evidence.corrupted.length === 0) return noEvidence('the run store holds no run');
  return fromChecks([{
    name: 'corrupted run records',
    value: evidence.corrupted.length === 0 ? `0 of ${evidence.runs.length}` : `${evidence.corrupted.length}: ${evidence.corrupted.slice(0, 3).map((c) => `${c.id} (${c.message.slice(0, 100)})`).join('; ')}`,
    threshold: '0',
    ok: evidence.corrupted.length === 0,
  }], newest ? [runRef(newest)] : []);
}

function signoff(rule: Extract<EvidenceRule, { kind: 'signoff' }>, evidence: Evidence): RuleOutcome {
  if (!evidence.signoffs) return noEvidence('the sign-offs are judged once every other criterion is decided');
  if (evidence.signoffs.tampered) return noEvidence('the sign-off file was tampered with: no sign-off in it counts');
  const latest = evidence.signoffs.latest.find((s) => s.role === rule.role);
  if (!latest) return noEvidence(`no sign-off as ${rule.role} (cutover signoff --role ${rule.role})`);
  const check: RuleCheck = { name: `${rule.role} sign-off`, value: `${latest.by} at ${latest.at}${latest.stale ? ', stale' : ''}`, threshold: 'on the evidence as it is now', ok: latest.stale ? null : true };
  const outcome = fromChecks([check], []);
  return latest.stale ? { ...outcome, reason: `the ${rule.role} sign-off by ${latest.by} is stale: the evidence changed since ${latest.at}` } : outcome;
}

function inputName(run: RunRecord): string | undefined {
  return run.results.input?.name;
}

function runs(rule: Extract<EvidenceRule, { kind: 'runs' }>, evidence: Evidence): RuleOutcome {
  const wanted = rule.inputs ?? [undefined];
  const checks: RuleCheck[] = [];
  const refs: RunRef[] = [];
  for (const input of wanted) {
    const run = latestRun(evidence.runs, rule.run, (r) => input === undefined || inputName(r) === input);
    const name = input === undefined ? `latest ${rule.run} run` : `${rule.run} on ${input}`;
    if (run) refs.push(runRef(run));
    const verdict = run?.verdict?.verdict;
    checks.push({
      name,
      value: run === undefined ? 'no run' : run.status !== 'complete' ? run.status : verdict ?? 'no verdict',
      threshold: `completed, ${rule.verdicts.join(' or ')}`,
      ok: run === undefined ? null : run.status === 'complete' && verdict !== undefined && verdict !== 'error' && rule.verdicts.includes(verdict),
    });
  }
  return fromChecks(checks, refs);
}

/** The value at a dotted path of a JSON-like value; undefined when any step is missing. */
export function valueAt(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function compare(actual: unknown, op: Extract<EvidenceRule, { kind: 'field' }>['op'], expected: number | string | boolean): boolean | null {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return null;
    switch (op) {
      case '<': return actual < expected;
      case '<=': return actual <= expected;
      case '==': return actual === expected;
      case '!=': return actual !== expected;
      case '>=': return actual >= expected;
      case '>': return actual > expected;
    }
  }
  if (op === '==') return actual === expected;
  if (op === '!=') return actual !== expected;
  // Ordering a string or boolean is a configuration mistake; never met.
  return null;
}

function field(rule: Extract<EvidenceRule, { kind: 'field' }>, evidence: Evidence): RuleOutcome {
  const run = latestRun(evidence.runs, rule.run, (r) => r.status === 'complete' && valueAt(r, rule.path) !== undefined);
  if (!run) return noEvidence(`no completed ${rule.run} run has ${rule.path}`);
  const actual = valueAt(run, rule.path);
  const ok = compare(actual, rule.op, rule.value);
  const shown = typeof actual === 'object' ? JSON.stringify(actual).slice(0, 80) : String(actual);
  return fromChecks([{ name: rule.path, value: shown, threshold: `${rule.op} ${JSON.stringify(rule.value)}`, ok }], [runRef(run)]);
}

export function evaluateRule(rule: EvidenceRule, evidence: Evidence): RuleOutcome {
  switch (rule.kind) {
    case 'reconcile': return reconcile(rule, evidence);
    case 'channels':
    case 'manifest': return channels(rule, evidence);
    case 'load': return load(rule, evidence);
    case 'soak': return soak(rule, evidence);
    case 'rollback': return rollback(rule, evidence);
    case 'shadowLogs': return shadowLogs(rule, evidence);
    case 'gate': return gate(evidence);
    case 'discrepancies': return discrepancies(evidence);
    case 'runStore': return runStore(evidence);
    case 'signoff': return signoff(rule, evidence);
    case 'runs': return runs(rule, evidence);
    case 'field': return field(rule, evidence);
  }
}
