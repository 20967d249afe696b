/**
 * Drives the code-server workbench in Debian's Chromium through playwright-core: opening a folder, optionally with
 * the `payload` that loads our extension under development and its in-host tests.
 */
import * as fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningServer } from './server';

export const CHROMIUM = process.env.CUTOVER_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CUTOVER_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}

export interface WorkbenchOptions {
  /** Absolute folder to open. */
  readonly folder: string;
  /** Our extension under development (absolute path). */
  readonly extensionDevelopmentPath?: string;
  /** In-host mocha entry (absolute path to the bundled index.js). */
  readonly extensionTestsPath?: string;
  /** Environment for the extension host (JSON object). */
  readonly extensionEnvironment?: Record<string, string>;
  readonly colorTheme?: string;
}

export function workbenchUrl(server: RunningServer, options: WorkbenchOptions): string {
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', server.remoteUri(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', server.remoteUri(options.extensionTestsPath)]);
  if (options.extensionEnvironment) payload.push(['extensionEnvironment', JSON.stringify(options.extensionEnvironment)]);
  let url = `${server.url}/?folder=${encodeURIComponent(options.folder)}`;
  if (payload.length > 0) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** Opens the workbench and waits until its layout (activity bar and status bar) is on screen. */
export async function openWorkbench(browser: Browser, server: RunningServer, options: WorkbenchOptions, beforeLoad?: (page: Page) => Promise<void>): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  if (beforeLoad) await beforeLoad(page);
  await page.goto(workbenchUrl(server, options));
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
  return page;
}
