/**
 * The modals a person answers around runs, clicked for real: "a run is in progress" when a second shadow run starts
 * while one goes (Cancel It and Start, Queue), and Delete Run's confirmation (Cancel keeps the run, Delete removes it).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { exampleWithData } from '../host/workspace';
import { openCutoverView, runCommand, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

interface RunJson { readonly id: string; readonly kind: string; readonly status: string; readonly startedAt: string; readonly endedAt?: string; readonly error?: { message: string }; readonly verdict?: { verdict: string } }

const V1 = '"command": ["node", "pipelines/v1/pipeline.mjs", "--input", "${input}", "--output", "${output}", "--config", "${config}"]';

/** A V1 that starts a child of its own and never ends (only a cancel stops them); it writes both pids to `pidsFile`. */
const SLOW_PIPELINE = `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
require('node:fs').appendFileSync(process.argv[2], process.pid + '\\n' + child.pid + '\\n');
setInterval(() => {}, 1000);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function until<T>(what: string, probe: () => T | false | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== false && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function records(folder: string): RunJson[] {
  const dir = path.join(folder, '.cutover', 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((d) => /^\d{8}-/.test(d) && fs.existsSync(path.join(dir, d, 'run.json')))
    .map((d) => JSON.parse(fs.readFileSync(path.join(dir, d, 'run.json'), 'utf8')) as RunJson)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

async function startShadowRun(page: Page): Promise<void> {
  await runCommand(page, 'Cutover: Start Shadow Run');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample-10k' }).first().click();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Compare V1 and V2' }).first().click();
}

describe('Run modals, clicked as a person would', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let config = '';
  let original = '';
  /** Every slow process started, so a failed check leaves none behind. */
  const slow: number[] = [];

  /** V1 becomes the slow pipeline; resolves with the pids of the run that started, once both processes are up. */
  async function startSlowShadowRun(page: Page, pidsFile: string): Promise<number[]> {
    fs.writeFileSync(config, original.replace(V1, `"command": ["node", "slow-pipeline.cjs", ${JSON.stringify(pidsFile)}]`));
    try {
      await startShadowRun(page);
      const pids = await until('the slow pipeline and its child to start', () => {
        const list = fs.existsSync(pidsFile) ? fs.readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map(Number) : [];
        return list.length === 2 && list;
      }, 60_000);
      slow.push(...pids);
      assert.ok(pids.every(alive), 'both processes run');
      return pids;
    } finally {
      // The next run (the one the modal is about) reads the example's own pipelines.
      fs.writeFileSync(config, original);
    }
  }

  before(async function () {
    const folder = exampleWithData();
    config = path.join(folder, 'cutover.json');
    original = fs.readFileSync(config, 'utf8');
    assert.ok(original.includes(V1), 'the example\'s V1 command');
    fs.writeFileSync(path.join(folder, 'slow-pipeline.cjs'), SLOW_PIPELINE);
    wb = await startWorkbench(folder);
    await wb.page.locator('.statusbar-item', { hasText: /Cutover \d+\/\d+/ }).first().waitFor({ timeout: 60_000 });
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => {
    await wb?.close();
    for (const pid of slow.filter(alive)) process.kill(pid, 'SIGKILL');
  });

  it('a second shadow run while one runs asks; Cancel It and Start stops the first\'s process tree, records it stopped and runs the second', async function () {
    const { page, folder } = wb!;
    const first = await startSlowShadowRun(page, path.join(folder, 'pids-cancel.txt'));
    await startShadowRun(page);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = (await dialog.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Cutover: shadow is still running\./);
    assert.match(text, /Start shadow after it ends, or cancel it and start shadow now\?/);
    await wb!.screenshot('run-in-progress-modal');
    await dialog.getByRole('button', { name: 'Cancel It and Start' }).click();
    await dialog.waitFor({ state: 'detached' });

    await until('the first run\'s pipeline and its child to be gone', () => !first.some(alive), 15_000);
    const [cancelled, second] = await until('both runs recorded, the second finished', () => {
      const list = records(folder);
      return list.length === 2 && list[1]!.status !== 'running' && list;
    }, 120_000);
    assert.equal(cancelled!.status, 'stopped');
    assert.match(cancelled!.error?.message ?? '', /^stopped by SIGTERM \(Cancel\)/);
    assert.equal(second!.status, 'complete');
    assert.equal(second!.verdict?.verdict, 'fail', 'the example\'s V2 fails the KPI variance');
    assert.ok(cancelled!.endedAt && second!.startedAt >= cancelled!.endedAt, `the second (${second!.startedAt}) started after the first ended (${cancelled!.endedAt})`);
    // The second run's terminal is the one shown, and it ran to its verdict.
    const terminal = page.locator('.terminal-wrapper .xterm-rows', { hasText: /Verdict: FAIL/ });
    await terminal.first().waitFor({ timeout: 30_000 });
    await wb!.screenshot('run-in-progress-cancelled-and-started');
  });

  it('Queue starts the second shadow run only after the first ends', async function () {
    const { page, folder } = wb!;
    const before = records(folder).length;
    const first = await startSlowShadowRun(page, path.join(folder, 'pids-queue.txt'));
    await startShadowRun(page);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Queue' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.ok(first.every(alive), 'Queue leaves the first run going');

    await runCommand(page, 'Cutover: Cancel Run');
    await until('the first run\'s pipeline and its child to be gone', () => !first.some(alive), 15_000);
    const list = await until('the queued run recorded and finished', () => {
      const all = records(folder);
      return all.length === before + 2 && all.at(-1)!.status !== 'running' && all;
    }, 120_000);
    const [ended, queued] = list.slice(-2);
    assert.equal(ended!.status, 'stopped');
    assert.match(ended!.error?.message ?? '', /^stopped by SIGTERM \(Cancel\)/);
    assert.equal(queued!.status, 'complete');
    assert.ok(ended!.endedAt && queued!.startedAt >= ended!.endedAt, `the queued run (${queued!.startedAt}) started after the first ended (${ended!.endedAt})`);
  });

  it('Delete Run asks first: Cancel keeps the run folder, Delete removes it and the Runs view drops it', async function () {
    const { page, folder } = wb!;
    await openCutoverView(page);
    const stoppedRows = page.getByRole('treeitem', { name: /^shadow run, stopped/ });
    await stoppedRows.nth(1).waitFor({ timeout: 30_000 });
    const listed = await stoppedRows.count();
    assert.equal(listed, 2, 'both cancelled runs are listed');

    const askToDelete = async (): Promise<{ id: string; dialog: ReturnType<Page['locator']> }> => {
      await stoppedRows.first().click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Delete Run' }).hover();
      await page.keyboard.press('Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 15_000 });
      const id = /Delete run (\d{8}-\d{6}-\d{3}-[0-9a-f]{6}) and all its files\?/.exec((await dialog.innerText()).replace(/\s+/g, ' '))?.[1];
      assert.ok(id, 'the confirmation names the run');
      return { id, dialog };
    };
    const runDir = (id: string): string => path.join(folder, '.cutover', 'runs', id);

    const kept = await askToDelete();
    assert.ok(fs.existsSync(runDir(kept.id)), 'the run to delete exists');
    await wb!.screenshot('delete-run-confirmation');
    await kept.dialog.getByRole('button', { name: 'Cancel' }).click();
    await kept.dialog.waitFor({ state: 'detached' });
    assert.ok(fs.existsSync(path.join(runDir(kept.id), 'run.json')), 'Cancel keeps the run folder');
    assert.equal(await stoppedRows.count(), 2, 'Cancel keeps the run listed');

    // A delete runs after the dialog closes: by the time the menu has asked again, a cancelled one would have landed.
    const deleted = await askToDelete();
    assert.equal(deleted.id, kept.id, 'the run Cancel kept is still the first listed');
    assert.ok(fs.existsSync(path.join(runDir(kept.id), 'run.json')), 'Cancel kept the run folder');
    await deleted.dialog.getByRole('button', { name: 'Delete' }).click();
    await deleted.dialog.waitFor({ state: 'detached' });
    await until('the run folder to be gone', () => !fs.existsSync(runDir(deleted.id)), 15_000);
    await page.getByRole('treeitem', { name: /^shadow run, error/ }).nth(1).waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await stoppedRows.count(), 1, 'the Runs view dropped the deleted run');
    assert.ok(records(folder).every((r) => r.id !== deleted.id));
    await wb!.screenshot('delete-run-done');
  });
});
