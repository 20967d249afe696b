/**
 * The KPI Diff panel as a person sees it, on a real shadow run of the example workspace (failing delinquency
 * KPIs) turned into a fixture: one KPI and segment named `<img src=x onerror=alert(1)>`, 100,000 mismatching rows.
 * Screenshots in the dark and light themes; the hostile name renders as text; the row table scrolls to its end;
 * the panel comes back after a window reload.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exampleWithData, REPO_ROOT } from '../host/workspace';
import { fixtureRun, RECONCILE_SHIFTS, reconcileRun, shadowRun, XSS } from '../integration/kpidiff/fixture';
import { runCommand, screenshotOnFailure, startWorkbench, webviewApp, type Workbench } from './workbench';

describe('KPI Diff panel, as a person sees it', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let runId: string;

  before(async function () {
    const folder = exampleWithData();
    const base = shadowRun(path.join(REPO_ROOT, 'dist', 'cli.js'), folder);
    runId = await fixtureRun(folder, base, 100_000);
    // Ten days of tiny KPI tables through the real `cutover reconcile`: passing, inconclusive and failing days.
    await reconcileRun(path.join(REPO_ROOT, 'dist', 'cli.js'), folder);
    wb = await startWorkbench(folder, { 'workbench.colorTheme': 'Default Dark Modern' });
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('opens beside the V2 configuration, with failing KPIs first (dark theme); the XSS fixture renders as text', async function () {
    const { page } = wb!;
    // A command no activation event names is found only once the extension is active: its status item shows that.
    await page.locator('.statusbar-item', { hasText: /shadow FAIL/ }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Cutover: Open KPI Diff');
    const app = webviewApp(page);
    await app.locator('[data-testid=run-verdict]').waitFor({ timeout: 30_000 });
    // Config and numbers side by side get the whole width: hide the side bar, as a reviewer would.
    await page.locator('.part.editor').first().click();
    await page.keyboard.press('Control+B');
    assert.equal(await app.locator('[data-testid=run-verdict]').innerText(), 'FAIL');
    await page.locator('.tab', { hasText: 'pipeline.config.json' }).first().waitFor();
    const first = app.locator('table.kpis tbody tr').first();
    assert.match(await first.innerText(), /fail/);
    // The hostile name is text in a cell, and no <img> exists anywhere in the app.
    assert.ok(await app.getByText(XSS, { exact: true }).count() >= 2, 'the KPI and the segment name show as text');
    assert.equal(await app.locator('img').count(), 0);
    await wb!.screenshot('kpidiff-dark');
    await app.locator('vscode-textfield').locator('input').fill('onerror');
    await app.locator('[data-testid=shown]').filter({ hasText: /^1 of/ }).waitFor();
    await wb!.screenshot('kpidiff-xss');
    await app.locator('vscode-textfield').locator('input').fill('');
  });

  it('shows the reconciliation chart: bands, points by verdict, dates, percentages, a table for screen readers (dark theme)', async function () {
    const { page } = wb!;
    const app = webviewApp(page);
    const section = app.locator('[data-testid=reconcile]');
    await section.waitFor();
    assert.match(await app.locator('[data-testid=reconcile-summary]').innerText(), /^7 of 10 days pass · worst day 2025-11-10, dq30 \(total\)$/);
    const chart = app.locator('[data-testid=reconcile-chart]');
    assert.equal(await chart.getAttribute('role'), 'img');
    assert.match(await chart.locator('title').first().textContent() ?? '', /7 of 10 days pass.*Pass line 0\.10%, fail line 1\.00%/);
    assert.equal(await chart.locator('circle.point').count(), RECONCILE_SHIFTS.length);
    assert.deepEqual(await chart.locator('circle.point').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-verdict'))),
      ['pass', 'pass', 'pass', 'inconclusive', 'pass', 'fail', 'pass', 'pass', 'pass', 'fail']);
    // Colours are the theme's chart colours, resolved (not black, which is what a missing variable gives).
    const fills = await chart.locator('circle.point').evaluateAll((cs) => [...new Set(cs.map((c) => c.ownerDocument.defaultView.getComputedStyle(c).fill as string))]);
    assert.equal(fills.length, 3, fills.join(' '));
    assert.ok(!fills.includes('rgb(0, 0, 0)'), fills.join(' '));
    const ticks = await chart.locator('text.tick').evaluateAll((ts) => ts.map((t) => t.textContent ?? ''));
    assert.ok(['0.001%', '0.1%', '1%', '10%', '11-01', '11-09'].every((t) => ticks.includes(t)), ticks.join(' '));
    assert.deepEqual(await chart.locator('text.clip-label').evaluateAll((ts) => ts.map((t) => t.textContent)), ['missing']);
    await section.scrollIntoViewIfNeeded();
    await wb!.screenshot('kpidiff-reconcile-dark');
    await section.locator('summary').click();
    assert.equal(await app.locator('[data-testid=reconcile-days] tbody tr').count(), RECONCILE_SHIFTS.length);
    assert.match(await app.locator('[data-testid=reconcile-days] tbody tr[data-day="2025-11-10"]').innerText(), /fail\s+missing\s+dq30 \(total\)/);
    await wb!.screenshot('kpidiff-reconcile-table-dark');
    await section.locator('summary').click();
  });

  it('clicking a KPI opens V1 and V2 at it in columns one and two, the panel beside them', async function () {
    const { page } = wb!;
    const app = webviewApp(page);
    // dq60: the fixture renamed the first failing KPI; dq60 is in both pipelines' files and defined in cutover.json.
    await app.locator('table.kpis tbody tr[data-kpi="dq60"] button.name').first().click();
    await page.locator('.editor-group-container').nth(2).locator('.tab', { hasText: /^KPI Diff/ }).waitFor({ timeout: 15_000 });
    const groups = page.locator('.editor-group-container');
    // Which file each group shows, by its breadcrumbs (pipelines › v1 › pipeline.config.json).
    const crumbs = async (i: number): Promise<string> => (await groups.nth(i).locator('.breadcrumbs-control').first().innerText()).replace(/\s+/g, ' ');
    assert.match(await crumbs(0), /pipelines.*v1.*pipeline\.config\.json/);
    assert.match(await crumbs(1), /pipelines.*v2.*pipeline\.config\.json/);
    // cutover.json's definition of dq60, peeked in V2's editor.
    const peek = page.locator('.zone-widget .peekview-widget').first();
    await peek.waitFor({ timeout: 10_000 });
    assert.match(await peek.innerText(), /cutover\.json/);
    // The moved panel renders again before the picture.
    await app.locator('[data-testid=run-verdict]').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    await wb!.screenshot('kpidiff-reveal');
    await page.keyboard.press('Escape');
  });

  it('reads well in the light theme', async function () {
    const { page } = wb!;
    await runCommand(page, 'Preferences: Color Theme', 'Light Modern');
    await page.locator('.monaco-workbench.vs').waitFor();
    const verdict = webviewApp(page).locator('[data-testid=run-verdict]');
    await verdict.waitFor();
    // The panel resolves the theme's own colours (Light Modern: editor #FFFFFF on #3B3B3B text), once they reach it.
    const resolved = (): Promise<{ background: string; foreground: string; text: string }> => verdict.evaluate((el) => {
      const view = el.ownerDocument.defaultView;
      const root = view.getComputedStyle(el.ownerDocument.documentElement);
      return {
        background: (root.getPropertyValue('--vscode-editor-background') as string).trim().toLowerCase(),
        foreground: (root.getPropertyValue('--vscode-editor-foreground') as string).trim().toLowerCase(),
        text: view.getComputedStyle(el).color as string,
      };
    });
    const deadline = Date.now() + 10_000;
    let colours = await resolved();
    while (colours.background !== '#ffffff' && Date.now() < deadline) {
      await page.waitForTimeout(100); // polling: the theme reaches the webview a moment after the workbench
      colours = await resolved();
    }
    assert.deepEqual({ background: colours.background, foreground: colours.foreground }, { background: '#ffffff', foreground: '#3b3b3b' });
    // The verdict's text reads on that background: WCAG contrast of at least 3:1 against white.
    const [r, g, b] = (colours.text.match(/\d+(\.\d+)?/g) ?? []).map(Number).map((c) => {
      const v = c / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    const contrast = 1.05 / (0.2126 * r! + 0.7152 * g! + 0.0722 * b! + 0.05);
    assert.ok(contrast >= 3, `verdict text ${colours.text} on white: contrast ${contrast.toFixed(2)}`);
    await wb!.screenshot('kpidiff-light');
  });

  it('filters by verdict and text, and sorts by variance', async function () {
    const app = webviewApp(wb!.page);
    const shown = app.locator('[data-testid=shown]');
    const total = Number((await shown.innerText()).match(/of (\d+)/)?.[1]);
    await app.locator('vscode-textfield').locator('input').fill('dq90');
    await shown.filter({ hasText: /^\d+ of/ }).waitFor();
    const rows = app.locator('table.kpis tbody tr');
    const names = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kpi')));
    assert.ok(names.length > 0 && names.length < total);
    assert.ok(names.every((n) => n === 'dq90'), `only dq90 rows: ${names.join(', ')}`);
    // Variance, largest first: the cells' tooltips hold the exact values.
    await app.getByRole('button', { name: 'Variance' }).click();
    const variances = await rows.evaluateAll((trs) => trs.map((tr) => Number.parseFloat(tr.querySelectorAll('td.num')[3]?.getAttribute('title') ?? 'NaN')));
    assert.ok(variances.every(Number.isFinite), variances.join(', '));
    assert.deepEqual(variances, [...variances].sort((a, b) => b - a));
    await app.locator('vscode-textfield').locator('input').fill('');
  });

  it('shows 100,000 mismatching rows from Arrow and scrolls to the last one', async function () {
    const { page } = wb!;
    const app = webviewApp(page);
    await app.getByText('Show the 100,000 mismatching rows').click();
    await app.locator('[data-testid=rows-count]').filter({ hasText: /^100,000 mismatching rows$/ }).waitFor({ timeout: 30_000 });
    const viewport = app.locator('[data-testid=rows-viewport]');
    await viewport.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const last = app.locator('[data-row="99999"]');
    await last.waitFor({ timeout: 10_000 });
    assert.match(await last.innerText(), /L0099999/);
    assert.ok(await app.locator('.vbody .vrow').count() < 200, 'only the visible window of rows is in the DOM');
    await last.scrollIntoViewIfNeeded();
    await wb!.screenshot('kpidiff-rows-end');
  });

  it('shows the declarative KPI check and the data-quality profile of both outputs', async function () {
    const app = webviewApp(wb!.page);
    const declarative = app.locator('section[aria-label="Declarative KPIs"]');
    await declarative.scrollIntoViewIfNeeded();
    // The example's V1 and V2 agree on every engine-computed KPI (the difference is in V1's own KPI definitions).
    assert.match(await declarative.innerText(), /All 160 agree between V1 and V2/);
    const quality = app.locator('section[aria-label="Data quality"]');
    await quality.scrollIntoViewIfNeeded();
    assert.match(await quality.innerText(), /V1 10,000 rows · V2 10,000 rows/);
    await wb!.screenshot('kpidiff-quality');
  });

  it('Accept… asks for a reason, records it and marks the row accepted', async function () {
    const { page } = wb!;
    const app = webviewApp(page);
    const row = app.locator('table.kpis tbody tr[data-kpi="dq90"]').first();
    const segment = await row.getAttribute('data-segment');
    await row.locator('button.accept').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('V2 counts dpd = 90 as 90+, per credit policy');
    await page.keyboard.press('Enter');
    const accepted = app.locator(`table.kpis tbody tr[data-kpi="dq90"][data-segment="${segment}"] .tag.accepted`);
    await accepted.waitFor({ timeout: 15_000 });
    const reviews = JSON.parse(fs.readFileSync(path.join(wb!.folder, '.cutover', 'reviews.json'), 'utf8')) as { reviews: { kpi: string; segment: string; reason: string }[] };
    assert.deepEqual(reviews.reviews.map((r) => [r.kpi, r.segment, r.reason]), [['dq90', segment, 'V2 counts dpd = 90 as 90+, per credit policy']]);
    await wb!.screenshot('kpidiff-accepted');
  });

  it('is restored after a window reload', async function () {
    const { page } = wb!;
    await page.reload();
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    const app = webviewApp(page);
    await app.locator('[data-testid=run-verdict]').waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: /^KPI Diff/ }).waitFor();
    assert.ok((await app.locator('h1').innerText()).includes(runId));
  });

  it('Start Day-by-Day Reconciliation runs in a terminal; its notification opens the run, each line with its day', async function () {
    const { page } = wb!;
    await runCommand(page, 'Cutover: Start Day-by-Day Reconciliation…');
    // One dated input in the example: only the number of days is asked.
    const days = page.locator('.quick-input-widget input');
    await days.waitFor();
    await days.fill('2');
    await page.keyboard.press('Enter');
    const toast = page.locator('.notification-toast', { hasText: /reconcile run FAIL/ });
    await toast.waitFor({ timeout: 90_000 });
    await toast.getByRole('button', { name: 'Open KPI Diff' }).click();
    const app = webviewApp(page);
    await app.locator('h1', { hasText: 'reconcile run' }).waitFor({ timeout: 30_000 });
    const tagged = app.locator('table.kpis tbody tr .tag.day');
    await tagged.first().waitFor();
    assert.deepEqual([...new Set(await tagged.allInnerTexts())].sort(), ['2025-11-30', '2025-12-01']);
    assert.match(await app.locator('[data-testid=shown]').innerText(), /KPI rows \(the lines that did not pass, day by day\)$/);
    // The chart is this run's two days, not an older reconcile run's ten.
    assert.equal(await app.locator('[data-testid=reconcile-chart] circle.point').count(), 2);
    assert.equal(await app.getByText('Noise floor').count(), 0, 'a reconcile run has no noise floor to offer');
    await runCommand(page, 'View: Hide Panel');
    await tagged.first().scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await wb!.screenshot('kpidiff-reconcile-run-light');
  });
});
