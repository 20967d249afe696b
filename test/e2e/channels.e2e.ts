/**
 * A shadow run's output channels in its KPI Diff, as a person sees them: the example workspace with three channels
 * (loans delivered as Parquet, the KPI export never delivered, a Supabase table whose secret is not set), validated
 * by the real `cutover channels validate`. The panel's Output channels section shows the channels run that
 * validated the shadow run, each channel's verdict, where it was read, rows delivered against local, and the reasons.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import { exampleWithData, REPO_ROOT } from '../host/workspace';
import { shadowRun } from '../integration/kpidiff/fixture';
import { runCommand, screenshotOnFailure, startWorkbench, webviewApp, type Workbench } from './workbench';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

describe('Output channels in the KPI Diff, as a person sees them', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;

  before(async function () {
    const folder = exampleWithData();
    const configFile = path.join(folder, 'cutover.json');
    const text = fs.readFileSync(configFile, 'utf8');
    fs.writeFileSync(configFile, applyEdits(text, modify(text, ['channels'], {
      'loans-export': { type: 'parquet', output: 'loans', path: 'handoff/loans.parquet' },
      'kpis-export': { type: 'parquet', output: 'kpis', path: 'handoff/kpis.parquet' },
      'loans-db': { type: 'supabase', output: 'loans', table: 'loans_v2', connectionStringEnv: 'CUTOVER_E2E_UNSET_DB' },
    }, { formattingOptions: { insertSpaces: true, tabSize: 2 } })));
    const shadow = shadowRun(CLI, folder);
    fs.mkdirSync(path.join(folder, 'handoff'));
    fs.copyFileSync(path.join(folder, '.cutover', 'runs', shadow, 'v2', 'loans.parquet'), path.join(folder, 'handoff', 'loans.parquet'));
    const env = { ...process.env };
    delete env['CUTOVER_E2E_UNSET_DB'];
    const validate = spawnSync(process.execPath, [CLI, 'channels', 'validate', '--run', shadow], { cwd: folder, encoding: 'utf8', env });
    assert.equal(validate.status, 1, `cutover channels validate: ${validate.stderr}${validate.stdout}`);
    wb = await startWorkbench(folder, { 'workbench.colorTheme': 'Default Dark Modern' });
  });
  afterEach(async function () { await screenshotOnFailure(this, wb); });
  after(async () => { await wb?.close(); });

  it('shows each channel\'s verdict, location, rows and reasons under the shadow run', async function () {
    const { page } = wb!;
    await page.locator('.statusbar-item', { hasText: /shadow/ }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Cutover: Open KPI Diff');
    const app = webviewApp(page);
    const section = app.locator('[data-testid=channels]');
    await section.waitFor({ timeout: 30_000 });
    await page.locator('.part.editor').first().click();
    await page.keyboard.press('Control+B');
    assert.equal(await app.locator('[data-testid=channels-verdict]').innerText(), 'FAIL');
    assert.match(await section.locator('h2').innerText(), /validated by channels run \d{8}-/);
    const rows = section.locator('[data-testid=channels-table] tbody tr');
    assert.equal(await rows.count(), 6, 'each channel: its line, then why');
    const texts = await rows.allInnerTexts();
    assert.match(texts[0] ?? '', /^pass\s+loans-export v2 · parquet · loans\s+handoff\/loans\.parquet\s+10000 \/ 10000$/);
    assert.match(texts[1] ?? '', /exists: 1 file read · schema: .* · rows: 10000 rows, as the local output · contents: /);
    assert.match(texts[2] ?? '', /^fail\s+kpis-export v2 · parquet · kpis\s+handoff\/kpis\.parquet\s+—$/);
    assert.match(texts[3] ?? '', /exists: nothing delivered: nothing at .*kpis\.parquet/);
    assert.match(texts[4] ?? '', /^inconclusive\s+loans-db v2 · supabase · loans\s+postgres table public\.loans_v2/);
    assert.match(texts[5] ?? '', /CUTOVER_E2E_UNSET_DB is not set .*"Cutover: Set Channel Secret…"/s);
    await section.scrollIntoViewIfNeeded();
    await wb!.screenshot('kpidiff-channels');
  });
});
