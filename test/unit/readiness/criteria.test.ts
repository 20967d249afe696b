import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadConfig } from '../../../src/core/config/load';
import { CriteriaSchema } from '../../../src/core/config/schema';
import { parsePlan } from '../../../src/core/plan/parse';
import { evaluateCriteria } from '../../../src/core/readiness/criteria';
import { displayText, planItemId } from '../../../src/core/readiness/state';
import { buildReadiness } from '../../../src/core/readiness/report';
import { renderHtml, renderMarkdown } from '../../../src/core/readiness/render';
import type { SignoffEntry, SignoffProblem } from '../../../src/core/readiness/signoffs';
import { readConfiguredPlans } from '../../../src/core/readiness/workspace';
import { shadowRecord, kpiLine } from '../gate/records';
import { evidence, switchRecord } from './fixtures';

const PLAN = `# Plan
## D. Rollback
- [ ] Roll back to V1 in staging and time it
- [ ] Something else

**Success Criteria:**
- ✓ Rollback time < 5 minutes <!-- id: rollback-time -->
- ✓ Zero data loss during rollback
- ✓ Alerts reached on-call
`;

const plans = [{ file: 'plan.md', plan: parsePlan(PLAN) }];
const NOW = new Date('2025-12-02T00:00:00Z');

function criteria(rules: unknown[], maxAgeHours = 168) {
  return CriteriaSchema.parse({ maxAgeHours, rules });
}

describe('readiness criteria', () => {
  it('reads the id comment and shows the text without it', () => {
    assert.equal(planItemId('Rollback time < 5 minutes <!-- id: rollback-time -->'), 'rollback-time');
    assert.equal(displayText('Rollback time  < 5 minutes <!-- id: rollback-time -->'), 'Rollback time < 5 minutes');
  });

  it('still matches a task after Tick with Evidence appended its run link', () => {
    const ticked = parsePlan('# P\n## D. Rollback\n- [x] Roll back to V1 in staging and time it ([evidence: run 20251201-000000-000-abcdef](../.cutover/runs/20251201-000000-000-abcdef/run.json))\n');
    assert.equal(displayText(ticked.sections[0]!.sections[0]!.tasks[0]!.text), 'Roll back to V1 in staging and time it');
    const out = evaluateCriteria([{ file: 'plan.md', plan: ticked }], criteria([{ match: 'Roll back to V1 in staging and time it', rule: { kind: 'gate' } }]), evidence([]), NOW);
    assert.equal(out.tasks.length, 1);
    assert.deepEqual(out.unmatched, []);
  });

  it('matches by id or by text (case and spacing aside); an unmapped criterion has no evidence, never met', () => {
    const config = criteria([
      { match: 'rollback-time', rule: { kind: 'rollback', requireForward: false } },
      { match: 'zero DATA loss   during rollback', unprovable: 'production store is not read by any run' },
    ]);
    const out = evaluateCriteria(plans, config, evidence([switchRecord('rollback', '2025-12-01T00:00:00Z', 60_000, 0)]), NOW);
    assert.deepEqual(out.criteria.map((c) => [c.item.text, c.state]), [
      ['Rollback time < 5 minutes', 'met'],
      ['Zero data loss during rollback', 'no-evidence'],
      ['Alerts reached on-call', 'no-evidence'],
    ]);
    assert.match(out.criteria[1]!.reason, /cannot be proved by a run: production store/);
    assert.match(out.criteria[2]!.reason, /no rule in cutover.json criteria decides it/);
    assert.equal(out.criteria[0]!.item.planId, 'rollback-time');
  });

  it('marks met evidence older than its maximum age as stale', () => {
    const run = switchRecord('rollback', '2025-11-01T00:00:00Z', 60_000, 0);
    const out = evaluateCriteria(plans, criteria([{ match: 'rollback-time', rule: { kind: 'rollback', requireForward: false } }], 24), evidence([run]), NOW);
    assert.equal(out.criteria[0]!.state, 'met');
    assert.equal(out.criteria[0]!.stale, true);
    const perRule = evaluateCriteria(plans, criteria([{ match: 'rollback-time', maxAgeHours: 24 * 60, rule: { kind: 'rollback', requireForward: false } }], 24), evidence([run]), NOW);
    assert.equal(perRule.criteria[0]!.stale, false);
  });

  it('decides tasks a rule names and reports rules that match nothing', () => {
    const out = evaluateCriteria(plans, criteria([
      { match: 'Roll back to V1 in staging and time it', rule: { kind: 'rollback', requireForward: false } },
      { match: 'A criterion that was reworded', rule: { kind: 'gate' } },
    ]), evidence([]), NOW);
    assert.equal(out.tasks.length, 1);
    assert.equal(out.tasks[0]!.item.kind, 'task');
    assert.equal(out.tasks[0]!.state, 'no-evidence');
    assert.deepEqual(out.unmatched, [{ index: 1, match: 'A criterion that was reworded' }]);
  });
});

