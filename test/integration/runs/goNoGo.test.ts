/**
 * One go/no-go on every surface: after `cutover review accept` (and after a revocation), the CLI's `cutover gate`,
 * Evaluate Go/No-Go, the rollback confirmation, the status bar and the Runs view show the same verdict and the same
 * criteria for the same shadow run of the example workspace (whose V2 fails some KPIs).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import type { Criterion } from '../../../src/core/gate/evaluate';
import { formatCriterion } from '../../../src/core/gate/format';
import type { GoNoGo } from '../../../src/core/gate/goNoGo';
import { ReviewStore } from '../../../src/core/reviews/store';
import type { RunRef } from '../../../src/shared/runStores';
import { cutoverApi, EXTENSION_ID, waitFor, workspaceRoot } from '../util';

const CLI = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');

interface Seen {
  readonly verdict: string;
  readonly criteria: readonly Criterion[];
}

describe('One go/no-go on every surface (in the extension host)', function () {
  this.timeout(180_000);
  let run: RunRef;
  let root: string;

  before(async function () {
    root = workspaceRoot().fsPath;
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startShadowRun', { input: 'sample-10k', noise: false }))!;
    assert.ok(outcome.run, 'the shadow run was recorded');
    run = outcome.run;
  });

  after(function () {
    // The other suites' shadow runs reproduce these numbers: leave no review behind to accept them.
    fs.rmSync(path.join(root, '.cutover', 'reviews.json'), { force: true });
  });

  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8' });

  /** `cutover gate --json` on the run: the reference every other surface must match, with its exit code. */
  function cliGate(): { readonly seen: Seen; readonly exitCode: number | null } {
    const gate = cli('gate', run.record.id, '--json');
    const json = JSON.parse(gate.stdout) as GoNoGo;
    return { seen: { verdict: json.verdict, criteria: json.criteria }, exitCode: gate.status };
  }

  /** Every editor surface agrees with `expected`: the command's result, the confirmation, the status bar, the Runs view. */
  async function editorAgrees(expected: Seen): Promise<void> {
    const label = expected.verdict.toUpperCase();
    const lines = expected.criteria.map(formatCriterion);

    const command = (await vscode.commands.executeCommand<GoNoGo>('cutover.evaluateGate', run))!;
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.deepEqual({ verdict: command.verdict, criteria: JSON.parse(JSON.stringify(command.criteria)) as Criterion[] }, expected, 'Evaluate Go/No-Go');

    await vscode.commands.executeCommand('cutover.test.answerConfirmations', false);
    await vscode.commands.executeCommand('cutover.rollBack');
    const asked = await vscode.commands.executeCommand<{ message: string; detail?: string }>('cutover.test.lastConfirmation');
    assert.equal(asked?.message, 'Roll Back to V1?');
    const detail = asked?.detail ?? '';
    assert.ok(detail.includes(`Go/no-go now: ${label} (shadow run ${run.record.id})`), detail);
    for (const line of lines) assert.ok(detail.includes(line), `the confirmation shows ${line}\n${detail}`);

    const api = await cutoverApi();
    api.runs.refresh();
    const status = await waitFor('the status bar to show the go/no-go', () => {
      const shown = api.status.shown;
      return shown.tooltip.includes(`Go/no-go on run ${run.record.id}: ${label}`) && lines.every((l) => shown.tooltip.includes(l)) ? shown : undefined;
    }, 15_000).catch((error: unknown) => assert.fail(`${String(error)}; shown: ${JSON.stringify(api.status.shown)}`));
    assert.ok(status.text.endsWith(` · ${label}`), status.text);

    const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.id === run.record.id);
    assert.ok(node, 'the run is in the Runs view');
    const item = api.runs.getTreeItem(node);
    assert.ok(String(item.description).split(' · ').includes(label), String(item.description));
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    for (const line of [`Go/no-go on run ${run.record.id}: ${label}`, ...lines]) assert.ok(tooltip.includes(line), `the Runs view shows ${line}\n${tooltip}`);
  }

  it('before any review: no-go everywhere, on the same criteria', async function () {
    const { seen, exitCode } = cliGate();
    assert.equal(seen.verdict, 'no-go');
    assert.equal(exitCode, 1);
    await editorAgrees(seen);
  });

  it('after cutover review accept of the worst failing KPI: the same verdict and criteria everywhere, the KPI left out', async function () {
    const before = cliGate().seen.criteria.find((c) => c.name === 'kpiVariance')!;
    const worst = [...(run.record.results.kpis?.kpis ?? [])].filter((k) => k.verdict === 'fail').sort((a, b) => (b.relVariance ?? Infinity) - (a.relVariance ?? Infinity))[0]!;
    const accepted = cli('review', 'accept', run.record.id, '--kpi', worst.kpi, '--segment', worst.segment, '--reason', 'V2 counts dpd = 30 as past due', '--by', 'Host Test');
    assert.equal(accepted.status, 0, accepted.stderr);

    const { seen, exitCode } = cliGate();
    const kpiVariance = seen.criteria.find((c) => c.name === 'kpiVariance')!;
    assert.match(kpiVariance.reason, /1 accepted discrepancy left out/);
    assert.notEqual(kpiVariance.reason, before.reason);
    assert.equal(exitCode, 1, 'other KPIs still fail');
    await editorAgrees(seen);
  });

  it('every failing KPI accepted: the KPI variance passes everywhere; one revoked: no-go everywhere again', async function () {
    const reviews = new ReviewStore(root);
    const open = (run.record.results.kpis?.kpis ?? []).filter((k) => k.verdict !== 'pass');
    for (const line of open) await reviews.accept(run.record.id, line, 'reviewed in the host test', 'Host Test');
    const all = cliGate();
    assert.equal(all.seen.criteria.find((c) => c.name === 'kpiVariance')?.verdict, 'pass');
    // The example's V2 passes the other criteria: with every KPI difference accepted, it is a go.
    assert.deepEqual([all.seen.verdict, all.exitCode], ['go', 0]);
    await editorAgrees(all.seen);

    const failing = open.find((k) => k.verdict === 'fail')!;
    const revoked = cli('review', 'revoke', '--kpi', failing.kpi, '--segment', failing.segment, '--reason', 'numbers not explained', '--by', 'Host Test');
    assert.equal(revoked.status, 0, revoked.stderr);
    const again = cliGate();
    assert.deepEqual([again.seen.verdict, again.exitCode], ['no-go', 1]);
    assert.equal(again.seen.criteria.find((c) => c.name === 'kpiVariance')?.verdict, 'fail');
    await editorAgrees(again.seen);
  });
});
