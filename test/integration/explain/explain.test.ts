/**
 * Cutover: Explain KPI Changes in a real extension host, on the example workspace (10k loans). What the example's
 * pipelines do: V2's `delinquency.pastDueWhen: at-least` counts a loan exactly 30/60/90 days past due as 30+/60+/90+
 * (V1: only more than), which moves dq30/dq60/dq90 out of tolerance and re-buckets loans; `rounding.loanBalance:
 * cents-half-even` rounds each balance to cents (V1 keeps them), sub-cent changes within the balance tolerance;
 * `weightedRate.nullRates` changes nothing here (the 10k sample has no loan without a rate). The test asserts
 * exactly that, then the annotated Diff V1 and V2 Configuration, and that Accept in a key's thread changes the
 * go/no-go everywhere (the CLI's `cutover gate` included), Mark Regression adds a task to the plan.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import type { ExplainResults } from '../../../src/core/runs/results';
import { RunStore } from '../../../src/core/runs/store';
import type { ConfigExplainDebugState } from '../../../src/views/configExplain';
import type { KpiDiffDebugState } from '../../../src/webviews/kpiDiff/panel';
import { EXTENSION_ID, waitFor, workspaceRoot } from '../util';

const CLI = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
const debugState = (): Thenable<ConfigExplainDebugState> => vscode.commands.executeCommand<ConfigExplainDebugState>('cutover.explain.debugState');

function gate(root: string, runId: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, 'gate', runId], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('Explain KPI Changes (in the extension host)', function () {
  this.timeout(180_000);
  let root: string;
  let explain: ExplainResults;
  let explainRunId: string;
  let v2Config: string;
  const key = (k: string) => explain.keys.find((x) => x.key === k);

  before(async () => {
    root = workspaceRoot().fsPath;
    v2Config = path.join(root, 'pipelines', 'v2', 'pipeline.config.json');
    const shadow = spawnSync(process.execPath, [CLI, 'shadow', '--input', 'sample-10k'], { cwd: root, encoding: 'utf8' });
    assert.equal(shadow.status, 1, shadow.stderr + shadow.stdout);
    const outcome = await vscode.commands.executeCommand<LaunchOutcome | undefined>('cutover.explain');
    assert.equal(outcome?.exitCode, 0);
    const record = outcome?.run?.record;
    assert.ok(record?.results.explain, 'the explain run recorded its results');
    explain = record.results.explain;
    explainRunId = record.id;
  });

  it('attributes the delinquency shifts to delinquency.pastDueWhen and the balance differences to rounding.loanBalance', () => {
    assert.ok(explain.lines.length > 0);
    assert.deepEqual([...new Set(explain.lines.map((l) => l.cause))], ['delinquency.pastDueWhen']);
    assert.deepEqual([...new Set(explain.lines.map((l) => l.kpi))].sort(), ['dq30', 'dq60', 'dq90']);
    assert.ok(explain.lines.every((l) => l.shares.find((s) => s.key === 'delinquency.pastDueWhen')?.share === 1 && l.remainder === 0));
    // The loans V2 re-buckets are exactly V1's buckets again with the key reverted.
    const bucket = key('delinquency.pastDueWhen')?.columns.find((c) => c.name === 'bucket');
    assert.ok(bucket && bucket.mismatches > 0 && bucket.mismatchesReverted === 0, JSON.stringify(key('delinquency.pastDueWhen')?.columns));
    // Balances: V2's sub-cent differences from V1 vanish when the rounding is reverted; they move outstanding_balance
    // within its tolerance, so no failing line is theirs.
    const balance = key('rounding.loanBalance')?.columns.find((c) => c.name === 'balance');
    assert.ok(balance && (balance.maxAbsDiff ?? 0) > 0 && balance.maxAbsDiffReverted === 0, JSON.stringify(key('rounding.loanBalance')?.columns));
    assert.deepEqual(key('rounding.loanBalance')?.effects.map((e) => [e.kpi, e.fixes]), [['outstanding_balance', 0]]);
    assert.deepEqual(key('weightedRate.nullRates')?.effects, []);
    assert.equal(key('weightedRate.nullRates')?.columns.length, 0);
  });

  it('annotates each changed line of the V2 side of Diff V1 and V2 Configuration', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('cutover.diffConfigs');
    const state = await waitFor('the annotations on the V2 configuration', async () => {
      const s = await debugState();
      return s.explainRunId === explainRunId && s.decorated.length === explain.keys.length ? s : undefined;
    }, 20_000);
    const text = fs.readFileSync(v2Config, 'utf8').split('\n');
    const at = (k: string) => state.decorated.find((d) => d.text.startsWith(`${k}:`));
    assert.match(text[at('delinquency.pastDueWhen')?.line ?? -1] ?? '', /"pastDueWhen": "at-least"/);
    assert.match(at('delinquency.pastDueWhen')?.text ?? '', /moves dq\d0 \+\d+(\.\d+)?% \(16 segments, 16 out of tolerance\)/);
    assert.match(text[at('rounding.loanBalance')?.line ?? -1] ?? '', /"loanBalance": "cents-half-even"/);
    assert.match(at('rounding.loanBalance')?.text ?? '', /moves outstanding_balance .*; loan-level balance max \|Δ\|/);
    assert.equal(at('weightedRate.nullRates')?.text, 'weightedRate.nullRates: no effect on KPIs');
    assert.ok(state.decorated.every((d) => d.file === v2Config));
    assert.equal(state.threads.length, explain.keys.length);
    assert.match(state.threads.find((t) => t.key === 'delinquency.pastDueWhen')?.comments[0]?.body ?? '', /\| dq30 \| 16 \|/);
  });

  it('Accept in a key\'s thread reviews exactly its KPI lines and turns the go/no-go', async () => {
    const before = gate(root, explain.shadowRun);
    assert.equal(before.code, 1, before.out);
    const line = key('delinquency.pastDueWhen')?.line ?? -1;
    const thread = { uri: vscode.Uri.file(v2Config), range: new vscode.Range(line, 0, line, 0) };
    // Without a reason nothing is written.
    assert.equal(await vscode.commands.executeCommand('cutover.explain.accept', { thread, text: '  ' }), undefined);
    assert.equal(fs.existsSync(path.join(root, '.cutover', 'reviews.json')), false);
    const done = await vscode.commands.executeCommand<{ accepted: number }>('cutover.explain.accept', { thread, text: 'V2 counts the threshold day as past due, as the credit policy says' });
    assert.equal(done.accepted, explain.lines.length);
    const reviews = (JSON.parse(fs.readFileSync(path.join(root, '.cutover', 'reviews.json'), 'utf8')) as { reviews: { kpi: string; segment: string; runId: string }[] }).reviews;
    assert.deepEqual(reviews.map((r) => `${r.kpi} ${r.segment}`).sort(), explain.lines.map((l) => `${l.kpi} ${l.segment}`).sort());
    assert.ok(reviews.every((r) => r.runId === explain.shadowRun));
    const after = gate(root, explain.shadowRun);
    assert.equal(after.code, 0, after.out);
    const state = await waitFor('the thread to show the acceptance', async () => {
      const s = await debugState();
      return s.threads.find((t) => t.key === 'delinquency.pastDueWhen' && t.state === 'accepted');
    }, 10_000);
    assert.match(state.comments.at(-1)?.body ?? '', /Accepted \d+ KPI lines: V2 counts the threshold day/);
  });

  it('Mark Regression adds an open task with the evidence to the plan; the thread shows it, also when rebuilt', async () => {
    const line = key('rounding.loanBalance')?.line ?? -1;
    const thread = { uri: vscode.Uri.file(v2Config), range: new vscode.Range(line, 0, line, 0) };
    const done = await vscode.commands.executeCommand<{ plan: string }>('cutover.explain.markRegression', { thread, text: 'statements must match V1 to the cent' });
    const plan = fs.readFileSync(done.plan, 'utf8');
    assert.match(plan, /## Regressions found by cutover explain\n\n- \[ \] Regression: `rounding\.loanBalance` moves outstanding_balance .*\(statements must match V1 to the cent\) — marked by .+ on \d{4}-\d\d-\d\d; evidence: \[[^\]]*run\.json\]/);
    assert.ok(plan.includes(explainRunId));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('cutover.diffConfigs');
    const state = await waitFor('the threads rebuilt with both decisions', async () => {
      const s = await debugState();
      const regression = s.threads.find((t) => t.key === 'rounding.loanBalance' && t.state === 'regression');
      const accepted = s.threads.find((t) => t.key === 'delinquency.pastDueWhen' && t.state === 'accepted');
      return regression && accepted ? regression : undefined;
    }, 10_000);
    assert.match(state.comments.at(-1)?.body ?? '', /Marked as a regression/);
  });

  it('the KPI Diff shows each line\'s cause, filtered to a key from the annotation\'s link', async () => {
    await vscode.commands.executeCommand('cutover.explain.showInKpiDiff', explainRunId, 'delinquency.pastDueWhen');
    const s = await waitFor('the KPI Diff with causes', async () => {
      const d = await vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState');
      return d.ready && d.lastLoad?.run.id === explain.shadowRun ? d : undefined;
    }, 20_000);
    assert.equal(s.lastLoad?.cause, 'delinquency.pastDueWhen');
    assert.equal(s.lastLoad?.causes.length, explain.lines.length);
    const store = new RunStore(root);
    assert.equal((await store.read(explainRunId)).kind, 'explain');
  });
});
