/** Command palette → Start Shadow Run → live terminal output → the verdict notification → the Runs view. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyWorkspace, REPO_ROOT } from '../host/workspace';
import { openCutoverView, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

describe('Shadow run from the command palette, as a person sees it', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;

  before(async function () {
    const folder = copyWorkspace('examples/loan-cutover');
    execFileSync(process.execPath, ['scripts/generate-data.mjs'], { cwd: folder, stdio: 'ignore' });
    wb = await startWorkbench(folder);
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('runs V1 and V2 in a terminal, announces the verdict and lists the run', async function () {
    const { page } = wb!;
    await openCutoverView(page);
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.fill('>Cutover: Start Shadow Run');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Start Shadow Run' }).first().click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample-10k' }).first().click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Compare V1 and V2' }).first().click();

    const terminal = page.locator('.terminal-wrapper .xterm-rows');
    await terminal.filter({ hasText: /shadow/ }).first().waitFor({ timeout: 60_000 });
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /shadow run FAIL/ });
    await toast.waitFor({ timeout: 90_000 });
    const text = await terminal.first().innerText();
    assert.match(text, /Verdict: FAIL/);
    assert.match(text, /exited with code 1 — this terminal stays open/);
    await wb!.screenshot('shadow-terminal-and-verdict');

    const run = page.getByRole('treeitem', { name: /^shadow run, fail/ });
    await run.waitFor();
    await run.click();
    await page.getByRole('treeitem', { name: /^dq30/ }).first().waitFor();
    const shot = await wb!.screenshot('shadow-runs-view');
    if (process.env.CUTOVER_UPDATE_MEDIA === '1') fs.copyFileSync(shot, path.join(REPO_ROOT, 'media', 'shadow-run.png'));
  });
});
