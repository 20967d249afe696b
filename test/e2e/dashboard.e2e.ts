/**
 * The Dashboard as a person sees it, over a run history of 34 runs of six kinds (test/integration/
 * dashboard/fixture.ts): screenshots in the dark and light themes; a hostile reason renders as text; the timeline
 * filters; a run clicked opens in KPI Diff; a log line clicked opens the log at that line; a run that lands shows
 * without a click; the panel comes back after a window reload.
 */
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { RunStore } from '../../src/core/runs/store';
import { copyWorkspace } from '../host/workspace';
import { writeHistory, XSS_REASON } from '../integration/dashboard/fixture';
import { runCommand, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

/** The Dashboard's frame: the visible webview (KPI Diff, once opened from it, is another). */
function dashboard(page: Page): FrameLocator {
  return page.locator('iframe.webview.ready').filter({ visible: true }).contentFrame().locator('#active-frame').contentFrame();
}

describe('Dashboard, as a person sees it', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let ids: Record<string, string[]>;

  before(async function () {
    const folder = copyWorkspace('examples/loan-cutover');
    ids = writeHistory(folder);
    wb = await startWorkbench(folder, { 'workbench.colorTheme': 'Default Dark Modern' });
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('opens over the run history: status, timeline, drift, trends, logs, channels (dark theme)', async function () {
    const { page } = wb!;
    // The status bar shows the last shadow run once the extension is active.
    await page.locator('.statusbar-item', { hasText: /shadow FAIL/ }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Cutover: Open Dashboard');
    const app = dashboard(page);
    await app.locator('[data-testid=total]').filter({ hasText: '34 runs' }).waitFor({ timeout: 30_000 });
    await runCommand(page, 'View: Close Primary Side Bar');
    assert.equal(await app.locator('[data-testid=latest]').count(), 6);
    assert.match(await app.locator('[data-testid=latest][data-kind=shadow]').innerText(), /fail/);
    assert.equal(await app.locator('[data-testid=drift-kpi]').first().getAttribute('data-kpi'), 'dpd30_rate');
    // Each drift chart's last point is the latest run's verdict; the bands are drawn from the recorded lines.
    assert.equal(await app.locator('[data-testid=drift-kpi][data-kpi=dpd30_rate] circle.point').last().getAttribute('data-verdict'), 'fail');
    assert.ok(await app.locator('[data-testid=trend]').count() >= 5);
    assert.match(await app.locator('[data-testid=logs] tbody tr').first().innerText(), /warning|error/);
    assert.match(await app.locator('[data-testid=channels] tr[data-channel=warehouse]').innerText(), /fail/);
    await wb!.screenshot('dashboard-dark');
    await app.locator('[data-testid=drift]').scrollIntoViewIfNeeded();
    await wb!.screenshot('dashboard-dark-drift');
  });

  it('filters the timeline by text (a hostile reason shows as text) and by a minimap cell, and clears the range', async function () {
    const app = dashboard(wb!.page);
    // The run whose reason is HTML: found by its text, shown as text, and no <img> anywhere.
    await app.locator('[data-testid=timeline] vscode-textfield').locator('input').fill('onerror');
    await app.locator('[data-testid=shown]').filter({ hasText: /^1 of 34 runs/ }).waitFor();
    assert.equal(await app.locator('[data-testid=runs] tbody').getByText(XSS_REASON, { exact: true }).count(), 1);
    assert.equal(await app.locator('img').count(), 0);
    await app.locator('[data-testid=timeline] vscode-textfield').locator('input').fill('reconcile');
    await app.locator('[data-testid=shown]').filter({ hasText: /^4 of 34 runs/ }).waitFor();
    assert.equal(await app.locator('[data-testid=runs] tbody tr[data-kind=reconcile]').count(), 4);
    await app.locator('[data-testid=timeline] vscode-textfield').locator('input').fill('');
    await app.locator('[data-testid=shown]').filter({ hasText: /^34 runs/ }).waitFor();
    await app.locator('[data-testid=minimap] rect.cell').last().click();
    await app.locator('[data-testid=clear-range]').waitFor();
    const shown = await app.locator('[data-testid=shown]').innerText();
    assert.match(shown, /^\d+ of 34 runs, /);
    await app.locator('[data-testid=clear-range]').click();
    await app.locator('[data-testid=shown]').filter({ hasText: /^34 runs/ }).waitFor();
  });

  it('opens a clicked run in KPI Diff, and a clicked log line at its line', async function () {
    const { page } = wb!;
    const app = dashboard(page);
    const reconcile = ids['reconcile']!.at(-1)!;
    await app.locator(`[data-testid=runs] tbody tr[data-run="${reconcile}"] a.run-link`).click();
    await page.getByRole('tab', { name: /^KPI Diff/ }).waitFor({ timeout: 30_000 });
    // Closed again, so the one webview on screen is the Dashboard's.
    await page.getByRole('tab', { name: /^KPI Diff/ }).click();
    await runCommand(page, 'View: Close Editor');
    await page.getByRole('tab', { name: /^KPI Diff/ }).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /Cutover Dashboard/ }).click();
    const link = dashboard(page).locator('[data-testid=log-link]').filter({ hasText: 'logs/v2.log:2' }).first();
    await link.click();
    await page.getByRole('tab', { name: /v2\.log/ }).waitFor({ timeout: 20_000 });
    // The cursor is on the error line.
    await page.locator('.statusbar-item', { hasText: /Ln 2, Col 1/ }).first().waitFor({ timeout: 10_000 });
    await page.getByRole('tab', { name: /Cutover Dashboard/ }).click();
  });

  it('shows a run that lands, without a click', async function () {
    const app = dashboard(wb!.page);
    const run = await new RunStore(wb!.folder).begin('compare');
    await run.finish({ verdict: { verdict: 'pass', reasons: ['landed while the Dashboard was open'] } });
    await app.locator('[data-testid=total]').filter({ hasText: '35 runs' }).waitFor({ timeout: 10_000 });
    assert.equal(await app.locator(`[data-testid=runs] tbody tr[data-run="${run.id}"]`).count(), 1);
  });

  it('reads well in the light theme', async function () {
    const { page } = wb!;
    await runCommand(page, 'Preferences: Color Theme', 'Light Modern');
    await page.locator('.monaco-workbench.vs').waitFor();
    const app = dashboard(page);
    const background = (): Promise<string> => app.locator('body').evaluate((el) =>
      (el.ownerDocument.defaultView.getComputedStyle(el.ownerDocument.documentElement).getPropertyValue('--vscode-editor-background') as string).trim().toLowerCase());
    const deadline = Date.now() + 10_000;
    while (await background() !== '#ffffff' && Date.now() < deadline) await page.waitForTimeout(100); // the theme reaches the webview a moment later
    assert.equal(await background(), '#ffffff');
    await app.locator('[data-testid=status]').scrollIntoViewIfNeeded();
    await wb!.screenshot('dashboard-light');
    await app.locator('[data-testid=logs]').scrollIntoViewIfNeeded();
    await wb!.screenshot('dashboard-light-logs');
  });

  it('is restored after a window reload', async function () {
    const { page } = wb!;
    await page.reload();
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: /Cutover Dashboard/ }).click({ timeout: 60_000 });
    await dashboard(page).locator('[data-testid=total]').filter({ hasText: '35 runs' }).waitFor({ timeout: 60_000 });
  });
});
