// The small tier of the reliability suite (test/reliability/, `npm run test:reliability` at full size) inside
// `npm test`: the same checks on fewer cases, every case required to pass and lose nothing.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { concurrency } from '../../reliability/concurrency';
import { corruptState } from '../../reliability/corrupt';
import { canMount, fullDisk } from '../../reliability/fullDisk';
import { fuzzing } from '../../reliability/fuzz';
import { hostile } from '../../reliability/hostile';
import { type Figure, workspace } from '../../reliability/harness';
import { kills } from '../../reliability/kills';
import { traversal } from '../../reliability/traversal';

function assertClean(figures: readonly Figure[]): void {
  assert.ok(figures.length > 0, 'no check ran');
  for (const f of figures) {
    assert.ok(f.tried > 0, `${f.check}: no case tried`);
    assert.deepEqual({ passed: f.passed, lost: f.lost, failures: f.failures }, { passed: f.tried, lost: 0, failures: [] }, f.check);
  }
}

describe('reliability tier (test/reliability at small size)', function () {
  this.timeout(120_000);
  let ws: string;
  before(() => { ws = workspace('tier'); });
  after(() => { rmSync(ws, { recursive: true, force: true }); });

  it('8 concurrent compare and runbook runs into one store: 8 intact records each, lock and index consistent', async () => {
    assertClean(await concurrency(ws, ['compare', 'runbook'], 8));
  });

  it('kill -9 at 2 seeded points of a shadow run: interrupted, nothing partial, no process left, the rerun succeeds', async () => {
    assertClean(await kills(ws, ['shadow'], 2, 1));
  });

  it('damaged run.json, reviews.json, index and lock: errors name the file, every other run still listed', async () => {
    assertClean(await corruptState(ws, 4, 1));
  });

  it('fuzzed cutover.json, plans and runbooks (100 each), CSV and Parquet (25 each): no crash, errors name the file', async () => {
    const small = [...await fuzzing(100, 1, ['config', 'plan', 'runbook']), ...await fuzzing(25, 1, ['csv', 'parquet'])];
    assertClean(small);
  });

  it('hostile run ids and cutover.json paths leaving the workspace are refused, nothing written outside', async () => {
    assertClean(await traversal(ws));
  });

  it('HTML, bidi, escapes, NUL, C1, emoji and 1 MB in KPI names and reasons: gate, runs, review, explain, readiness print no raw control', async () => {
    assertClean(await hostile(ws));
  });

  it('a shadow run and a publish on a full disk: an error naming the folder, earlier runs intact', async function () {
    if (!canMount()) this.skip(); // mounting the small tmpfs needs root
    assertClean(await fullDisk(ws, [0], ['shadow', 'publish']));
  });
});
