import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriteriaSchema, type CutoverConfig, type EvidenceRule } from '../../../src/core/config/schema';
import { gatherEvidence } from '../../../src/core/readiness/gather';
import { evaluateRule } from '../../../src/core/readiness/rules';
import { RunStore } from '../../../src/core/runs/store';
import { writeRecord } from '../gate/records';
import { reconcileRecord, record, switchRecord } from './fixtures';

const RULES: EvidenceRule[] = [
  { kind: 'runs', run: 'shadow', verdicts: ['pass'], inputs: ['sample-10k', 'portfolio-1m', 'never-run'] },
  { kind: 'runs', run: 'shadow', verdicts: ['pass', 'fail'] },
  { kind: 'field', run: 'reconcile', path: 'results.reconcile.summary.days', op: '>=', value: 30 },
  { kind: 'field', run: 'shadow', path: 'results.noise.counts.noise', op: '==', value: 0 },
  { kind: 'rollback', maxSeconds: 300, requireForward: true },
  { kind: 'reconcile', minDays: 30, maxVariance: 0.001 },
  { kind: 'gate' },
].map((rule) => CriteriaSchema.parse({ rules: [{ match: 'x', rule }] }).rules[0]!.rule!);

function configWith(rules: readonly EvidenceRule[]): CutoverConfig {
  // gatherEvidence reads only the criteria, gate and performance of the configuration.
  return { criteria: CriteriaSchema.parse({ rules: rules.map((rule, i) => ({ match: `c${i}`, rule })) }) } as CutoverConfig;
}

const shadow = (at: string, input: string, verdict: 'pass' | 'fail', noise?: number) =>
  record({ kind: 'shadow', at, verdict, results: { input: { name: input, path: `${input}.csv` }, ...(noise === undefined ? {} : { noise: { verdict: 'pass', counts: { total: 1, pass: 1, inconclusive: 0, fail: 0, noise }, kpis: [] } }) } });

describe('readiness evidence through the run-store index', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'cutover-gather-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('decides every rule as a scan of every run.json does, reading only the runs the rules look at', async () => {
    const runs = [
      shadow('2026-01-01T00:00:00Z', 'portfolio-1m', 'pass', 0),
      ...Array.from({ length: 30 }, (_, i) => shadow(`2026-01-02T00:${String(i).padStart(2, '0')}:00Z`, 'sample-10k', i % 2 === 0 ? 'pass' : 'fail', i === 28 ? 0 : undefined)),
      reconcileRecord('2026-01-01T01:00:00Z', 30, []),
      record({ kind: 'reconcile', at: '2026-01-03T00:00:00Z', status: 'failed' }),
      switchRecord('forward', '2026-01-01T02:00:00Z', 1000, 0),
      switchRecord('rollback', '2026-01-02T03:00:00Z', 60_000, 0),
      switchRecord('forward', '2026-01-02T04:00:00Z', 1000, 0),
      switchRecord('forward', '2026-01-02T05:00:00Z', 1000, 1, 'fail'),
    ];
    for (const run of runs) writeRecord(root, run);
    // The newest run.json is damaged after it was indexed: the next older run stands in, as in a scan.
    await new RunStore(root).index().entries();
    const newest = [...runs].sort((a, b) => (a.id < b.id ? 1 : -1))[0]!;
    writeFileSync(join(root, '.cutover', 'runs', newest.id, 'run.json'), '{ torn');

    const scanned = await gatherEvidence(root, configWith([...RULES, { kind: 'runStore' }]));
    const indexed = await gatherEvidence(root, configWith(RULES));
    assert.equal(scanned.runs.length, runs.length - 1);
    assert.ok(indexed.runs.length < 12, `read ${indexed.runs.length} run records`);
    assert.deepEqual(indexed.corrupted.map((c) => c.id), [newest.id]);
    for (const rule of RULES) {
      assert.deepEqual(evaluateRule(rule, indexed), evaluateRule(rule, scanned), `rule ${rule.kind}`);
    }
    assert.deepEqual(RULES.map((rule) => evaluateRule(rule, indexed).state), ['not-met', 'met', 'met', 'met', 'met', 'met', 'not-met']);
  });
});
