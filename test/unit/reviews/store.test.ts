import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, UsageError } from '../../../src/core/errors';
import { evaluateGate } from '../../../src/core/gate/evaluate';
import { acceptedFor, covers, parseReviews, ReviewStore, type Review } from '../../../src/core/reviews/store';
import { reviewerName } from '../../../src/core/reviews/reviewer';

const dq30 = { segment: 'product=auto', kpi: 'dq30', v1: 0.1, v2: 0.1111, relVariance: 0.111 };
const dq60 = { segment: 'total', kpi: 'dq60', v1: 0.05, v2: 0.06, relVariance: 0.2 };

describe('reviews store (.cutover/reviews.json)', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'cutover-reviews-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists nothing when the file does not exist', async () => {
    assert.deepEqual(await new ReviewStore(root).list(), []);
  });

  it('writes an acceptance with who, when, run, values and the trimmed reason', async () => {
    const store = new ReviewStore(root);
    await store.accept('20260101-000000-000-abcdef', dq30, '  V2 counts dpd=30 as past due, as the spec says \n', 'Ada', new Date('2026-01-02T03:04:05.000Z'));
    const onDisk = JSON.parse(readFileSync(join(root, '.cutover', 'reviews.json'), 'utf8')) as { version: number; reviews: Review[] };
    assert.equal(onDisk.version, 1);
    assert.deepEqual(onDisk.reviews, [{
      runId: '20260101-000000-000-abcdef', segment: 'product=auto', kpi: 'dq30', v1: 0.1, v2: 0.1111, relVariance: 0.111,
      reason: 'V2 counts dpd=30 as past due, as the spec says', who: 'Ada', when: '2026-01-02T03:04:05.000Z',
    }]);
    // No temp or lock files left behind.
    assert.deepEqual(readdirSync(join(root, '.cutover')).sort(), ['reviews.json']);
  });

  it('keeps other reviews and replaces an earlier review of the same discrepancy', async () => {
    const store = new ReviewStore(root);
    await store.accept('r1', dq30, 'first', 'Ada');
    await store.accept('r1', dq60, 'other', 'Ada');
    await store.accept('r2', dq30, 'second', 'Bob');
    const reviews = await store.list();
    assert.deepEqual(reviews.map((r) => [r.kpi, r.reason, r.who]), [['dq60', 'other', 'Ada'], ['dq30', 'second', 'Bob']]);
  });

  it('two concurrent acceptances both land', async () => {
    const store = new ReviewStore(root);
    await Promise.all([store.accept('r', dq30, 'a', 'x'), store.accept('r', dq60, 'b', 'y')]);
    assert.equal((await store.list()).length, 2);
  });

  it('refuses an empty reason and writes nothing', async () => {
    await assert.rejects(new ReviewStore(root).accept('r', dq30, '   ', 'Ada'), UsageError);
    assert.deepEqual(await new ReviewStore(root).list(), []);
  });

  it('reports a broken file with its line and column and leaves it untouched', async () => {
    mkdirSync(join(root, '.cutover'));
    const file = join(root, '.cutover', 'reviews.json');
    const broken = '{\n  "version": 1,\n  "reviews": [ }\n';
    writeFileSync(file, broken);
    const store = new ReviewStore(root);
    await assert.rejects(store.list(), (e: unknown) => e instanceof InputError && e.place?.line === 3 && e.place.column === 16 && e.place.file === file);
    await assert.rejects(store.accept('r', dq30, 'why', 'Ada'), InputError);
    assert.equal(readFileSync(file, 'utf8'), broken);
  });

  it('rejects a file of the wrong shape, naming the field', () => {
    assert.throws(() => parseReviews('{"version":1,"reviews":[{"kpi":"dq30"}]}', 'f.json'), /f\.json: not a reviews file: reviews\.0\.runId/);
  });

  it('covers only the same segment, KPI and values', () => {
    const review: Review = { runId: 'r', ...dq30, reason: 'ok', who: 'a', when: 'w' };
    assert.equal(covers(review, dq30), true);
    assert.equal(covers(review, { ...dq30, v2: 0.1112 }), false, 'the numbers moved: a new review is needed');
    assert.equal(covers(review, { ...dq30, segment: 'total' }), false);
    assert.equal(covers(review, { ...dq30, v2: null }), false);
  });

  it('feeds the gate: an accepted KPI is left out of the variance criterion and named as accepted', () => {
    const reviews: Review[] = [{ runId: 'r', ...dq30, reason: 'spec change', who: 'a', when: 'w' }];
    const accepted = acceptedFor(reviews, [dq30, dq60]);
    assert.deepEqual(accepted.accepted.map((r) => r.kpi), ['dq30']);
    assert.equal(accepted.acceptedReason({ segment: 'product=auto', kpi: 'dq30' }), 'spec change');
    assert.equal(accepted.acceptedReason({ segment: 'total', kpi: 'dq60' }), undefined);
    const gate = evaluateGate({ kpis: [dq30, { ...dq60, v2: 0.05, relVariance: 0 }] }, { kpiVariance: 0.01, errorRate: 0.001, latencySeconds: 30, nullRate: 0.01 }, accepted);
    const kpiVariance = gate.criteria.find((c) => c.name === 'kpiVariance');
    assert.equal(kpiVariance?.verdict, 'pass');
    assert.match(kpiVariance?.reason ?? '', /1 accepted discrepancy left out/);
  });

  it('names the reviewer from git or the OS user', async () => {
    const name = await reviewerName(root);
    assert.ok(name.length > 0);
  });
});
