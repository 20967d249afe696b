/** The one go/no-go: thresholds from cutover.json or the run, reviews applied and revocable, missing data never a go. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GateSchema } from '../../../src/core/config/schema';
import { goNoGo, goNoGoInWorkspace } from '../../../src/core/gate/goNoGo';
import { ReviewStore, type Review } from '../../../src/core/reviews/store';
import { kpiLine, shadowRecord } from './records';

const ID = '20260101-000000-000-abcdef';
const failing = kpiLine('total', 'dq30', 0.1, 0.103); // 3% over the 1% KPI variance
const passing = kpiLine('total', 'balance', 1000, 1000.5);
const review = (over: Partial<Review> = {}): Review => ({
  runId: ID, segment: failing.segment, kpi: failing.kpi, v1: failing.v1, v2: failing.v2, relVariance: failing.relVariance,
  reason: 'V2 counts dpd=30 as past due', who: 'Ada', when: '2026-01-02T00:00:00.000Z', ...over,
});
const variance = (r: ReturnType<typeof goNoGo>) => r.criteria.find((c) => c.name === 'kpiVariance');

describe('go/no-go (goNoGo)', () => {
  it('is no-go on a failing KPI, go once a review accepts it, and no-go again when that review is revoked', () => {
    const record = shadowRecord(ID, [failing, passing]);
    const before = goNoGo(record, { reviews: [] });
    assert.equal(before.verdict, 'no-go');
    assert.equal(variance(before)?.verdict, 'fail');

    const after = goNoGo(record, { reviews: [review()] });
    assert.equal(after.verdict, 'go');
    assert.deepEqual(after.accepted.map((r) => r.kpi), ['dq30']);
    assert.match(variance(after)?.reason ?? '', /1 accepted discrepancy left out/);

    const revoked = goNoGo(record, { reviews: [review({ revoked: { who: 'Bob', when: '2026-01-03T00:00:00.000Z', reason: 'wrong' } })] });
    assert.equal(revoked.verdict, 'no-go');
    assert.deepEqual(revoked.accepted, []);
  });

  it('does not accept a line whose numbers moved since the review', () => {
    const moved = shadowRecord(ID, [kpiLine('total', 'dq30', 0.1, 0.104), passing]);
    assert.equal(goNoGo(moved, { reviews: [review()] }).verdict, 'no-go');
  });

  it('judges by cutover.json when given, else by the thresholds recorded with the run, else the defaults', () => {
    const loose = GateSchema.parse({ kpiVariance: 0.05 });
    const record = shadowRecord(ID, [failing, passing], loose);
    const recorded = goNoGo(record, { reviews: [] });
    assert.deepEqual([recorded.verdict, recorded.thresholdsFrom, recorded.thresholds.kpiVariance], ['go', 'run', 0.05]);
    const config = goNoGo(record, { gate: GateSchema.parse({}), reviews: [] });
    assert.deepEqual([config.verdict, config.thresholdsFrom, config.thresholds.kpiVariance], ['no-go', 'cutover.json', 0.01]);
    const bare = goNoGo(shadowRecord(ID, [failing]), { reviews: [] });
    assert.deepEqual([bare.verdict, bare.thresholdsFrom, bare.thresholds.kpiVariance], ['no-go', 'defaults', 0.01]);
  });

  it('never says go on a run that did not complete, whatever is accepted', () => {
    const record = { ...shadowRecord(ID, [failing]), status: 'failed' as const, error: { message: 'pipeline v2 exited with 1' } };
    const r = goNoGo(record, { reviews: [review()] });
    assert.equal(r.verdict, 'no-go');
    assert.match(variance(r)?.reason ?? '', /no data: pipeline v2 exited with 1/);
  });

  it('reads the reviews of the workspace that holds the run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cutover-gonogo-'));
    try {
      const record = shadowRecord(ID, [failing, passing]);
      assert.equal((await goNoGoInWorkspace(root, record)).verdict, 'no-go');
      await new ReviewStore(root).accept(ID, failing, 'spec change', 'Ada');
      assert.equal((await goNoGoInWorkspace(root, record)).verdict, 'go');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
