/**
 * The KPI Diff panel as a person sees it, on a real shadow run of the example workspace (failing delinquency
 * KPIs) turned into a fixture: one KPI and segment named `<img src=x onerror=alert(1)>`, 100,000 mismatching rows.
 * Screenshots in the dark and light themes; the hostile name renders as text; the row table scrolls to its end;
 * the panel comes back after a window reload.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { provision } from '../host/toolchain';
import { startServer, type RunningServer } from '../host/server';
import { launchBrowser, openWorkbench } from '../host/workbench';
import { copyWorkspace, REPO_ROOT } from '../host/workspace';
import { fixtureRun, shadowRun, XSS } from '../integration/kpidiff/fixture';
import { RESULTS_DIR, screenshotOnFailure, type Workbench } from './workbench';

const OPEN_KEY = 'ctrl+alt+shift+k';
const OPEN_KEY_PRESS = 'Control+Alt+Shift+K';

/**
 * startWorkbench() with a user keybinding for Open KPI Diff: the command is not in the palette until package.json
 * contributes it, and a keybinding reaches any registered command.
 */
async function startWithKeybinding(folder: string, settings: Record<string, unknown>): Promise<Workbench> {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startServer(provision(), { settings, linkExtensions: [REPO_ROOT] });
    fs.writeFileSync(path.join(server.userDataDir, 'User', 'keybindings.json'), JSON.stringify([{ key: OPEN_KEY, command: 'cutover.openKpiDiff' }]));
    browser = await launchBrowser();
    const page = await openWorkbench(browser, server, { folder });
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const [s, b] = [server, browser];
    return {
      page,
      folder,
      async screenshot(name) {
        const file = path.join(RESULTS_DIR, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      async close() {
        await b.close();
        await s.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await server?.stop();
    throw error;
  }
}

function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

async function runCommand(page: Page, title: string, pick?: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
  if (pick) {
    await input.fill(pick);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first().click();
  }
}

describe('KPI Diff panel, as a person sees it', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let runId: string;

  before(async function () {
    const folder = copyWorkspace('examples/loan-cutover');
    execFileSync(process.execPath, ['scripts/generate-data.mjs'], { cwd: folder, stdio: 'ignore' });
    const base = shadowRun(path.join(REPO_ROOT, 'dist', 'cli.js'), folder);
    runId = await fixtureRun(folder, base, 100_000);
    wb = await startWithKeybinding(folder, { 'workbench.colorTheme': 'Default Dark Modern' });
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('opens beside the V2 configuration, with failing KPIs first (dark theme); the XSS fixture renders as text', async function () {
    const { page } = wb!;
    await page.locator('.part.editor').click();
    await page.keyboard.press(OPEN_KEY_PRESS);
    const app = panel(page);
    await app.locator('[data-testid=run-verdict]').waitFor({ timeout: 30_000 });
    assert.equal(await app.locator('[data-testid=run-verdict]').innerText(), 'FAIL');
    await page.locator('.tab', { hasText: 'pipeline.config.json' }).first().waitFor();
    const first = app.locator('table.kpis tbody tr').first();
    assert.match(await first.innerText(), /fail/);
    // The hostile name is text in a cell, and no <img> exists anywhere in the app.
    assert.ok(await app.getByText(XSS, { exact: true }).count() >= 2, 'the KPI and the segment name show as text');
    assert.equal(await app.locator('img').count(), 0);
    await wb!.screenshot('kpidiff-dark');
  });

  it('reads well in the light theme', async function () {
    const { page } = wb!;
    await runCommand(page, 'Preferences: Color Theme', 'Light Modern');
    await page.locator('.monaco-workbench.vs').waitFor();
    await panel(page).locator('[data-testid=run-verdict]').waitFor();
    await page.waitForTimeout(500);
    await wb!.screenshot('kpidiff-light');
  });

  it('filters by verdict and text, and sorts by variance', async function () {
    const app = panel(wb!.page);
    const shown = app.locator('[data-testid=shown]');
    const total = Number((await shown.innerText()).match(/of (\d+)/)?.[1]);
    await app.locator('vscode-textfield').locator('input').fill('dq90');
    await shown.filter({ hasText: /^\d+ of/ }).waitFor();
    const rows = app.locator('table.kpis tbody tr');
    const names = await rows.locator('td.kpi').allInnerTexts();
    assert.ok(names.length > 0 && names.length < total);
    assert.ok(names.every((n) => n === 'dq90'), `only dq90 rows: ${names.join(', ')}`);
    await app.locator('vscode-textfield').locator('input').fill('');
  });

  it('shows 100,000 mismatching rows from Arrow and scrolls to the last one', async function () {
    const { page } = wb!;
    const app = panel(page);
    await app.getByText('Show the 100,000 mismatching rows').click();
    await app.locator('[data-testid=rows-count]').filter({ hasText: '100,000 mismatching rows' }).waitFor({ timeout: 30_000 });
    const viewport = app.locator('[data-testid=rows-viewport]');
    await viewport.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const last = app.locator('[data-row="99999"]');
    await last.waitFor({ timeout: 10_000 });
    assert.match(await last.innerText(), /L0099999/);
    assert.ok(await app.locator('.vbody .vrow').count() < 200, 'only the visible window of rows is in the DOM');
    await last.scrollIntoViewIfNeeded();
    await wb!.screenshot('kpidiff-rows-end');
  });

  it('is restored after a window reload', async function () {
    const { page } = wb!;
    await page.reload();
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    const app = panel(page);
    await app.locator('[data-testid=run-verdict]').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('.tab.active').innerText(), /KPI Diff/);
    assert.ok((await app.locator('h1').innerText()).includes(runId));
  });
});