describe('readiness report', () => {
  const allMet = criteria([
    { match: 'rollback-time', rule: { kind: 'rollback', requireForward: false } },
    { match: 'Zero data loss during rollback', rule: { kind: 'rollback', requireForward: false } },
    { match: 'Alerts reached on-call', rule: { kind: 'gate' } },
  ]);
  const rollback = switchRecord('rollback', '2025-12-01T00:00:00Z', 60_000, 0);
  const go = shadowRecord('20251201-120000-000-aaaaaa', [kpiLine('total', 'loan_count', 100, 100)]);
  const noGo = shadowRecord('20251201-130000-000-aaaaaa', [kpiLine('total', 'dq30', 0.1, 0.2)]);
  const build = (runs: Parameters<typeof evidence>[0], config = allMet) =>
    buildReadiness({ plans, criteria: config, evidence: evidence(runs), signoffs: { entries: [], problems: [] }, now: NOW });

  it('is ready only when every criterion is met on fresh evidence and the go/no-go is go', () => {
    const r = build([rollback, { ...go, startedAt: '2025-12-01T12:00:00.000Z', endedAt: '2025-12-01T12:00:05.000Z' }]);
    assert.equal(r.verdict, 'ready', r.reasons.join('\n'));
    assert.deepEqual(r.sections.find((s) => s.title === 'D. Rollback'), { file: 'plan.md', title: 'D. Rollback', depth: 2, tasks: 2, done: 0, criteria: 3, criteriaMet: 3 });
  });

  it('is not ready when a criterion is not met or the go/no-go is no-go; open discrepancies are listed', () => {
    const r = build([rollback, { ...noGo, startedAt: '2025-12-01T13:00:00.000Z', endedAt: '2025-12-01T13:00:05.000Z' }]);
    assert.equal(r.verdict, 'not-ready');
    assert.equal(r.discrepancies.open.length, 1);
    assert.equal(r.discrepancies.open[0]!.kpi, 'dq30');
  });

  it('has not enough evidence with no runs, and with stale evidence', () => {
    const empty = build([]);
    assert.equal(empty.verdict, 'not-enough-evidence');
    assert.ok(empty.missing.some((m) => m.startsWith('Rollback time < 5 minutes: no rollback run recorded')));
    const stale = build([rollback, go]);
    // go ended 2026-01-01 per its fixture: fresh; the rollback a day old with a 1 h age is stale.
    const staleConfig = CriteriaSchema.parse({ maxAgeHours: 1, rules: allMet.rules });
    assert.equal(build([rollback, go], staleConfig).verdict, 'not-enough-evidence');
    assert.notEqual(stale.evidenceHash, empty.evidenceHash);
  });

  it('a signoff criterion is met by a sign-off on the evidence of the other criteria, no evidence once it is stale or tampered', () => {
    const config = criteria([
      { match: 'rollback-time', rule: { kind: 'rollback', requireForward: false } },
      { match: 'Alerts reached on-call', rule: { kind: 'signoff', role: 'ops' } },
    ]);
    const decide = (runs: Parameters<typeof evidence>[0], entries: SignoffEntry[], problems: SignoffProblem[] = []) =>
      buildReadiness({ plans, criteria: config, evidence: evidence(runs), signoffs: { entries, problems }, now: NOW });
    const before = decide([rollback], []);
    const ops = () => before.criteria.find((c) => c.item.text === 'Alerts reached on-call')!;
    assert.equal(ops().state, 'no-evidence');
    assert.match(ops().reason, /no sign-off as ops/);
    const entry: SignoffEntry = { role: 'ops', by: 'Ada', at: '2025-12-01T10:00:00.000Z', verdict: before.verdict, evidenceHash: before.evidenceHash, prev: null, hash: 'f'.repeat(64) };
    const signedNow = decide([rollback], [entry]);
    assert.equal(signedNow.evidenceHash, before.evidenceHash, 'signing does not change the evidence it signs');
    assert.equal(signedNow.criteria.find((c) => c.item.text === 'Alerts reached on-call')!.state, 'met');
    const later = decide([rollback, switchRecord('rollback', '2025-12-01T12:00:00Z', 90_000, 0)], [entry]);
    const stale = later.criteria.find((c) => c.item.text === 'Alerts reached on-call')!;
    assert.equal(stale.state, 'no-evidence');
    assert.match(stale.reason, /sign-off by Ada is stale/);
    const tampered = decide([rollback], [entry], [{ file: 'signoffs.json', entry: 1, message: 'changed' }]);
    assert.equal(tampered.criteria.find((c) => c.item.text === 'Alerts reached on-call')!.state, 'no-evidence');
    assert.equal(tampered.verdict, 'not-enough-evidence');
  });

  it('renders Markdown and self-contained HTML with every value escaped', () => {
    const evil = [{ file: 'plan.md', plan: parsePlan('# P\n**Success Criteria:**\n- ✓ <script>alert(1)</script> | pipes & "quotes"\n') }];
    const r = buildReadiness({ plans: evil, criteria: criteria([]), evidence: evidence([]), signoffs: { entries: [], problems: [] }, now: NOW });
    const html = renderHtml(r);
    assert.ok(!html.includes('<script>'), 'a criterion reached the HTML unescaped');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; | pipes &amp; &quot;quotes&quot;'));
    assert.ok(!/<(script|link|img)\b|src=|href=/i.test(html), 'the report loads nothing');
    const md = renderMarkdown(r);
    assert.ok(md.includes('\\<script\\>alert(1)\\</script\\> \\| pipes'), md);
    assert.match(md, /^# Cutover readiness: NOT ENOUGH EVIDENCE/);
  });
});

describe('the example workspace (examples/loan-cutover)', () => {
  it('maps every success criterion of its plan to a rule or says why none can prove it, and no rule matches nothing', async () => {
    const loaded = loadConfig(join(__dirname, '..', '..', '..', 'examples', 'loan-cutover', 'cutover.json'));
    const out = buildReadiness({ plans: await readConfiguredPlans(loaded), criteria: loaded.config.criteria, evidence: evidence([]), signoffs: { entries: [], problems: [] }, now: NOW });
    assert.equal(out.criteria.length, 17);
    assert.deepEqual(out.criteria.filter((c) => c.rule === undefined).map((c) => c.item.text), []);
    assert.deepEqual(out.unmatchedRules, []);
    for (const c of out.criteria) {
      assert.equal(c.state, 'no-evidence', `${c.item.text} is ${c.state} without any run`);
      if (loaded.config.criteria.rules[c.rule!]!.unprovable !== undefined) assert.match(c.reason, /^cannot be proved by a run: .{20,}/);
      else if (loaded.config.criteria.rules[c.rule!]!.rule?.kind === 'signoff') assert.match(c.reason, /^no sign-off as (ops|credit-risk)/);
    }
    assert.ok(out.tasks.length >= 5, 'tasks a rule decides (Tick with Evidence)');
  });
});
