/**
 * A load test's and a soak's results as a person sees them (dark theme): real `cutover load` and `cutover soak`
 * runs of the example workspace, opened from the Runs view in the per-run panel. The charts are drawn, and the
 * table behind each one holds the same figures.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { exampleWithData, REPO_ROOT } from '../host/workspace';
import { openCutoverView, screenshotOnFailure, startWorkbench, webviewApp, type Workbench } from './workbench';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

function cutover(folder: string, ...args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: folder, encoding: 'utf8' });
  // Exit 0–2 are verdicts (a short soak is inconclusive); anything else is a broken fixture.
  if (r.status === null || r.status > 2) throw new Error(`cutover ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
}

/** The Runs view's Open KPI Diff on the run labelled `name` (its context menu). */
async function openFromRunsView(page: Page, name: RegExp): Promise<void> {
  const run = page.getByRole('treeitem', { name });
  await run.first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: /^Open KPI Diff/ }).hover();
  await page.keyboard.press('Enter');
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached' });
  // Away from the Runs view, so no row's hover covers the panel in the screenshots.
  await page.mouse.move(1100, 60);
}

describe('Load and soak results, as a person sees them', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;

  before(async function () {
    const folder = exampleWithData();
    cutover(folder, 'load', '--sizes', '2k,10k', '--pipelines', 'v1,v2', '--parallel', '2');
    cutover(folder, 'soak', '--duration', '8s', '--interval', '0.3s', '--pipelines', 'v2', '--inject-failures', '0.2', '--seed', '2');
    wb = await startWorkbench(folder, { 'workbench.colorTheme': 'Default Dark Modern' });
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('a soak: memory over time with its slope line, CPU over time, failures, each with its table (dark theme)', async function () {
    const { page } = wb!;
    await openCutoverView(page);
    await openFromRunsView(page, /^soak run, /);
    const app = webviewApp(page);
    await app.locator('[data-testid=soak-memory-chart]').waitFor({ timeout: 30_000 });
    await page.locator('.tab', { hasText: /^Soak · / }).first().waitFor();
    const record = JSON.parse(fs.readFileSync(path.join(wb!.folder, '.cutover', 'runs', fs.readdirSync(path.join(wb!.folder, '.cutover', 'runs')).filter((d) => /^\d{8}-/.test(d)).sort().at(-1)!, 'run.json'), 'utf8')) as { results: { soak: { iterations: { peakRssBytes: number | null; injected: boolean }[] } } };
    const its = record.results.soak.iterations;
    // One point per run with a figure; the runs killed on purpose are drawn hollow (left out of the slope).
    assert.equal(await app.locator('[data-testid=soak-memory-chart] circle.series-point').count(), its.filter((i) => i.peakRssBytes !== null).length);
    assert.equal(await app.locator('[data-testid=soak-memory-chart] circle.hollow').count(), its.filter((i) => i.peakRssBytes !== null && i.injected).length);
    assert.equal(await app.locator('[data-testid=soak-memory-chart] line.ref.fit').count(), 1, 'the slope line');
    assert.match(await app.locator('[data-testid=soak-memory-chart] title').first().textContent() ?? '', /^Peak RSS of each run over soak time\. v2: /);
    assert.equal(await app.locator('[data-testid=soak-cpu-chart] circle.series-point').count(), await app.locator('[data-testid=soak-cpu-table] tbody tr').count());
    assert.equal(await app.locator('[data-testid=soak-iterations] tbody tr').count(), its.length);
    await app.locator('summary', { hasText: 'Peak RSS of each run' }).click();
    await wb!.screenshot('soak-results-dark');
  });

  it('a load test: latency by size and pipeline, the measured runs, no corruption, no leftovers (dark theme)', async function () {
    const { page } = wb!;
    await openFromRunsView(page, /^load run, /);
    const app = webviewApp(page);
    await app.locator('[data-testid=load-latency-chart]').waitFor({ timeout: 30_000 });
    await page.locator('.tab', { hasText: /^Load Test · / }).first().waitFor();
    // Two pipelines at two sizes, each alone: four points on two lines; the table lists the copies too.
    assert.equal(await app.locator('[data-testid=load-latency-chart] circle.series-point').count(), 4);
    assert.equal(await app.locator('[data-testid=load-latency-chart] path.series-line').count(), 2);
    assert.equal(await app.locator('[data-testid=load-measurements] tbody tr').count(), 2 * 2 * 3);
    assert.match(await app.locator('[data-testid=corruption]').innerText(), /^0 corruption events/);
    assert.match(await app.locator('[data-testid=leftovers-none]').innerText(), /0 zombies, 0 orphans/);
    await wb!.screenshot('load-results-dark');
  });
});
