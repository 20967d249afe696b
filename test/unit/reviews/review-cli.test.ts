/** `cutover review accept|list|revoke` with `cutover gate`: what the panel's Accept… does, from a script or CI. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Review } from '../../../src/core/reviews/store';
import { runCli } from '../cli';
import { kpiLine, shadowRecord, writeRecord } from '../gate/records';

const ID = '20260101-000000-000-abcdef';

describe('cutover review', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cutover-review-cli-'));
    writeRecord(root, shadowRecord(ID, [
      kpiLine('total', 'dq30', 0.1, 0.103),
      kpiLine('product=auto', 'dq30', 0.2, 0.21),
      kpiLine('total', 'balance', 1000, 1000.5),
    ]));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('accept turns the gate from no-go to go; revoke turns it back; list shows both states', async () => {
    assert.equal((await runCli(['gate'], root)).code, 1);
    for (const segment of ['total', 'product=auto']) {
      const accepted = await runCli(['review', 'accept', '--kpi', 'dq30', '--segment', segment, '--reason', 'V2 counts dpd=30 as past due', '--by', 'Ada'], root);
      assert.equal(accepted.code, 0, accepted.stderr);
      assert.match(accepted.stdout, new RegExp(`^Accepted dq30 \\[${segment}\\] \\(V1 [0-9.]+ → V2 [0-9.]+, variance [0-9.]+%\\) of run ${ID}, by Ada on \\d{4}-\\d\\d-\\d\\d: V2 counts dpd=30 as past due$`, 'm'));
    }
    const go = await runCli(['gate'], root);
    assert.equal(go.code, 0, go.stdout);
    assert.match(go.stdout, /^ {2}~ dq30 \[total\] accepted by Ada on .* \(run 20260101-000000-000-abcdef\): V2 counts dpd=30 as past due$/m);
    assert.match(go.stdout, /Decision: GO/);

    const revoked = await runCli(['review', 'revoke', '--kpi', 'dq30', '--segment', 'total', '--reason', 'the spec was misread', '--by', 'Bob'], root);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /^Revoked dq30 \[total\]/m);
    const again = await runCli(['gate', '--json'], root);
    assert.equal(again.code, 1);
    const json = JSON.parse(again.stdout) as { verdict: string; accepted: Review[] };
    assert.equal(json.verdict, 'no-go');
    assert.deepEqual(json.accepted.map((r) => r.segment), ['product=auto']);

    const list = await runCli(['review', 'list'], root);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^revoked {3}dq30 \[total\].*\n {10}revoked by Bob on \d{4}-\d\d-\d\d: the spec was misread$/m);
    assert.match(list.stdout, /^in force {2}dq30 \[product=auto\]/m);
    const listed = JSON.parse((await runCli(['review', 'list', '--json'], root)).stdout) as Review[];
    assert.deepEqual(listed.map((r) => [r.segment, r.revoked?.who ?? null]), [['total', 'Bob'], ['product=auto', null]]);
  });

  it('takes who from git config user.name without --by', async () => {
    execFileSync('git', ['init', '-q', root]);
    execFileSync('git', ['config', 'user.name', 'Grace Hopper'], { cwd: root });
    const r = await runCli(['review', 'accept', ID.slice(0, 8), '--kpi', 'dq30', '--segment', 'total', '--reason', 'ok', '--json'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Review).who, 'Grace Hopper');
  });

  it('refuses, writing nothing: no reason, an empty reason, an unknown or passing line, a KPI failing in several segments', async () => {
    const cases: [string[], RegExp][] = [
      [['review', 'accept', '--kpi', 'dq30', '--segment', 'total'], /required option '--reason <text>' not specified/],
      [['review', 'accept', '--kpi', 'dq30', '--segment', 'total', '--reason', '  '], /a reason is required/],
      [['review', 'accept', '--kpi', 'dq90', '--reason', 'x'], /has no KPI line dq90; lines that did not pass: dq30 \[total\], dq30 \[product=auto\]/],
      [['review', 'accept', '--kpi', 'balance', '--reason', 'x'], /balance passes in run .*: there is nothing to accept/],
      [['review', 'accept', '--kpi', 'dq30', '--reason', 'x'], /dq30 did not pass on 2 lines .*--segment "total" \| --segment "product=auto"/],
      [['review', 'revoke', '--kpi', 'dq30', '--segment', 'total', '--reason', 'x'], /no review in force accepts dq30 \[total\]/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv, root);
      assert.equal(r.code, 3, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(existsSync(join(root, '.cutover', 'reviews.json')), false);
  });

  it('writes through the reviews store: the file the panel reads', async () => {
    await runCli(['review', 'accept', '--kpi', 'dq30', '--segment', 'total', '--reason', 'ok', '--by', 'Ada'], root);
    const file = JSON.parse(readFileSync(join(root, '.cutover', 'reviews.json'), 'utf8')) as { version: number; reviews: Review[] };
    assert.equal(file.version, 1);
    assert.deepEqual(file.reviews.map((r) => [r.runId, r.kpi, r.segment, r.v1, r.v2, r.who, r.reason]), [[ID, 'dq30', 'total', 0.1, 0.103, 'Ada', 'ok']]);
  });
});
