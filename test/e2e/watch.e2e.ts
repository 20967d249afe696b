/**
 * The watch as a person sees it: Start Watch… answered in its pickers, the status bar's watch item with the next
 * run once the first shadow run lands, the example's breach raised as a notification, and its Open KPI Diff button
 * clicked opening that run in the KPI Diff. Clicking the item stops the watch (Cancel Run).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { RunStore } from '../../src/core/runs/store';
import { copyWorkspace } from '../host/workspace';
import { runCommand, screenshotOnFailure, startWorkbench, webviewApp, type Workbench } from './workbench';

describe('Watch, as a person sees it', function () {
  this.timeout(120_000);
  let wb: Workbench | undefined;

  before(async function () {
    const folder = copyWorkspace('examples/loan-cutover');
    execFileSync(process.execPath, [path.join(folder, 'scripts', 'generate-data.mjs'), '--rows', '10000'], { cwd: folder, stdio: 'ignore' });
    wb = await startWorkbench(folder);
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('shows the next run in the status bar, and a breach notification whose Open KPI Diff opens the run', async function () {
    const { page, folder } = wb!;
    // The extension is active once its status bar item for the runs shows.
    await page.locator('.statusbar-item', { hasText: /shadow|Cutover/ }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Cutover: Start Watch…');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Every hour' }).first().click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample-10k' }).first().click();
    // No daily reconciliation: the input box left empty (once it shows: an Enter sooner lands on the closing picker).
    await page.locator('.quick-input-widget', { hasText: 'Also reconcile every day' }).waitFor({ timeout: 30_000 });
    await page.locator('.quick-input-widget input').press('Enter');
    const item = page.locator('.statusbar-item', { hasText: /Watch · next shadow \d/ }).first();
    await item.waitFor({ timeout: 60_000 });
    const latest = await new RunStore(folder).latest('shadow');
    assert.ok(latest, 'the watch recorded a shadow run');
    const toast = page.locator('.notification-toast', { hasText: 'CutoverKpiVarianceHigh' }).first();
    await toast.waitFor({ timeout: 20_000 });
    assert.match(await toast.innerText(), new RegExp(`Cutover watch: CutoverKpiVarianceHigh: worst KPI variance: [\\d.]+% > 1\\.00% .*shadow run ${latest.id}`));
    await wb!.screenshot('watch-status-and-breach');
    await toast.getByRole('button', { name: 'Open KPI Diff' }).click();
    // The run the alert names, opened: its tab, and its verdict in the panel.
    await page.getByRole('tab', { name: new RegExp(`^KPI Diff · ${latest.id.slice(0, 15)}`) }).waitFor({ timeout: 30_000 });
    assert.equal(await webviewApp(page).locator('[data-testid=run-verdict]').innerText({ timeout: 30_000 }), 'FAIL');
    await toast.waitFor({ state: 'detached', timeout: 5_000 });
    await wb!.screenshot('watch-kpi-diff-from-breach');
    // The item is the watch's stop button.
    await item.click();
    await page.locator('.statusbar-item', { hasText: /Watch ·/ }).first().waitFor({ state: 'detached', timeout: 20_000 });
  });
});
