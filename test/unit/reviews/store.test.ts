import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
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

  it('revokes the reviews in force of a KPI line: they stay listed with who, when and why, and cover nothing', async () => {
    const store = new ReviewStore(root);
    await store.accept('r1', dq30, 'spec change', 'Ada');
    await store.accept('r1', dq60, 'other', 'Ada');
    const revoked = await store.revoke({ segment: dq30.segment, kpi: dq30.kpi }, ' no longer true ', 'Bob', new Date('2026-02-01T00:00:00.000Z'));
    assert.deepEqual(revoked.map((r) => [r.kpi, r.revoked]), [['dq30', { who: 'Bob', when: '2026-02-01T00:00:00.000Z', reason: 'no longer true' }]]);
    const reviews = await store.list();
    assert.deepEqual(reviews.map((r) => [r.kpi, r.revoked !== undefined]), [['dq30', true], ['dq60', false]]);
    assert.equal(covers(reviews[0]!, dq30), false, 'a revoked review covers nothing');
    assert.deepEqual(acceptedFor(reviews, [dq30, dq60]).accepted.map((r) => r.kpi), ['dq60']);
  });

  it('refuses to revoke without a reason or when no review is in force, and writes nothing', async () => {
    const store = new ReviewStore(root);
    await store.accept('r1', dq30, 'spec change', 'Ada');
    const before = readFileSync(join(root, '.cutover', 'reviews.json'), 'utf8');
    await assert.rejects(store.revoke({ segment: dq30.segment, kpi: dq30.kpi }, '  ', 'Bob'), UsageError);
    await assert.rejects(store.revoke({ segment: 'total', kpi: dq30.kpi }, 'why', 'Bob'), /no review in force accepts dq30 \[total\]/);
    await assert.rejects(store.revoke({ segment: dq30.segment, kpi: dq30.kpi, runId: 'r2' }, 'why', 'Bob'), /on run r2/);
    assert.equal(readFileSync(join(root, '.cutover', 'reviews.json'), 'utf8'), before);
    await store.revoke({ segment: dq30.segment, kpi: dq30.kpi, runId: 'r1' }, 'why', 'Bob');
    await assert.rejects(store.revoke({ segment: dq30.segment, kpi: dq30.kpi }, 'again', 'Bob'), UsageError, 'already revoked');
  });

  it('a new acceptance after a revocation counts again, and the revoked one stays on record', async () => {
    const store = new ReviewStore(root);
    await store.accept('r1', dq30, 'first', 'Ada');
    await store.revoke({ segment: dq30.segment, kpi: dq30.kpi }, 'wrong', 'Bob');
    await store.accept('r2', dq30, 'second look', 'Cy');
    const reviews = await store.list();
    assert.deepEqual(reviews.map((r) => [r.reason, r.revoked?.who]), [['first', 'Bob'], ['second look', undefined]]);
    assert.equal(acceptedFor(reviews, [dq30]).acceptedReason(dq30), 'second look');
  });

  it('names the reviewer from the workspace\'s git user.name', async () => {
    execFileSync('git', ['init', '--quiet', root]);
    execFileSync('git', ['config', 'user.name', 'Ada Lovelace (reviews test)'], { cwd: root });
    assert.equal(await reviewerName(root), 'Ada Lovelace (reviews test)');
  });

  it('names the OS user when git has no user.name', async () => {
    // No repository, and git told to read neither the global nor the system configuration.
    const saved = { global: process.env['GIT_CONFIG_GLOBAL'], nosystem: process.env['GIT_CONFIG_NOSYSTEM'] };
    const empty = join(root, 'empty.gitconfig');
    writeFileSync(empty, '');
    process.env['GIT_CONFIG_GLOBAL'] = empty;
    process.env['GIT_CONFIG_NOSYSTEM'] = '1';
    try {
      assert.equal(await reviewerName(root), userInfo().username);
    } finally {
      for (const [key, value] of [['GIT_CONFIG_GLOBAL', saved.global], ['GIT_CONFIG_NOSYSTEM', saved.nosystem]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
