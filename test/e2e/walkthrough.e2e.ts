/**
 * The "Get started with Cutover" walkthrough as a person meets it on the example workspace: opened from Welcome:
 * Open Walkthrough…, each step's button clicked in turn (plan, cutover.json, a real shadow run, the KPI Diff,
 * go/no-go), and the workbench ticks each step off: on the command for four, on the context key a landed shadow
 * run sets for the third. Screenshots of the first step and of all five done.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { exampleWithData, REPO_ROOT } from '../host/workspace';
import { screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

const WALKTHROUGH = 'cutover.cutover#getStarted';
/** On a loaded machine the step's picture can take the focus more than once while it loads: a lost click is retried. */
const ATTEMPTS = 6;

/** The `<title>` of a step's SVG, read from the manifest and the file it names. */
function stepPictureTitle(step: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { walkthroughs: { id: string; steps: { id: string; media: { svg: string } }[] }[] };
  };
  const file = manifest.contributes.walkthroughs.find((w) => `cutover.cutover#${w.id}` === WALKTHROUGH)?.steps.find((s) => s.id === step)?.media.svg;
  assert.ok(file, `${step} has an SVG`);
  const title = /<title[^>]*>([^<]+)<\/title>/.exec(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'))?.[1];
  assert.ok(title, `${file} has a title`);
  return title;
}

function media(page: Page): FrameLocator {
  return page.frameLocator('.getting-started-media iframe.webview.ready').frameLocator('#active-frame');
}

function stepCheckbox(page: Page, step: string): Locator {
  return page.locator(`[data-done-step-id="${WALKTHROUGH}#${step}"]`);
}

/** Runs a command from the palette (again when F1 went to a webview or the palette closed as a webview took the focus). */
async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const ran = await input.fill(`>${title}`, { timeout: 2_000 })
      .then(() => page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click({ timeout: 5_000 }))
      .then(() => true, () => false);
    if (ran) return;
    assert.ok(attempt < 5, `${title} ran from the command palette`);
    await page.locator('.part.statusbar').click();
  }
}

async function openFromPalette(page: Page): Promise<void> {
  await runCommand(page, 'Welcome: Open Walkthrough');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Cutover' }).first().click();
}

/**
 * Back to the walkthrough's page: its tab, or the palette again when the page went back to its list of
 * walkthroughs (it does when it is redrawn, and the list may keep ours under "More…").
 */
async function showWalkthrough(page: Page): Promise<void> {
  // The page's tab is "Welcome" until it names the walkthrough it shows.
  await page.locator('.tabs-container .tab', { hasText: /Welcome|Walkthrough: Cutover/ }).click();
  const steps = page.locator(`button.getting-started-step[data-step-id^="${WALKTHROUGH}#"]:not([disabled])`);
  if (!await steps.first().isVisible()) await openFromPalette(page);
  await steps.first().waitFor();
}

/**
 * A step's title clicked open, then its button, until `effect` shows: a click that lands while the page is being
 * redrawn is lost.
 */
async function clickStepButton(page: Page, step: string, button: string, effect: Locator, timeout = 30_000): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await showWalkthrough(page);
    const item = page.locator(`button.getting-started-step[data-step-id="${WALKTHROUGH}#${step}"]`);
    await item.click();
    await page.locator(`button.getting-started-step.expanded[data-step-id="${WALKTHROUGH}#${step}"]`).waitFor();
    // The step's picture is drawn in a webview that takes the focus when it loads, closing a picker the button
    // opened just before: the button is clicked once the picture is there.
    await media(page).locator('svg title', { hasText: stepPictureTitle(step) }).waitFor({ state: 'attached' });
    // The picture's webview takes the focus once, when it has loaded: give it the focus first, so the click on the
    // button below is the last focus change and the picker it opens stays open.
    // (Only when that picture is on screen: a step whose picture is already drawn has nothing left to take.)
    const picture = media(page).locator('svg').first();
    if (await picture.isVisible()) await picture.click();
    await item.locator('a.monaco-button', { hasText: button }).click();
    if (await effect.first().waitFor({ timeout: attempt < ATTEMPTS ? 10_000 : timeout }).then(() => true, () => false)) return;
    assert.ok(attempt < ATTEMPTS, `${button} showed what it should`);
  }
}

async function expectDone(page: Page, step: string, timeout = 15_000): Promise<void> {
  await showWalkthrough(page);
  await stepCheckbox(page, step).and(page.locator('[aria-checked="true"]')).waitFor({ timeout });
}

