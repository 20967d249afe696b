/**
 * Shadow runs and comparisons launched from VS Code on the example workspace (10k loans generated into the copy):
 * the CLI runs in a real integrated terminal, the run record decides the outcome, the Runs view shows it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import type { GateResult } from '../../../src/core/gate/evaluate';
import type { Notification } from '../../../src/shared/notify';
import { cutoverApi, quiet, waitFor, workspaceRoot } from '../util';

/** Whether a process runs (a zombie, dead but not yet reaped, does not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The keyed row counts of two loan-level files, in plain DuckDB SQL (independent of the engine's comparison). */
interface RowCounts { v1: number; v2: number; matched: number; changed: number; onlyV1: number; onlyV2: number }

async function rowCounts(v1: string, v2: string, key: string): Promise<RowCounts> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const q = (f: string): string => `'${f.replace(/'/g, "''")}'`;
    await c.run(`CREATE VIEW a AS SELECT * FROM read_parquet(${q(v1)}); CREATE VIEW b AS SELECT * FROM read_parquet(${q(v2)})`);
    const reader = await c.runAndReadAll(`SELECT
      (SELECT count(*) FROM a)::INTEGER,
      (SELECT count(*) FROM b)::INTEGER,
      (SELECT count(*) FROM a JOIN b USING (${key}))::INTEGER, -- matched: the keys found on both sides
      (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b) WHERE ${key} IN (SELECT ${key} FROM b))::INTEGER,
      (SELECT count(*) FROM a WHERE ${key} NOT IN (SELECT ${key} FROM b))::INTEGER,
      (SELECT count(*) FROM b WHERE ${key} NOT IN (SELECT ${key} FROM a))::INTEGER`);
    const [row] = reader.getRows();
    const [v1Rows, v2Rows, joined, changed, onlyV1, onlyV2] = (row ?? []).map(Number);
    return { v1: v1Rows!, v2: v2Rows!, matched: joined!, changed: changed!, onlyV1: onlyV1!, onlyV2: onlyV2! };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('Runs (in the extension host)', function () {
  this.timeout(120_000);
  let shadow: LaunchOutcome;

  before(async function () {
    const opened: string[] = [];
    const watching = vscode.window.onDidOpenTerminal((t) => opened.push(t.name));
    try {
      shadow = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startShadowRun', { input: 'sample-10k', noise: false }))!;
    } finally {
      watching.dispose();
    }
    assert.deepEqual(opened, ['Cutover: shadow'], 'the run had its own terminal');
  });

  it('Start Shadow Run runs both pipelines in a terminal and exits as the data says', async function () {
    // The example's V2 counts dpd = 30/60/90 into the buckets (documented in its README): the KPIs move > 1%.
    assert.equal(shadow.exitCode, 1);
    assert.ok(shadow.run, 'a run record was found for the run');
    assert.equal(shadow.run.record.kind, 'shadow');
    assert.equal(shadow.run.record.status, 'complete');
    assert.equal(shadow.run.record.verdict?.verdict, 'fail');
    assert.deepEqual(shadow.run.record.commands.map((c) => [c.name, c.exitCode]).sort(), [['v1', 0], ['v2', 0]]);
  });

  it('shows the run in the Runs view with the verdict of its record', async function () {
    const api = await cutoverApi();
    const roots = await api.runs.getChildren();
    const node = roots.find((n) => n.kind === 'run' && n.record.id === shadow.run!.record.id);
    assert.ok(node, 'the run is listed');
    const item = api.runs.getTreeItem(node);
    assert.equal(item.label, 'shadow · FAIL');
    assert.match(String(item.description), /^worst [\d,.]+%/);
    const children = await api.runs.getChildren(node);
    assert.ok(children.some((c) => c.kind === 'kpi' && c.kpi.kpi === 'dq30'), 'failing KPIs are listed under the run');
    assert.ok(children.some((c) => c.kind === 'file' && c.uri.path.endsWith('/run.json')));
  });

  it('evaluates go/no-go from the run record: each criterion with value and threshold', async function () {
    const gate = (await vscode.commands.executeCommand<GateResult>('cutover.evaluateGate', shadow.run))!;
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(gate.verdict, 'no-go');
    const byName = Object.fromEntries(gate.criteria.map((c) => [c.name, c]));
    assert.equal(byName['kpiVariance']?.verdict, 'fail');
    assert.equal(byName['kpiVariance']?.threshold, 0.01);
    assert.equal(byName['errorRate']?.verdict, 'pass');
    assert.equal(byName['latency']?.verdict, 'pass');
  });

  it('passes a file name with spaces, quotes and $ to the CLI intact', async function () {
    const runDir = shadow.run!.store.runDir(shadow.run!.record.id);
    const odd = path.join(workspaceRoot().fsPath, `it's a "v1" $HOME out.parquet`);
    fs.copyFileSync(path.join(runDir, 'v1', 'loans.parquet'), odd);
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.compareOutputs', {
      v1: odd, v2: path.join(runDir, 'v2', 'loans.parquet'), keys: 'loan_id',
    }))!;
    assert.ok(outcome.run, 'the compare run was recorded');
    assert.ok(outcome.run.record.argv?.includes(odd), `argv ${JSON.stringify(outcome.run.record.argv)} holds the exact path`);
    // Expected from plain DuckDB SQL over the same two files: V2 rounds balances to cents, so rows differ.
    const expected = await rowCounts(odd, path.join(runDir, 'v2', 'loans.parquet'), 'loan_id');
    assert.ok(expected.changed > 0, 'the example\'s V2 changes some loans');
    assert.equal(outcome.exitCode, 1, 'changed rows without tolerances: a fail');
    assert.equal(outcome.run.record.verdict?.verdict, 'fail');
    const rows = outcome.run.record.results.rows?.rows;
    assert.deepEqual(rows && { v1: rows.v1, v2: rows.v2, matched: rows.matched, changed: rows.changed, onlyV1: rows.onlyV1, onlyV2: rows.onlyV2 }, expected);
  });

  it('Start Day-by-Day Reconciliation runs V1 and V2 on each day in a terminal and lists the reconcile run', async function () {
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startReconcile', { input: 'daily-30d', days: 2 }))!;
    // The example's dpd boundary change moves delinquency KPIs on every day.
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.run?.record.kind, 'reconcile');
    assert.equal(outcome.run?.record.status, 'complete');
    assert.deepEqual(outcome.run?.record.commands.map((c) => [c.name, c.exitCode]), [
      ['v1 2025-11-30', 0], ['v2 2025-11-30', 0], ['v1 2025-12-01', 0], ['v2 2025-12-01', 0],
    ]);
    const api = await cutoverApi();
    const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.id === outcome.run!.record.id);
    assert.ok(node, 'the reconcile run is listed');
    assert.equal(api.runs.getTreeItem(node).label, 'reconcile · FAIL');
    assert.match(String(api.runs.getTreeItem(node).description), /^worst [\d,.]+%/);
    // Its not-passing lines, each named with its day.
    const lines = (await api.runs.getChildren(node)).filter((c) => c.kind === 'kpi');
    assert.ok(lines.length > 0);
    assert.ok(lines.every((c) => / · 2025-(11-30|12-01)$/.test(String(api.runs.getTreeItem(c).label))), String(api.runs.getTreeItem(lines[0]!).label));
  });

  it('deletes a run after confirmation, and keeps it when the confirmation is declined', async function () {
    const api = await cutoverApi();
    const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.kind === 'compare')!;
    const listed = async (): Promise<boolean> => (await api.runs.getChildren()).some((n) => n.kind === 'run' && n.record.id === node.record.id);
    await vscode.commands.executeCommand('cutover.test.answerConfirmations', false);
    await vscode.commands.executeCommand('cutover.deleteRun', node);
    assert.equal(fs.existsSync(node.store.runDir(node.record.id)), true, 'declined: the run stays');
    assert.equal(await listed(), true, 'declined: the Runs view still lists the run');
    await vscode.commands.executeCommand('cutover.test.answerConfirmations', true);
    await vscode.commands.executeCommand('cutover.deleteRun', node);
    const asked = await vscode.commands.executeCommand<{ message: string }>('cutover.test.lastConfirmation');
    assert.equal(asked?.message, `Delete run ${node.record.id} and all its files?`);
    assert.equal(fs.existsSync(node.store.runDir(node.record.id)), false);
    await waitFor('the Runs view to drop the deleted run', async () => !(await listed()));
  });

  it('Open Manifest opens the run\'s run.json, and Show Run Log the log of its first command', async function () {
    const api = await cutoverApi();
    const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.id === shadow.run!.record.id)!;
    const runDir = shadow.run!.store.runDir(shadow.run!.record.id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('cutover.openRunManifest', node);
    const manifest = await waitFor('run.json in the active editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === path.join(runDir, 'run.json') && vscode.window.activeTextEditor);
    assert.equal((JSON.parse(manifest.document.getText()) as { id: string }).id, shadow.run!.record.id);
    // Both pipelines exited 0: the log shown is V1's, the first command of the run.
    await vscode.commands.executeCommand('cutover.showRunLog', node);
    const log = await waitFor('a log in the active editor', () => vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('.log') && vscode.window.activeTextEditor);
    assert.ok(log.document.uri.fsPath.startsWith(`${runDir}${path.sep}`), `${log.document.uri.fsPath} is in the run's folder`);
    assert.match(log.document.getText(), /pipelines\/v1\/pipeline\.mjs/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Refresh Runs lists a run another program wrote into the store', async function () {
    const api = await cutoverApi();
    const store = shadow.run!.store;
    const copyId = shadow.run!.record.id.replace(/-[0-9a-f]{6}$/, '-c0ffee');
    const copyDir = store.runDir(copyId);
    fs.cpSync(store.runDir(shadow.run!.record.id), copyDir, { recursive: true });
    const record = JSON.parse(fs.readFileSync(path.join(copyDir, 'run.json'), 'utf8')) as { id: string };
    record.id = copyId;
    fs.writeFileSync(path.join(copyDir, 'run.json'), JSON.stringify(record));
    try {
      await quiet(api.runs.onDidChangeTreeData, 500);
      let redraws = 0;
      const counting = api.runs.onDidChangeTreeData(() => { redraws++; });
      try {
        await vscode.commands.executeCommand('cutover.runs.refresh');
        assert.ok(redraws > 0, 'Refresh Runs redrew the view');
      } finally {
        counting.dispose();
      }
      assert.ok((await api.runs.getChildren()).some((n) => n.kind === 'run' && n.record.id === copyId), 'the copied run is listed');
    } finally {
      fs.rmSync(copyDir, { recursive: true, force: true });
      await vscode.commands.executeCommand('cutover.runs.refresh');
    }
  });

  it('a shadow run whose V2 fails is recorded as failed, and Show Run Log opens the failing side\'s log', async function () {
    const root = workspaceRoot().fsPath;
    const config = path.join(root, 'cutover.json');
    const original = fs.readFileSync(config, 'utf8');
    const v2 = '"command": ["node", "pipelines/v2/pipeline.mjs", "--input", "${input}", "--output", "${output}", "--config", "${config}"]';
    assert.ok(original.includes(v2), 'the example\'s V2 command');
    fs.writeFileSync(config, original.replace(v2, '"command": ["node", "-e", "console.error(\'v2 broke on purpose\'); process.exit(4)"]'));
    let failed: LaunchOutcome | undefined;
    try {
      failed = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startShadowRun', { input: 'sample-10k', noise: false }))!;
      assert.equal(failed.exitCode, 4, 'a pipeline that fails is a runtime error of the run (exit 4), never a verdict');
      const record = failed.run?.record;
      assert.ok(record, 'the failed run was recorded');
      assert.equal(record.status, 'failed');
      assert.match(record.error?.message ?? '', /pipeline v2 exited with 4/);
      assert.deepEqual(record.commands.map((c) => [c.name, c.exitCode]).sort(), [['v1', 0], ['v2', 4]]);
      const api = await cutoverApi();
      const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.id === record.id);
      assert.ok(node, 'the failed run is listed');
      await vscode.commands.executeCommand('cutover.showRunLog', node);
      const log = await waitFor('the failing side\'s log in the active editor', () => vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('.log') && vscode.window.activeTextEditor);
      assert.match(log.document.getText(), /v2 broke on purpose/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    } finally {
      fs.writeFileSync(config, original);
      // Later suites read "the latest shadow run": the failed one must not be it.
      if (failed?.run) await failed.run.store.delete(failed.run.record.id);
    }
  });

  it('Cancel Run stops the CLI and every process it started, and the run is recorded as stopped', async function () {
    const root = workspaceRoot().fsPath;
    const config = path.join(root, 'cutover.json');
    const original = fs.readFileSync(config, 'utf8');
    const pids = path.join(root, 'slow-pids.txt');
    // V1 becomes a pipeline that starts a child of its own and never ends: only a cancel stops them.
    fs.writeFileSync(path.join(root, 'slow-pipeline.cjs'), `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
require('node:fs').appendFileSync(process.argv[2], process.pid + '\\n' + child.pid + '\\n');
setInterval(() => {}, 1000);
`);
    const v1 = '"command": ["node", "pipelines/v1/pipeline.mjs", "--input", "${input}", "--output", "${output}", "--config", "${config}"]';
    assert.ok(original.includes(v1), 'the example\'s V1 command');
    fs.writeFileSync(config, original.replace(v1, `"command": ["node", "slow-pipeline.cjs", ${JSON.stringify(pids)}]`));
    let cancelled: LaunchOutcome | undefined;
    try {
      const running = vscode.commands.executeCommand<LaunchOutcome>('cutover.startShadowRun', { input: 'sample-10k', noise: false });
      const started = await waitFor('the slow pipeline and its child to start', () => {
        const list = fs.existsSync(pids) ? fs.readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number) : [];
        return list.length === 2 && list;
      }, 30_000);
      assert.ok(started.every(alive), 'both processes run before the cancel');
      await vscode.commands.executeCommand('cutover.cancelRun');
      cancelled = (await running)!;
      assert.equal(cancelled.exitCode, undefined, 'a cancelled run has no exit code');
      await waitFor('the pipeline and its child to be gone', () => !started.some(alive), 10_000);
      assert.equal(cancelled.run?.record.kind, 'shadow');
      // The CLI stopped its pipelines and closed the run itself (a CLI killed outright would leave it `interrupted`).
      assert.equal(cancelled.run?.record.status, 'stopped');
      assert.equal(cancelled.run?.record.verdict, undefined);
      assert.match(cancelled.run?.record.error?.message ?? '', /^stopped by SIGTERM \(Cancel\) after/);
      const api = await cutoverApi();
      const node = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.record.id === cancelled!.run!.record.id);
      assert.ok(node, 'the cancelled run is listed');
      assert.equal(api.runs.getTreeItem(node).label, 'shadow · STOPPED');
      // Its notification: a warning naming why it stopped, with no KPI Diff or go/no-go as if it had completed.
      const notice = await waitFor('the stopped run\'s notification', async () => {
        const shown = await vscode.commands.executeCommand<Notification | undefined>('cutover.test.lastNotification');
        return shown && /^Cutover: shadow run STOPPED/.test(shown.message) && shown;
      }, 10_000);
      assert.equal(notice.severity, 'warning');
      assert.match(notice.message, /^Cutover: shadow run STOPPED · stopped by SIGTERM \(Cancel\) after/);
      assert.deepEqual(notice.actions, ['Open Run', 'Show Log']);
    } finally {
      fs.writeFileSync(config, original);
      // Later suites read "the latest shadow run": the cancelled one must not be it.
      if (cancelled?.run) await cancelled.run.store.delete(cancelled.run.record.id);
    }
  });
});
