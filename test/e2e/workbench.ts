/**
 * A real workbench for UI checks: code-server without the smoke-test driver (so notifications show), our
 * extension loaded as under development, Debian's Chromium driven by Playwright. A failing check saves its
 * screenshot under test-results/e2e/ and names it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { provision } from '../host/toolchain';
import { startServer, type RunningServer } from '../host/server';
import { launchBrowser, openWorkbench } from '../host/workbench';
import { REPO_ROOT } from '../host/workspace';

const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');

export interface Workbench {
  readonly page: Page;
  readonly folder: string;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startWorkbench(folder: string, settings: Record<string, unknown> = {}): Promise<Workbench> {
  const toolchain = provision();
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startServer(toolchain, { settings, linkExtensions: [REPO_ROOT] });
    browser = await launchBrowser();
    const page = await openWorkbench(browser, server, { folder });
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const s = server;
    const b = browser;
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

/** Runs a command from the palette by its title; `pick` then chooses that item in the quick pick it opens. */
export async function runCommand(page: Page, title: string, pick?: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  // The palette's filter does not match across a "/" (Go/No-Go): type up to it, pick the row by the whole title.
  await input.fill(`>${title.split('/')[0]}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
  if (pick) {
    await input.fill(pick);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first().click();
  }
}

/** The app inside the (one) ready webview: its inner `#active-frame`. */
export function webviewApp(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Opens the Cutover view container from the activity bar and widens the side bar so labels read whole. */
export async function openCutoverView(page: Page, sideBarWidth = 560): Promise<void> {
  const title = page.locator('.part.sidebar .composite.title', { hasText: /Cutover/i }).first();
  // A second click would close it again. The open-task badge sits over the icon's centre: the click lands on it.
  if (!await title.isVisible()) await page.locator('.activitybar a[aria-label^="Cutover"]').first().click({ force: true });
  await title.waitFor();
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (sidebar && sidebar.width < sideBarWidth) {
    const edge = sidebar.x + sidebar.width + 1;
    const y = sidebar.y + sidebar.height / 2;
    await page.mouse.move(edge, y);
    await page.mouse.down();
    await page.mouse.move(sidebar.x + sideBarWidth, y, { steps: 5 });
    await page.mouse.up();
  }
}

/** Mocha hook body: on failure, a screenshot named after the test. */
export async function screenshotOnFailure(context: Mocha.Context, workbench: Workbench | undefined): Promise<void> {
  const test = context.currentTest;
  if (!workbench || !test || test.state !== 'failed') return;
  const name = `FAILED-${test.fullTitle().replace(/[^a-z0-9]+/gi, '-').slice(0, 100)}`;
  const file = await workbench.screenshot(name).catch(() => undefined);
  if (file) console.log(`    screenshot of the failure: ${path.relative(REPO_ROOT, file)}`);
}
