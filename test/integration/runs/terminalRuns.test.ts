/**
 * The extension reading the run store while terminals write it (issue 15, concurrency): 8 `cutover shadow`
 * processes of the bundled CLI land at once while the Runs view, the status bar, the Dashboard and KPI Diff read the
 * store and the store watchers rescan it over and over. Then 8 intact records, all 8 in the Runs view and the
 * Dashboard, the index naming exactly the run folders, no lock or temp folder left, and no error in the Cutover log.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newRunId } from '../../../src/core/runs/id';
import { RunStore } from '../../../src/core/runs/store';
import type { DashboardDebugState } from '../../../src/webviews/dashboard/panel';
import type { KpiDiffDebugState } from '../../../src/webviews/kpiDiff/panel';
import { storeProblems } from '../../reliability/harness';
import { cutoverApi, EXTENSION_ID, waitFor, workspaceRoot } from '../util';

const CLI = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
const RUNS = 8;

/** `cutover --run-id <id> shadow` in `cwd`, as a terminal runs it; resolves with its exit code and stderr. */
function shadow(id: string, cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--run-id', id, 'shadow'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Every file of the Cutover log folder, concatenated (the log channel writes one file per host session). */
function logText(folder: string): string {
  if (!fs.existsSync(folder)) return '';
  return fs.readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(folder, name))
    .filter((file) => fs.statSync(file).isFile())
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
}

describe('Terminal runs landing while the extension reads the store (in the extension host)', function () {
  this.timeout(90_000);

  it(`${RUNS} concurrent cutover shadow processes leave ${RUNS} intact records, all shown, the index whole, nothing logged as an error`, async function () {
    const root = workspaceRoot().fsPath;
    const api = await cutoverApi();
    const store = new RunStore(root);
    await vscode.commands.executeCommand('cutover.openDashboard');
    const logBefore = logText(api.logFolder.fsPath);
    const ids = Array.from({ length: RUNS }, () => newRunId());

    // The readers, over and over until every CLI has exited: a rescan of the stores, the Runs view's top level, the
    // latest shadow run the status bar shows, the Dashboard and KPI Diff models (rebuilt on each store change), and
    // a store opened afresh reading its index with no cache, as the extension does when it activates.
    let landing = true;
    let reads = 0;
    const readers = (async () => {
      while (landing) {
        api.runs.refresh();
        await Promise.all([
          api.runs.getChildren(),
          api.runs.latest('shadow'),
          new RunStore(root).latest('shadow'),
          vscode.commands.executeCommand<DashboardDebugState>('cutover.dashboard.debugState'),
          vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState'),
        ]);
        reads += 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const outcomes = await Promise.all(ids.map((id) => shadow(id, root))).finally(() => { landing = false; });
    await readers;

    // The example's V2 fails some KPIs: each run decides (exit 1), none errs.
    outcomes.forEach((o, i) => assert.ok(o.code !== null && o.code <= 2, `shadow ${ids[i]} exited ${o.code}: ${o.stderr}`));
    assert.ok(reads > RUNS, `the extension read the store while the runs landed (${reads} rounds)`);

    const records = await Promise.all(ids.map((id) => store.read(id)));
    for (const r of records) assert.ok(r.status === 'complete' && r.verdict !== undefined, `run ${r.id} is ${r.status}, verdict ${r.verdict?.verdict}`);
    assert.deepEqual(await storeProblems(root, ids), [], 'the store holds every run, no lock or temp folder, the index names exactly the folders');

    const listed = await waitFor(`the Runs view to list all ${RUNS}`, async () => {
      const shown = new Set((await api.runs.getChildren()).flatMap((n) => (n.kind === 'run' ? [n.record.id] : [])));
      return ids.every((id) => shown.has(id)) ? shown : undefined;
    }, 15_000);
    assert.equal(listed.size, (await store.list()).length, 'the Runs view lists the store, nothing more');

    const newest = [...ids].sort().at(-1)!;
    assert.equal((await api.runs.latest('shadow'))?.record.id, newest);
    await waitFor('the status bar to show the newest run', () => api.status.shown.tooltip.includes(newest), 15_000)
      .catch((error: unknown) => assert.fail(`${String(error)}; shown: ${JSON.stringify(api.status.shown)}`));
    const dashboard = await waitFor(`the Dashboard model to hold all ${RUNS}`, async () => {
      const s = await vscode.commands.executeCommand<DashboardDebugState>('cutover.dashboard.debugState');
      const inModel = new Set(s.model?.runs.map((r) => r.id));
      return ids.every((id) => inModel.has(id)) ? s.model : undefined;
    }, 15_000);
    assert.equal(dashboard?.total, listed.size);
    await vscode.commands.executeCommand('cutover.openKpiDiff');
    await waitFor('KPI Diff on the newest shadow run', async () =>
      (await vscode.commands.executeCommand<KpiDiffDebugState>('cutover.kpiDiff.debugState')).runId === newest, 15_000);

    await new Promise((r) => setTimeout(r, 1000)); // the log channel writes its file asynchronously
    const logged = logText(api.logFolder.fsPath).slice(logBefore.length).split('\n').filter((l) => /\[(error|warning)\]/.test(l));
    assert.deepEqual(logged, [], 'nothing went wrong reading the store');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
