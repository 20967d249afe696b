/**
 * Explain KPI Changes as a person sees it, on the example workspace (10k loans, a real shadow run): the command
 * from the palette, its notification's "Diff V1 and V2 Configuration", the annotated V2 side of the diff, a key's
 * comment thread expanded, a reason typed and Accept clicked. Screenshots of the annotated diff and the thread.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { exampleWithData, REPO_ROOT } from '../host/workspace';
import { shadowRun } from '../integration/kpidiff/fixture';
import { runCommand, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

/** The after-line texts the editor styles carry (decorations render through CSS `content`), once `count` are there. */
async function waitForAnnotations(page: Page, count: number): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    // Evaluated in the page (a string: this file is compiled without the DOM's types).
    const texts = await page.evaluate<string[]>(`(() => {
      const out = [];
      for (const sheet of Array.from(document.styleSheets)) {
        let rules;
        try { rules = sheet.cssRules; } catch (error) { if (error instanceof DOMException) continue; throw error; }
        for (const rule of Array.from(rules)) {
          const m = /content:\\s*"((?:[^"\\\\]|\\\\.)*)"/.exec(rule.cssText);
          if (m && m[1] && /: (moves|no effect on KPIs)/.test(m[1])) out.push(JSON.parse('"' + m[1] + '"'));
        }
      }
      return out;
    })()`);
    const unique = [...new Set(texts.map((t) => t.trim()))];
    if (unique.length >= count || Date.now() > deadline) return unique;
    await page.waitForTimeout(250);
  }
}

describe('Explain KPI Changes, as a person sees it', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let folder: string;

  before(async function () {
    folder = exampleWithData();
    shadowRun(path.join(REPO_ROOT, 'dist', 'cli.js'), folder);
    wb = await startWorkbench(folder, { 'workbench.colorTheme': 'Default Dark Modern', 'diffEditor.renderSideBySide': false });
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('runs from the palette and annotates each changed line of the V2 configuration in the diff', async function () {
    const { page } = wb!;
    await page.locator('.statusbar-item', { hasText: /shadow FAIL/ }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Cutover: Explain KPI Changes');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /KPI lines that did not pass/ });
    await toast.waitFor({ timeout: 90_000 });
    assert.match(await toast.innerText(), /46 KPI lines that did not pass: 46 explained by one configuration key, 0 by an interaction, 0 by the code/);
    await toast.getByRole('button', { name: 'Diff V1 and V2 Configuration' }).click();
    await page.locator('.tab', { hasText: 'V1 ↔ V2' }).first().waitFor();
    await page.keyboard.press('Control+B');
    // The annotations are after-line decorations: their text lives in the editor's generated CSS, not in the DOM.
    const annotations = await waitForAnnotations(page, 5);
    assert.ok(annotations.some((a) => /^delinquency\.pastDueWhen: moves dq30 \+\d+(\.\d+)?% \(16 segments, 16 out of tolerance\)/.test(a)), annotations.join('\n'));
    assert.ok(annotations.some((a) => /^rounding\.loanBalance: moves outstanding_balance .*loan-level balance max \|Δ\|/.test(a)), annotations.join('\n'));
    assert.ok(annotations.includes('weightedRate.nullRates: no effect on KPIs'), annotations.join('\n'));
    await wb!.screenshot('explain-annotated-diff');
  });

  it('opens a key\'s thread, accepts its effect with a reason and shows who decided', async function () {
    const { page } = wb!;
    // The Comments panel lists one thread per changed key; choosing one opens it on its line.
    await page.locator('.comments-panel .monaco-list-row', { hasText: 'delinquency.pastDueWhen' }).first().click();
    const thread = page.locator('.review-widget', { hasText: 'delinquency.pastDueWhen' }).first();
    await thread.waitFor({ timeout: 15_000 });
    await thread.locator('.review-comment-contents', { hasText: 'dq30' }).first().waitFor();
    await wb!.screenshot('explain-thread');
    // The reply box (the controller's prompt) opens an editor for the reason; the thread's actions sit under it.
    await thread.getByText('Reason, then Accept or Mark Regression…').click();
    await page.keyboard.type('V2 counts the threshold day as past due, as the credit policy says');
    await thread.getByRole('button', { name: 'Accept' }).click();
    await thread.locator('.review-comment-contents', { hasText: /Accepted 46 KPI lines: V2 counts the threshold day/ }).waitFor({ timeout: 20_000 });
    const reviews = JSON.parse(fs.readFileSync(path.join(folder, '.cutover', 'reviews.json'), 'utf8')) as { reviews: unknown[] };
    assert.equal(reviews.reviews.length, 46);
    await wb!.screenshot('explain-thread-accepted');
  });

  it('the KPI Diff names each line\'s cause and filters by it', async function () {
    const { page } = wb!;
    await runCommand(page, 'Cutover: Open KPI Diff');
    const app = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await app.locator('table.kpis th.cause').waitFor({ timeout: 30_000 });
    assert.equal(await app.locator('table.kpis tbody tr').first().locator('[data-testid=cause]').innerText(), 'delinquency.pastDueWhen');
    await app.locator('table.kpis tbody tr [data-testid=cause] button').first().click();
    await app.locator('[data-testid=shown]').filter({ hasText: /^46 of 128 KPI rows/ }).waitFor();
    await wb!.screenshot('explain-kpidiff-cause');
  });
});
