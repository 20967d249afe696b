/**
 * Hostile data in the KPI Diff, as a person sees it (the reliability suite's browser check): a real shadow run of
 * the example whose failing KPI lines, segments and reasons carry HTML and script, bidi overrides, control
 * characters, NUL, emoji and a 1 MB name. Each shows as text; no script runs (a payload would set a global and load
 * an image) and the browser reports no Content Security Policy violation.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { copyWorkspace, REPO_ROOT } from '../host/workspace';
import { shadowRun } from '../integration/kpidiff/fixture';
import { screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

const HOSTILE = [
  '<script>window.__cutoverPwned = 1</script>',
  '<img src=x onerror="window.__cutoverPwned = 2">',
  '"><svg onload="window.__cutoverPwned = 3">',
  'bidi \u202eevil\u202c text',
  'ctrl \u0001\u001b[31m red \u0007',
  'nul \u0000 byte',
  'emoji 😀🏳️‍🌈',
] as const;
const HUGE = `huge-${'x'.repeat(1_000_000)}`;

function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** The webview app's frame (the inner `#active-frame`), to ask it whether a payload ran. */
function appFrame(page: Page): Frame | undefined {
  return page.frames().find((f) => f.parentFrame()?.name() !== undefined && f.url().includes('fake.html'));
}

describe('Hostile data in the KPI Diff, as a person sees it', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  const violations: string[] = [];

  before(async function () {
    const folder = copyWorkspace('examples/loan-cutover');
    execFileSync(process.execPath, ['scripts/generate-data.mjs'], { cwd: folder, stdio: 'ignore' });
    const id = shadowRun(path.join(REPO_ROOT, 'dist', 'cli.js'), folder);
    const file = path.join(folder, '.cutover', 'runs', id, 'run.json');
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      verdict: { reasons: string[] }; results: { kpis: { kpis: { segment: string; kpi: string; verdict: string; reason: string }[] } };
    };
    const failing = record.results.kpis.kpis.filter((k) => k.verdict === 'fail');
    [...HOSTILE, HUGE].forEach((text, i) => {
      const line = failing[i];
      if (!line) throw new Error('the base run has too few failing KPIs');
      line.kpi = text;
      line.segment = `segment ${text}`;
      line.reason = `reason ${text}`;
    });
    record.verdict.reasons.push(...HOSTILE);
    fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    wb = await startWorkbench(folder, { 'workbench.colorTheme': 'Default Dark Modern' });
    // Chromium reports each CSP violation on the console, whichever frame it happened in.
    wb.page.on('console', (m) => { if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text()); });
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('shows every hostile KPI, segment and reason as text; no script runs, no CSP violation', async function () {
    const { page } = wb!;
    await page.locator('.statusbar-item', { hasText: /shadow/ }).first().waitFor({ timeout: 60_000 });
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Cutover: Open KPI Diff');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Cutover: Open KPI Diff' }).first().click();
    const app = panel(page);
    await app.locator('[data-testid=run-verdict]').waitFor({ timeout: 30_000 });
    await page.locator('.part.editor').first().click();
    await page.keyboard.press('Control+B');
    // A violation is reported on the document too: listen there for the rest of the check.
    const frame = appFrame(page);
    // (Code that runs in the page, given as text: this file is type-checked without the DOM library.)
    await frame?.evaluate(`window.__cutoverCsp = []; document.addEventListener('securitypolicyviolation', (e) => window.__cutoverCsp.push(e.violatedDirective + ' ' + e.blockedURI));`);
    const table = app.locator('table.kpis');
    const text = await table.innerText();
    for (const hostile of ['<script>window.__cutoverPwned = 1</script>', '<img src=x onerror="window.__cutoverPwned = 2">', '"><svg onload="window.__cutoverPwned = 3">', 'emoji 😀🏳️‍🌈']) {
      assert.ok(text.includes(hostile), `${hostile} shows as text in the KPI table`);
      assert.ok(text.includes(`segment ${hostile}`), `segment ${hostile} shows as text`);
    }
    assert.ok(text.includes('bidi \u202eevil\u202c text'), 'the bidi override is kept as text');
    // Each data string sits in its own bidi isolate (<bdi>), so an override in it cannot reorder the rest of its line:
    // the row still reads name, segment, Accept… from left to right, and the reason's text is isolated too.
    const bidiRow = app.locator('tr.verdict-row[data-kpi^="bidi "]');
    for (const part of ['.name', '.segment', '.reason']) {
      const isolate = bidiRow.locator(`${part} > bdi`);
      assert.ok((await isolate.textContent())?.includes('\u202e'), `the ${part} text with the override is in a <bdi>`);
      const style = await isolate.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { unicodeBidi: string } }).getComputedStyle(el).unicodeBidi);
      assert.equal(style, 'isolate', `the ${part} <bdi> is a bidi isolate`);
    }
    const [name, segment, accept] = await Promise.all(['.name', '.segment', '.accept'].map(async (sel) => (await bidiRow.locator(sel).boundingBox())!));
    assert.ok(name!.x + name!.width <= segment!.x && segment!.x + segment!.width <= accept!.x + 1, 'the row still reads name, segment, Accept… from left to right');
    assert.ok(text.includes(HUGE.slice(0, 1000)), 'the 1 MB name is there');
    const injected = await app.locator('img, svg[onload], script:not([nonce]):not(#_vscodeApiScript)').evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 200)));
    assert.deepEqual(injected, [], 'no element came from the data (only the app\'s nonce\'d script and VS Code\'s API script)');
    await wb!.screenshot('kpidiff-hostile');
    // Filtering re-renders every row with the hostile text.
    await app.locator('vscode-textfield').locator('input').fill('window.__cutoverPwned');
    await app.locator('[data-testid=shown]').filter({ hasText: /^3 of/ }).waitFor();
    await app.locator('vscode-textfield').locator('input').fill('');
    if (frame) {
      assert.equal(await frame.evaluate('typeof window.__cutoverPwned'), 'undefined', 'no payload ran');
      assert.deepEqual(await frame.evaluate('window.__cutoverCsp'), [], 'no securitypolicyviolation event');
    }
    assert.ok(frame, 'the webview app frame was found');
    assert.deepEqual(violations, [], 'no CSP violation reported on the console');
  });
});
