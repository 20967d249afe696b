/**
 * What a person sees of readiness: criteria with their evidence in the Checklist, Tick with Evidence clicked on a
 * task (the file on disk gets [x] and the run link), and the Readiness Report webview with its Export… button.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src/core/runs/record';
import { copyWorkspace } from '../host/workspace';
import { switchRecord } from '../unit/readiness/fixtures';
import { openCutoverView, screenshotOnFailure, startWorkbench, webviewApp, type Workbench } from './workbench';

function writeRun(folder: string, record: RunRecord): void {
  const dir = path.join(folder, '.cutover', 'runs', record.id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
}

async function runPaletteCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^Cutover: /, '') }).first().click();
}

async function waitForFile(file: string, text: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const content = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (content.includes(text)) return content;
    if (Date.now() > deadline) assert.fail(`${file} did not come to hold "${text}" within 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Readiness, as a person sees it', function () {
  this.timeout(120_000);
  let wb: Workbench | undefined;
  let folder: string;
  const now = Date.now();
  const rollback = switchRecord('rollback', new Date(now - 3_600_000).toISOString(), 42_000, 0);

  before(async function () {
    folder = copyWorkspace('examples/loan-cutover');
    writeRun(folder, rollback);
    writeRun(folder, switchRecord('forward', new Date(now - 1_800_000).toISOString(), 30_000, 0));
    wb = await startWorkbench(folder);
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('shows each criterion with its evidence and the section with its criteria met', async function () {
    const { page } = wb!;
    await openCutoverView(page, 900);
    // The tree draws only the rows in view: give the Checklist the side bar and fold the sections before D.
    for (const pane of ['Runbooks', 'Runs']) {
      const header = page.locator('.pane-header[aria-expanded="true"]', { hasText: pane });
      if (await header.count() > 0) await header.first().click();
    }
    for (const title of [/^A\. Staging Environment Setup/, /^B\. Data Validation/, /^C\. Performance Validation/]) {
      const row = page.getByRole('treeitem', { name: title });
      await row.waitFor({ timeout: 20_000 });
      await row.locator('.monaco-tl-twistie').click();
      await page.getByRole('treeitem', { name: title }).and(page.locator('[aria-expanded="false"]')).waitFor();
    }
    const met = page.getByRole('treeitem', { name: 'Rollback time < 5 minutes, success criterion, met' });
    await met.waitFor({ timeout: 20_000 });
    assert.ok(await met.locator('.codicon-pass-filled').count() > 0, 'a met criterion shows the passed icon');
    assert.match(await met.innerText(), new RegExp(`met · 42 s.* · run ${rollback.id}`));
    const none = page.getByRole('treeitem', { name: 'Zero data loss during rollback, success criterion, no evidence' });
    assert.ok(await none.locator('.codicon-question').count() > 0, 'a criterion without evidence shows a question mark');
    const section = page.getByRole('treeitem', { name: /^D\. Rollback Procedures/ });
    assert.match(await section.innerText(), /criteria 2\/3 met/);
    await met.scrollIntoViewIfNeeded();
    await wb!.screenshot('readiness-checklist-criteria');
  });

  it('Tick with Evidence, clicked on a task whose rule is met, writes [x] and the run link to the file', async function () {
    const { page } = wb!;
    const row = page.getByRole('treeitem', { name: /^Roll back to V1 in staging and time it \(budget 300 s\)/ });
    await row.scrollIntoViewIfNeeded();
    await row.hover();
    await row.getByRole('button', { name: 'Tick with Evidence' }).click();
    const text = await waitForFile(path.join(folder, 'cutover', 'plan.md'), `[x] [x] Roll back to V1 in staging and time it (budget 300 s) ([evidence: run ${rollback.id}]`);
    assert.ok(text.includes(`(../.cutover/runs/${rollback.id}/run.json))`));
    await row.locator('.custom-view-tree-node-item-checkbox[aria-checked="true"]').waitFor({ timeout: 10_000 });
    await wb!.screenshot('readiness-tick-with-evidence');
  });

  it('opens the Readiness Report and exports it as HTML from its Export… button', async function () {
    const { page } = wb!;
    await runPaletteCommand(page, 'Cutover: Open Readiness Report');
    const frame = webviewApp(page);
    await frame.getByRole('heading', { name: 'Cutover readiness: NOT ENOUGH EVIDENCE' }).waitFor({ timeout: 20_000 });
    const row = frame.locator('tr', { hasText: 'Rollback time < 5 minutes' });
    assert.match(await row.innerText(), /✓ met/);
    await wb!.screenshot('readiness-report');
    await frame.getByRole('button', { name: 'Export…' }).click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'HTML' }).first().click();
    // The save dialog proposes readiness.html in the workspace: accept it.
    const input = page.locator('.quick-input-widget input');
    for (const deadline = Date.now() + 10_000; !(await input.inputValue()).endsWith('readiness.html');) {
      if (Date.now() > deadline) assert.fail(`the save dialog did not propose readiness.html (it shows "${await input.inputValue()}")`);
      await page.waitForTimeout(100);
    }
    await page.locator('.quick-input-widget').getByRole('button', { name: 'OK' }).click();
    const html = await waitForFile(path.join(folder, 'readiness.html'), '</html>');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok(html.includes('Rollback time &lt; 5 minutes'));
  });
});
