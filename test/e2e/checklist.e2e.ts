/** What a person sees of the Checklist view, and a real checkbox click that lands in the file. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyWorkspace, REPO_ROOT, workspaceWith } from '../host/workspace';
import { openCutoverView, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

const UPDATE_MEDIA = process.env.CUTOVER_UPDATE_MEDIA === '1';

describe('Checklist view, as a person sees it', function () {
  this.timeout(120_000);

  describe('on the seed plan', function () {
    let wb: Workbench | undefined;
    let folder: string;
    before(async function () {
      folder = workspaceWith({
        'week3-cutover-plan.md': fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/plans/week3-cutover-plan.md')),
      });
      wb = await startWorkbench(folder);
    });
    afterEach(async function () { await screenshotOnFailure(this, wb); });
    after(async () => { await wb?.close(); });

    it('shows the plan, its sections with progress, and the open-task badge', async function () {
      const { page } = wb!;
      await openCutoverView(page);
      await page.getByRole('treeitem', { name: /^week3-cutover-plan\.md/ }).waitFor();
      const sectionA = page.getByRole('treeitem', { name: /^A\. Staging Environment Setup/ });
      await sectionA.waitFor();
      assert.match(await sectionA.innerText(), /0\/15 · 0%/);
      assert.match(await sectionA.getAttribute('aria-label') ?? '', /0 of 15 tasks done/);
      const badge = page.locator('.activitybar .action-item:has(a[aria-label^="Cutover"]) .badge .badge-content');
      await badge.waitFor();
      assert.equal((await badge.innerText()).trim(), '137');
      await wb!.screenshot('checklist-seed');
    });

    it('a checkbox click marks the task done in the file on disk', async function () {
      const { page } = wb!;
      const row = page.getByRole('treeitem', { name: /^Deploy V2 pipeline to staging environment/ });
      const box = row.locator('.custom-view-tree-node-item-checkbox');
      assert.equal(await box.getAttribute('aria-checked'), 'false');
      await box.click();
      const file = path.join(folder, 'week3-cutover-plan.md');
      const deadline = Date.now() + 10_000;
      while (!fs.readFileSync(file, 'utf8').includes('- [x] Deploy V2 pipeline to staging environment')) {
        if (Date.now() > deadline) assert.fail('the click did not reach the file on disk within 10 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      const badge = page.locator('.activitybar .action-item:has(a[aria-label^="Cutover"]) .badge .badge-content');
      await badge.filter({ hasText: /^136$/ }).waitFor();
      assert.equal(await box.getAttribute('aria-checked'), 'true');
      await wb!.screenshot('checklist-after-click');
    });

    it('the box follows the file when another program puts it back on disk (git checkout, another editor)', async function () {
      const { page } = wb!;
      fs.writeFileSync(path.join(folder, 'week3-cutover-plan.md'), fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/plans/week3-cutover-plan.md')));
      await page.getByRole('treeitem', { name: /^Deploy V2 pipeline to staging environment/ })
        .locator('.custom-view-tree-node-item-checkbox[aria-checked="false"]').waitFor({ timeout: 5000 });
      const badge = page.locator('.activitybar .action-item:has(a[aria-label^="Cutover"]) .badge .badge-content');
      await badge.filter({ hasText: /^137$/ }).waitFor();
    });

    // Last on the seed plan: it leaves the tree collapsed.
    it('Collapse All Checklist Sections folds every section, leaving the plan row alone in view', async function () {
      const { page } = wb!;
      const sectionA = page.getByRole('treeitem', { name: /^A\. Staging Environment Setup/ });
      await sectionA.waitFor();
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Cutover: Collapse All Checklist Sections');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Collapse All Checklist Sections' }).first().click();
      const plan = page.getByRole('treeitem', { name: /^week3-cutover-plan\.md/ });
      await plan.and(page.locator('[aria-expanded="false"]')).waitFor({ timeout: 10_000 });
      await sectionA.waitFor({ state: 'detached', timeout: 10_000 });
      await wb!.screenshot('checklist-collapsed');
    });
  });

  describe('on the example workspace', function () {
    let wb: Workbench | undefined;
    before(async function () {
      wb = await startWorkbench(copyWorkspace('examples/loan-cutover'));
    });
    afterEach(async function () { await screenshotOnFailure(this, wb); });
    after(async () => { await wb?.close(); });

    it('shows the example plan named by cutover.json, with the plan open beside it', async function () {
      const { page } = wb!;
      await openCutoverView(page);
      await page.getByRole('treeitem', { name: /^cutover\/plan\.md/ }).waitFor();
      // Give the Checklist the whole side bar: collapse the Runbooks and Runs panes below it.
      for (const pane of ['Runbooks', 'Runs']) {
        const header = page.locator(`.pane-header[aria-label^="${pane}"]`).first();
        if (await header.getAttribute('aria-expanded') === 'true') await header.click();
      }
      await page.getByRole('treeitem', { name: /^B\. Data Validation/ }).click();
      // The plan opens at the section's heading (its line read from the file, 1-based as the status bar counts).
      const line = fs.readFileSync(path.join(wb!.folder, 'cutover', 'plan.md'), 'utf8').split('\n').findIndex((l) => l === '### B. Data Validation') + 1;
      assert.ok(line > 0, 'the example plan has section B');
      await page.locator('.tab.active', { hasText: 'plan.md' }).waitFor({ timeout: 10_000 });
      await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col 1\\b`) }).waitFor({ timeout: 10_000 });
      await page.locator('.editor-instance .view-line', { hasText: 'B. Data Validation' }).first().waitFor();
      const shot = await wb!.screenshot('checklist-example');
      if (UPDATE_MEDIA) fs.copyFileSync(shot, path.join(REPO_ROOT, 'media', 'checklist.png'));
    });
  });
});