describe('Walkthrough "Get started with Cutover", as a person sees it', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;

  before(async function () {
    const folder = exampleWithData();
    wb = await startWorkbench(folder, { 'workbench.colorTheme': 'Default Dark Modern' });
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('opens from Welcome: Open Walkthrough… with its five steps, none done, the first one\'s picture drawn', async function () {
    const { page } = wb!;
    await page.locator('.statusbar-item', { hasText: /Cutover/ }).first().waitFor({ timeout: 60_000 });
    await openFromPalette(page);
    await page.locator('.gettingStartedSlideDetails .category-title', { hasText: 'Get started with Cutover' }).first().waitFor();
    const titles = await page.locator(`button.getting-started-step[data-step-id^="${WALKTHROUGH}#"] .step-title`).allInnerTexts();
    assert.deepEqual(titles, ['Open the cutover plan', 'Create or open cutover.json', 'Start a shadow run', 'Open the KPI Diff', 'Evaluate go/no-go']);
    for (const step of ['openPlan', 'openConfig', 'shadowRun', 'kpiDiff', 'evaluateGate']) {
      assert.equal(await stepCheckbox(page, step).getAttribute('aria-checked'), 'false', `${step} starts not done`);
    }
    // The step's SVG is drawn inside a webview with the theme's colours (an SVG whose colours did not resolve is black).
    const background = await media(page).locator('svg rect').first().evaluate((rect) => rect.ownerDocument.defaultView?.getComputedStyle(rect).fill);
    assert.equal(background, 'rgb(31, 31, 31)', 'the first rectangle takes the Dark Modern editor background');
    await wb!.screenshot('walkthrough-start');
  });

  it('Open Plan and Open cutover.json open those files and tick their steps', async function () {
    const { page } = wb!;
    await clickStepButton(page, 'openPlan', 'Open Plan', page.locator('.tabs-container .tab.active', { hasText: 'plan.md' }));
    await expectDone(page, 'openPlan');
    await clickStepButton(page, 'openConfig', 'Open cutover.json', page.locator('.tabs-container .tab.active', { hasText: 'cutover.json' }));
    await expectDone(page, 'openConfig');
    assert.equal(await stepCheckbox(page, 'shadowRun').getAttribute('aria-checked'), 'false', 'opening files does not start a run');
  });

  it('Start Shadow Run runs V1 and V2; the step is ticked once the run has landed', async function () {
    const { page } = wb!;
    // The two pickers close if the page takes the focus back while they open: then the button is clicked again.
    const input = page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample-10k' });
    const compare = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Compare V1 and V2' });
    for (let attempt = 1; ; attempt++) {
      await clickStepButton(page, 'shadowRun', 'Start Shadow Run', input);
      const picked = await input.first().click({ timeout: 5_000 }).then(() => compare.first().click({ timeout: 5_000 })).then(() => true, () => false);
      if (picked) break;
      assert.ok(attempt < ATTEMPTS, 'the input and the comparison were picked');
      await page.keyboard.press('Escape');
    }
    await page.locator('.notifications-toasts .notification-toast', { hasText: /shadow run FAIL/ }).waitFor({ timeout: 90_000 });
    await expectDone(page, 'shadowRun', 30_000);
  });

  it('Open KPI Diff and Evaluate Go/No-Go show the run and its verdict and tick the last two steps', async function () {
    const { page } = wb!;
    await clickStepButton(page, 'kpiDiff', 'Open KPI Diff', page.locator('.tabs-container .tab', { hasText: /^KPI Diff · / }));
    // The panel's webview is the one outside the walkthrough's picture.
    const panel = page.locator('iframe.webview.ready:not(.getting-started-media iframe)').contentFrame().locator('#active-frame').contentFrame();
    await panel.locator('table.kpis tbody tr').first().waitFor({ timeout: 30_000 });
    await expectDone(page, 'kpiDiff');
    const verdict = page.locator('.quick-input-widget', { hasText: /Go\/No-Go: NO-GO/ });
    await clickStepButton(page, 'evaluateGate', 'Evaluate Go/No-Go', verdict);
    await wb!.screenshot('walkthrough-go-no-go');
    await page.keyboard.press('Escape');
    await expectDone(page, 'evaluateGate');
    // The panel and the terminal put away, the walkthrough shows all five steps done.
    const kpiTab = page.locator('.tabs-container .tab', { hasText: /^KPI Diff · / });
    await kpiTab.hover();
    await kpiTab.getByRole('button', { name: /^Close/ }).click();
    await page.locator('.part.panel').getByRole('button', { name: /Hide Panel|Close Panel/ }).first().click();
    await showWalkthrough(page);
    for (const step of ['openPlan', 'openConfig', 'shadowRun', 'kpiDiff', 'evaluateGate']) {
      await stepCheckbox(page, step).and(page.locator('[aria-checked="true"]')).waitFor();
    }
    await wb!.screenshot('walkthrough-done');
  });
});
