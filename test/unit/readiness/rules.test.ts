import * as assert from 'node:assert/strict';
import { EvidenceRuleSchema } from '../../../src/core/config/schema';
import { evaluateRule, valueAt } from '../../../src/core/readiness/rules';
import { shadowRecord, kpiLine } from '../gate/records';
import { channelsRecord, evidence, line, loadRecord, reconcileRecord, record, review, soakRecord, switchRecord } from './fixtures';

const rule = (r: unknown) => EvidenceRuleSchema.parse(r);

describe('readiness rules', () => {
  describe('reconcile', () => {
    const r = rule({ kind: 'reconcile', minDays: 30, maxVariance: 0.001 });

    it('is met by 30 days under 0.1%', () => {
      const out = evaluateRule(r, evidence([reconcileRecord('2025-12-01T00:00:00Z', 30, [])]));
      assert.equal(out.state, 'met');
      assert.match(out.checks[0]!.value, /^30$/);
    });

    it('is not met with too few days, and not met when a line is over the line', () => {
      assert.equal(evaluateRule(r, evidence([reconcileRecord('2025-12-01T00:00:00Z', 29, [])])).state, 'not-met');
      const bad = line('2025-11-03', 'total', 'dq30', 0.1, 0.102);
      const out = evaluateRule(r, evidence([reconcileRecord('2025-12-01T00:00:00Z', 30, [bad])]));
      assert.equal(out.state, 'not-met');
      assert.match(out.reason, /worst KPI variance 2\.00%/);
    });

    it('leaves accepted discrepancies out and lists them; a revoked review counts for nothing', () => {
      const bad = line('2025-11-03', 'total', 'dq30', 0.1, 0.102);
      const run = reconcileRecord('2025-12-01T00:00:00Z', 30, [bad]);
      const accepted = evaluateRule(r, evidence([run], { reviews: [review(bad)] }));
      assert.equal(accepted.state, 'met');
      assert.equal(accepted.accepted.length, 1);
      assert.match(accepted.reason, /1 accepted discrepancy left out/);
      assert.equal(evaluateRule(r, evidence([run], { reviews: [review(bad, true)] })).state, 'not-met');
    });

    it('has no evidence without a reconcile run, and is not met when the latest one failed', () => {
      assert.equal(evaluateRule(r, evidence([])).state, 'no-evidence');
      const failed = reconcileRecord('2025-12-02T00:00:00Z', 30, [], 'failed');
      const older = reconcileRecord('2025-12-01T00:00:00Z', 30, []);
      const out = evaluateRule(r, evidence([older, failed]));
      assert.equal(out.state, 'not-met');
      assert.equal(out.runs[0]!.id, failed.id);
    });

    it('contradicting evidence: the latest run decides, an older passing run does not hide it', () => {
      const bad = line('2025-11-03', 'total', 'dq30', 0.1, 0.102);
      const newerBad = reconcileRecord('2025-12-03T00:00:00Z', 30, [bad]);
      const olderGood = reconcileRecord('2025-12-01T00:00:00Z', 30, []);
      assert.equal(evaluateRule(r, evidence([olderGood, newerBad])).state, 'not-met');
      const newerGood = reconcileRecord('2025-12-04T00:00:00Z', 30, []);
      assert.equal(evaluateRule(r, evidence([olderGood, newerBad, newerGood])).state, 'met');
    });
  });

  describe('channels and manifest', () => {
    it('channels: every channel must pass; a failing one is named', () => {
      const ok = channelsRecord('2025-12-01T00:00:00Z', [{ channel: 'kpis', type: 'parquet', verdict: 'pass' }, { channel: 'manifest', type: 'manifest', verdict: 'pass' }]);
      assert.equal(evaluateRule(rule({ kind: 'channels' }), evidence([ok])).state, 'met');
      const bad = channelsRecord('2025-12-02T00:00:00Z', [{ channel: 'kpis', type: 'parquet', verdict: 'pass' }, { channel: 'blob', type: 'azureBlob', verdict: 'fail' }]);
      const out = evaluateRule(rule({ kind: 'channels' }), evidence([ok, bad]));
      assert.equal(out.state, 'not-met');
      assert.match(out.reason, /blob \(v2\) fail/);
      assert.equal(evaluateRule(rule({ kind: 'channels', types: ['parquet'] }), evidence([bad])).state, 'met');
    });

    it('manifest: met by a passing manifest check, no evidence when none was checked', () => {
      const withManifest = channelsRecord('2025-12-01T00:00:00Z', [{ channel: 'm', type: 'manifest', verdict: 'pass' }, { channel: 'b', type: 'azureBlob', verdict: 'fail' }]);
      assert.equal(evaluateRule(rule({ kind: 'manifest' }), evidence([withManifest])).state, 'met');
      const without = channelsRecord('2025-12-02T00:00:00Z', [{ channel: 'k', type: 'parquet', verdict: 'pass' }]);
      const out = evaluateRule(rule({ kind: 'manifest' }), evidence([without]));
      assert.equal(out.state, 'no-evidence');
      assert.match(out.reason, /checked no manifest/);
      assert.equal(evaluateRule(rule({ kind: 'manifest' }), evidence([])).state, 'no-evidence');
    });
  });

  describe('load', () => {
    const r = rule({ kind: 'load', size: '100k', maxSeconds: 10, maxCpuPercent: 80, maxCorruptionEvents: 0 });
    it('is met under 10 s and 80% CPU with no corruption', () => {
      assert.equal(evaluateRule(r, evidence([loadRecord('2025-12-01T00:00:00Z', [{ size: '100k', wall: 4, cpu: 50 }])])).state, 'met');
    });
    it('is not met over a threshold, or when a pipeline crashed', () => {
      assert.equal(evaluateRule(r, evidence([loadRecord('2025-12-01T00:00:00Z', [{ size: '100k', wall: 12, cpu: 50 }])])).state, 'not-met');
      assert.equal(evaluateRule(r, evidence([loadRecord('2025-12-01T00:00:00Z', [{ size: '100k', wall: 4, cpu: 85 }])])).state, 'not-met');
      assert.equal(evaluateRule(r, evidence([loadRecord('2025-12-01T00:00:00Z', [{ size: '100k', wall: 4, cpu: 50, exitCode: 1 }])])).state, 'not-met');
      assert.equal(evaluateRule(r, evidence([loadRecord('2025-12-01T00:00:00Z', [{ size: '100k', wall: 4, cpu: 50, corruption: 2 }])])).state, 'not-met');
    });
    it('has no evidence when the size was not measured, CPU not sampled or no copies ran', () => {
      assert.equal(evaluateRule(r, evidence([loadRecord('2025-12-01T00:00:00Z', [{ size: '10k', wall: 1, cpu: 10 }])])).state, 'no-evidence');
      assert.equal(evaluateRule(r, evidence([loadRecord('2025-12-01T00:00:00Z', [{ size: '100k', wall: 1, cpu: null }])])).state, 'no-evidence');
      assert.equal(evaluateRule(r, evidence([loadRecord('2025-12-01T00:00:00Z', [{ size: '100k', wall: 1, cpu: 10, corruption: null }])])).state, 'no-evidence');
    });
    it('takes its thresholds from cutover.json performance when the rule names none', () => {
      const bare = rule({ kind: 'load' });
      const run = loadRecord('2025-12-01T00:00:00Z', [{ size: '100k', wall: 6, cpu: 10 }]);
      assert.equal(evaluateRule(bare, evidence([run], { performance: { seconds: { '100k': 5 }, minSoakIterations: 10 } })).state, 'not-met');
      assert.equal(evaluateRule(bare, evidence([run], { performance: { seconds: { '100k': 10 }, minSoakIterations: 10 } })).state, 'met');
    });
  });

  describe('soak', () => {
    const r = rule({ kind: 'soak', minHours: 24, maxSlopeMBPerHour: 100 });
    it('is met by 24 h, a flat slope and no failures left', () => {
      assert.equal(evaluateRule(r, evidence([soakRecord('2025-12-01T00:00:00Z', 24.5, 3)])).state, 'met');
    });
    it('is not met when short, leaking or with zombies; no evidence without a slope', () => {
      assert.equal(evaluateRule(r, evidence([soakRecord('2025-12-01T00:00:00Z', 2, 3)])).state, 'not-met');
      assert.equal(evaluateRule(r, evidence([soakRecord('2025-12-01T00:00:00Z', 25, 150)])).state, 'not-met');
      assert.equal(evaluateRule(r, evidence([soakRecord('2025-12-01T00:00:00Z', 25, 3, { zombies: 1 })])).state, 'not-met');
      assert.equal(evaluateRule(r, evidence([soakRecord('2025-12-01T00:00:00Z', 25, null)])).state, 'no-evidence');
      assert.equal(evaluateRule(rule({ kind: 'soak' }), evidence([soakRecord('2025-12-01T00:00:00Z', 25, 1)])).state, 'no-evidence');
    });
  });

  describe('rollback', () => {
    const r = rule({ kind: 'rollback', maxSeconds: 300, requireForward: true });
    it('is met by a verified rollback under 5 min followed by a roll forward', () => {
      const back = switchRecord('rollback', '2025-12-01T00:00:00Z', 40_000, 0);
      const fwd = switchRecord('forward', '2025-12-01T01:00:00Z', 30_000, 0);
      const out = evaluateRule(r, evidence([back, fwd]));
      assert.equal(out.state, 'met');
      assert.deepEqual(out.runs.map((x) => x.id), [back.id, fwd.id]);
    });
    it('is not met without a roll forward after it, when too slow, or when verify failed', () => {
      const fwdBefore = switchRecord('forward', '2025-11-30T00:00:00Z', 30_000, 0);
      const back = switchRecord('rollback', '2025-12-01T00:00:00Z', 40_000, 0);
      assert.equal(evaluateRule(r, evidence([fwdBefore, back])).state, 'not-met');
      assert.equal(evaluateRule(rule({ kind: 'rollback', requireForward: false }), evidence([switchRecord('rollback', '2025-12-01T00:00:00Z', 301_000, 0)])).state, 'not-met');
      assert.equal(evaluateRule(rule({ kind: 'rollback', requireForward: false }), evidence([switchRecord('rollback', '2025-12-01T00:00:00Z', 40_000, 1, 'fail')])).state, 'not-met');
    });
    it('has no evidence without a rollback or without a verify step', () => {
      assert.equal(evaluateRule(r, evidence([])).state, 'no-evidence');
      assert.equal(evaluateRule(rule({ kind: 'rollback', requireForward: false }), evidence([switchRecord('rollback', '2025-12-01T00:00:00Z', 40_000, null)])).state, 'no-evidence');
    });
  });

  describe('shadow logs', () => {
    const r = rule({ kind: 'shadowLogs' });
    const shadow = shadowRecord('20251201-000000-000-abcdef', []);
    const scan = (matches: { line: number; text: string }[] | null) => ({ [r.kind === 'shadowLogs' ? r.pattern : '']: { runId: shadow.id, files: [{ name: 'v2', path: '/x/v2.log', matches }] } });
    it('is met when no line matches, not met when one does (named with its line)', () => {
      assert.equal(evaluateRule(r, evidence([shadow], { logScans: scan([]) })).state, 'met');
      const out = evaluateRule(r, evidence([shadow], { logScans: scan([{ line: 7, text: 'ERROR connection refused' }]) }));
      assert.equal(out.state, 'not-met');
      assert.match(out.reason, /line 7: ERROR connection refused/);
    });
    it('has no evidence without a shadow run, logs, or a readable log', () => {
      assert.equal(evaluateRule(r, evidence([])).state, 'no-evidence');
      assert.equal(evaluateRule(r, evidence([shadow])).state, 'no-evidence');
      assert.equal(evaluateRule(r, evidence([shadow], { logScans: scan(null) })).state, 'no-evidence');
    });
  });

  describe('gate and discrepancies', () => {
    const ok = kpiLine('total', 'loan_count', 100, 100);
    const off = kpiLine('total', 'dq30', 0.1, 0.12);
    it('gate: go is met, no-go is not met, and it reads the latest shadow run', () => {
      assert.equal(evaluateRule(rule({ kind: 'gate' }), evidence([shadowRecord('20251201-000000-000-aaaaaa', [ok])])).state, 'met');
      const out = evaluateRule(rule({ kind: 'gate' }), evidence([shadowRecord('20251201-000000-000-aaaaaa', [ok]), shadowRecord('20251202-000000-000-aaaaaa', [ok, off])]));
      assert.equal(out.state, 'not-met');
      assert.match(out.reason, /go\/no-go no-go/);
      assert.equal(evaluateRule(rule({ kind: 'gate' }), evidence([])).state, 'no-evidence');
    });
    it('discrepancies: met only when every line that did not pass has a review in force', () => {
      const run = shadowRecord('20251201-000000-000-aaaaaa', [ok, off]);
      assert.equal(evaluateRule(rule({ kind: 'discrepancies' }), evidence([run])).state, 'not-met');
      const covered = evaluateRule(rule({ kind: 'discrepancies' }), evidence([run], { reviews: [review(off)] }));
      assert.equal(covered.state, 'met');
      assert.equal(covered.accepted.length, 1);
      assert.equal(evaluateRule(rule({ kind: 'discrepancies' }), evidence([run], { reviews: [review(off, true)] })).state, 'not-met');
    });
  });

  describe('run store, runs and field', () => {
    it('runStore: a corrupted record is not met; an empty store has no evidence', () => {
      const run = record({ kind: 'shadow', at: '2025-12-01T00:00:00Z', verdict: 'pass' });
      assert.equal(evaluateRule(rule({ kind: 'runStore' }), evidence([run])).state, 'met');
      assert.equal(evaluateRule(rule({ kind: 'runStore' }), evidence([run], { corrupted: [{ id: 'x', message: 'bad json' }] })).state, 'not-met');
      assert.equal(evaluateRule(rule({ kind: 'runStore' }), evidence([])).state, 'no-evidence');
    });

    it('runs: each named input needs a completed run with an allowed verdict', () => {
      const r = rule({ kind: 'runs', run: 'shadow', inputs: ['a', 'b'], verdicts: ['pass', 'inconclusive', 'fail'] });
      const a = record({ kind: 'shadow', at: '2025-12-01T00:00:00Z', verdict: 'fail', results: { input: { name: 'a', path: '/a' } } });
      const b = record({ kind: 'shadow', at: '2025-12-01T01:00:00Z', verdict: 'pass', results: { input: { name: 'b', path: '/b' } } });
      assert.equal(evaluateRule(r, evidence([a])).state, 'no-evidence');
      assert.equal(evaluateRule(r, evidence([a, b])).state, 'met');
      const bFailed = record({ kind: 'shadow', at: '2025-12-01T02:00:00Z', status: 'failed', results: { input: { name: 'b', path: '/b' } } });
      assert.equal(evaluateRule(r, evidence([a, b, bFailed])).state, 'not-met');
      assert.equal(evaluateRule(rule({ kind: 'runs', run: 'shadow' }), evidence([a])).state, 'not-met');
    });

    it('field: compares a field of the latest completed run that has it', () => {
      const r = rule({ kind: 'field', run: 'shadow', path: 'results.kpis.counts.fail', op: '==', value: 0 });
      const good = shadowRecord('20251201-000000-000-aaaaaa', [kpiLine('total', 'x', 1, 1)]);
      const bad = shadowRecord('20251202-000000-000-aaaaaa', [kpiLine('total', 'x', 1, 2)]);
      assert.equal(evaluateRule(r, evidence([good])).state, 'met');
      assert.equal(evaluateRule(r, evidence([good, bad])).state, 'not-met');
      assert.equal(evaluateRule(rule({ kind: 'field', run: 'shadow', path: 'results.nothing', op: '<', value: 1 }), evidence([good])).state, 'no-evidence');
      assert.equal(evaluateRule(rule({ kind: 'field', run: 'shadow', path: 'verdict.verdict', op: '==', value: 'pass' }), evidence([good])).state, 'met');
      // Ordering a string is never met.
      assert.equal(evaluateRule(rule({ kind: 'field', run: 'shadow', path: 'verdict.verdict', op: '<', value: 'z' }), evidence([good])).state, 'no-evidence');
    });

    it('valueAt walks dotted paths and stops at missing steps', () => {
      assert.equal(valueAt({ a: { b: [1, 2] } }, 'a.b.1'), 2);
      assert.equal(valueAt({ a: null }, 'a.b'), undefined);
    });
  });

  it('the schema refuses an invalid log pattern and a mapping with both rule and unprovable', () => {
    assert.equal(EvidenceRuleSchema.safeParse({ kind: 'shadowLogs', pattern: '(' }).success, false);
    assert.equal(EvidenceRuleSchema.safeParse({ kind: 'teleport' }).success, false);
  });
});
