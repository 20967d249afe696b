/**
 * Command palette → Start Shadow Run → live terminal output → the verdict notification → the Runs view, and the
 * launch in the Cutover log; then the rollback confirmation a person must read before anything switches, and an invalid cutover.json reported at its
 * line and column.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exampleWithData, REPO_ROOT } from '../host/workspace';
import { openCutoverView, runCommand, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

/** A contributed command's title, as its menu item shows it. */
function commandTitle(id: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string }[] } };
  const title = manifest.contributes.commands.find((c) => c.command === id)?.title;
  assert.ok(title, `package.json contributes ${id}`);
  return title;
}

describe('Shadow run from the command palette, as a person sees it', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;

  before(async function () {
    const folder = exampleWithData();
    wb = await startWorkbench(folder);
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('Evaluate Go/No-Go before any shadow run warns that it needs one, and its button starts one', async function () {
    const { page } = wb!;
    // The palette lists the extension's commands once it has started: its status item shows that.
    await page.locator('.statusbar-item', { hasText: /Cutover \d+\/\d+/ }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Cutover: Evaluate Go/No-Go');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'no shadow run yet: go/no-go needs one' });
    await toast.waitFor({ timeout: 30_000 });
    await toast.getByRole('button', { name: 'Start Shadow Run' }).click();
    // Start Shadow Run asks for its input first.
    try {
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Start Shadow Run' }).waitFor({ timeout: 15_000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample-10k' }).first().waitFor();
      assert.equal(await page.locator('.quick-input-widget input').getAttribute('placeholder'), 'Shadow run: which input should V1 and V2 both process?');
    } finally {
      await page.keyboard.press('Escape');
    }
    assert.equal(fs.existsSync(path.join(wb!.folder, '.cutover', 'runs')) && fs.readdirSync(path.join(wb!.folder, '.cutover', 'runs')).some((d) => /^\d{8}-/.test(d)), false, 'escaped: no run');
  });

  it('runs V1 and V2 in a terminal, announces the verdict and lists the run', async function () {
    const { page } = wb!;
    await openCutoverView(page);
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.fill('>Cutover: Start Shadow Run');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Start Shadow Run' }).first().click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample-10k' }).first().click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Compare V1 and V2' }).first().click();

    const terminal = page.locator('.terminal-wrapper .xterm-rows');
    await terminal.filter({ hasText: /shadow/ }).first().waitFor({ timeout: 60_000 });
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /shadow run FAIL/ });
    await toast.waitFor({ timeout: 90_000 });
    const text = await terminal.first().innerText();
    assert.match(text, /Verdict: FAIL/);
    assert.match(text, /exited with code 1 — this terminal stays open/);
    await wb!.screenshot('shadow-terminal-and-verdict');

    const run = page.getByRole('treeitem', { name: /^shadow run, fail/ });
    await run.waitFor();
    await run.click();
    await page.getByRole('treeitem', { name: /^dq30/ }).first().waitFor();
    const shot = await wb!.screenshot('shadow-runs-view');
    if (process.env.CUTOVER_UPDATE_MEDIA === '1') fs.copyFileSync(shot, path.join(REPO_ROOT, 'media', 'shadow-run.png'));
  });

  it('Evaluate Go/No-Go shows each criterion of the run with its value, threshold and verdict', async function () {
    const { page } = wb!;
    await runCommand(page, 'Cutover: Evaluate Go/No-Go');
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: /^Go\/No-Go: NO-GO — run \d{8}-\d{6}-\d{3}-[0-9a-f]{6}$/ }).waitFor({ timeout: 15_000 });
    const rows = (await widget.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    // The example's gate: four criteria; the KPI variance fails (V2's dpd buckets), the others pass.
    assert.equal(rows.length, 4, rows.join(' | '));
    assert.match(rows.find((r) => r.includes('kpiVariance')) ?? '', /kpiVariance [\d.]+% \(threshold 1\.00%\) fail/);
    for (const name of ['errorRate', 'latency', 'nullRate']) assert.match(rows.find((r) => r.includes(name)) ?? '', new RegExp(`${name} .*\\(threshold .+\\) pass`));
    await page.keyboard.press('Escape');
  });

  it('Reveal Run in Explorer (the run\'s context menu) selects its run.json in the Explorer', async function () {
    const { page } = wb!;
    const run = page.getByRole('treeitem', { name: /^shadow run, fail/ });
    await run.click({ button: 'right' });
    // The workbench's context menu acts on the key (or mouse-up) on its focused item; hovering focuses it.
    await page.getByRole('menuitem', { name: commandTitle('cutover.openRunFolder') }).hover();
    await page.keyboard.press('Enter');
    await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached' });
    const id = fs.readdirSync(path.join(wb!.folder, '.cutover', 'runs')).find((d) => /^\d{8}-/.test(d))!;
    const explorer = page.locator('.explorer-folders-view');
    // The run's folder is expanded down to its run.json, which is the selected row.
    await explorer.getByRole('treeitem', { name: id, exact: true }).and(page.locator('[aria-expanded="true"]')).waitFor({ timeout: 15_000 });
    await explorer.getByRole('treeitem', { name: 'run.json', exact: true }).and(page.locator('[aria-selected="true"]')).waitFor({ timeout: 15_000 });
    await wb!.screenshot('run-revealed-in-explorer');
  });

  it('Cutover: Show Log opens the Cutover log, which names the launch, the id it gave the run and how it ended', async function () {
    const { page } = wb!;
    await runCommand(page, 'Cutover: Show Log');
    // The Output panel's editor: spaces render as no-break spaces and long lines wrap, so whitespace is normalised.
    const output = page.locator('.monaco-editor .view-lines', { hasText: /\(run\s\d{8}-\d{6}-\d{3}-[0-9a-f]{6}\)/ }).first();
    await output.waitFor({ timeout: 15_000 });
    const text = (await output.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /shadow: cutover shadow --config .+? --input sample-10k --run-id (\d{8}-\d{6}-\d{3}-[0-9a-f]{6}) in /);
    const id = /--run-id (\S+)/.exec(text)![1]!;
    assert.match(text, new RegExp(`shadow: exit 1 \\(run ${id}\\)`));
    assert.ok(fs.existsSync(path.join(wb!.folder, '.cutover', 'runs', id, 'run.json')), 'the run was recorded under the id the extension gave it');
    await wb!.screenshot('cutover-log');
  });

  it('Roll Back to V1 asks first, showing the go/no-go evidence, the commands and the budget; Cancel runs nothing, Roll Back runs it', async function () {
    const { page } = wb!;
    const runs = path.join(wb!.folder, '.cutover', 'runs');
    const before = fs.readdirSync(runs).length;
    await runCommand(page, 'Cutover: Roll Back to V1…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = (await dialog.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Roll Back to V1\?/);
    assert.match(text, /Go\/no-go now: NO-GO \(shadow run \d{8}-\d{6}-\d{3}-[0-9a-f]{6}\)/);
    assert.match(text, /kpiVariance .*fail/);
    assert.match(text, /Will run: node scripts\/switch-pipeline\.mjs v1/);
    assert.match(text, /Then verify: node scripts\/verify-active\.mjs v1/);
    assert.match(text, /Budget: 300 s/);
    await wb!.screenshot('rollback-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Now confirm: exactly one rollback lands. Had the cancelled one started too, there would be two.
    await runCommand(page, 'Cutover: Roll Back to V1…');
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Roll Back to V1' }).click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: /rollback run PASS/ }).waitFor({ timeout: 90_000 });
    const added = fs.readdirSync(runs).filter((d) => /^\d{8}-/.test(d)).map((d) => JSON.parse(fs.readFileSync(path.join(runs, d, 'run.json'), 'utf8')) as { kind: string })
      .filter((r) => r.kind === 'rollback');
    assert.equal(added.length, 1, 'one rollback ran: the confirmed one');
    assert.equal(fs.readdirSync(runs).length, before + 1);
    assert.equal((JSON.parse(fs.readFileSync(path.join(wb!.folder, 'active-pipeline.json'), 'utf8')) as { active: string }).active, 'v1');
  });

  it('an invalid cutover.json is reported with its place, and Open cutover.json goes there', async function () {
    const { page } = wb!;
    const file = path.join(wb!.folder, 'cutover.json');
    const good = fs.readFileSync(file, 'utf8');
    // The forward budget, made a string.
    const bad = good.replace(/("forward": \{[^}]*"budgetSeconds": )300/, '$1"soon"');
    assert.notEqual(bad, good, 'the example still has a forward budget');
    const at = bad.split('\n').findIndex((l) => l.includes('"soon"'));
    fs.writeFileSync(file, bad);
    try {
      await runCommand(page, 'Cutover: Start Shadow Run…');
      const toast = page.locator('.notification-toast', { hasText: /Cutover: .*cutover\.json:\d+:\d+: forward\.budgetSeconds/ });
      await toast.waitFor({ timeout: 30_000 });
      const line = Number(/cutover\.json:(\d+):(\d+)/.exec(await toast.innerText())?.[1]);
      assert.equal(line, at + 1);
      await wb!.screenshot('invalid-config-notification');
      await toast.getByRole('button', { name: 'Open cutover.json' }).click();
      await page.locator('.tab.active', { hasText: 'cutover.json' }).waitFor();
      await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line},`) }).waitFor({ timeout: 10_000 });
    } finally {
      fs.writeFileSync(file, good);
    }
  });
});
