/**
 * The Runbooks view and Run Step / Run All on the example workspace, plus a drill runbook whose third step fails.
 * Steps run through `cutover runbook run` in a real terminal; their states come back from the run store.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchResult } from '../../../src/commands/launcher';
import { RunStore } from '../../../src/core/runs/store';
import type { RunbookNode } from '../../../src/views/runbooksTree';
import { cutoverApi, waitFor, workspaceRoot } from '../util';

const DRILL = [
  '# Drill', '',
  '## Prepare', '```sh', 'echo prepared > drill-1.txt', '```', '',
  '## Check', '```sh', 'test -f drill-1.txt', '```', '',
  '## Break', '```sh', 'echo about to fail', 'exit 3', '```', '',
  '## Never', '```sh', 'echo should-not-run > drill-4.txt', '```', '',
  '## Also never', '```bash', 'touch drill-5.txt', '```', '',
].join('\n');

async function stepNodes(file: string): Promise<RunbookNode[]> {
  const api = await cutoverApi();
  const book = (await api.runbooks.getChildren()).find((n) => n.entry.file === file);
  assert.ok(book, `the view lists ${file}`);
  return api.runbooks.getChildren(book);
}

describe('Runbooks (in the extension host)', function () {
  this.timeout(120_000);
  let drill: string;

  before(async function () {
    drill = path.join(workspaceRoot().fsPath, 'runbooks', 'zz-drill.md');
    fs.writeFileSync(drill, DRILL);
    (await cutoverApi()).runbooks.refresh();
  });

  it("lists the example's runbooks with their steps", async function () {
    const api = await cutoverApi();
    const books = (await api.runbooks.getChildren()).map((n) => path.basename(n.entry.file));
    for (const name of ['rollback-to-v1.md', 'roll-forward-to-v2.md', 'shadow-mode.md', 'staging-deploy.md', 'zz-drill.md']) {
      assert.ok(books.includes(name), `${name} in ${books.join(', ')}`);
    }
    const steps = await stepNodes(drill);
    assert.deepEqual(steps.map((s) => api.runbooks.getTreeItem(s).label), ['1. Prepare', '2. Check', '3. Break', '4. Never', '5. Also never']);
    assert.ok(steps.every((s) => api.runbooks.getTreeItem(s).description === 'not run'));
  });

  it('Refresh Runbooks lists a runbook added on disk as soon as it returns', async function () {
    const api = await cutoverApi();
    const listed = async (): Promise<string[]> => (await api.runbooks.getChildren()).map((n) => path.basename(n.entry.file));
    assert.ok(!(await listed()).includes('zz-added.md'));
    const added = path.join(workspaceRoot().fsPath, 'runbooks', 'zz-added.md');
    fs.writeFileSync(added, '# Added\n\n## Only step\n```sh\necho added\n```\n');
    try {
      // The view reads its cached list until a refresh; the command's refresh comes before the watcher's (250 ms later).
      await vscode.commands.executeCommand('cutover.runbooks.refresh');
      assert.ok((await listed()).includes('zz-added.md'), 'the added runbook is listed');
    } finally {
      fs.rmSync(added, { force: true });
      await vscode.commands.executeCommand('cutover.runbooks.refresh');
    }
    assert.ok(!(await listed()).includes('zz-added.md'), 'and gone after the next refresh');
  });

  it('Run All stops at the first failure: 1–2 passed, 3 failed with its exit code, 4+ not run', async function () {
    const api = await cutoverApi();
    const book = (await api.runbooks.getChildren()).find((n) => n.entry.file === drill)!;
    const result = (await vscode.commands.executeCommand<LaunchResult>('cutover.runbooks.runAll', book))!;
    assert.ok(result.started);
    assert.equal(result.exitCode, 1);
    const root = workspaceRoot().fsPath;
    // The CLI recorded its run under the id the extension gave it (--run-id).
    const record = await new RunStore(root).read(result.runId);
    assert.equal(record.kind, 'runbook');
    assert.equal(record.verdict?.verdict, 'fail');
    assert.equal(fs.readFileSync(path.join(root, 'drill-1.txt'), 'utf8').trim(), 'prepared');
    assert.equal(fs.existsSync(path.join(root, 'drill-4.txt')), false, 'step 4 never ran');
    assert.equal(fs.existsSync(path.join(root, 'drill-5.txt')), false, 'step 5 never ran');
    const states = await waitFor('the step states from the run record', async () => {
      const items = (await stepNodes(drill)).map((s) => String(api.runbooks.getTreeItem(s).description));
      return items[2]?.startsWith('failed') ? items : undefined;
    });
    assert.match(states[0]!, /^passed · \d+\.\d s$/);
    assert.match(states[1]!, /^passed/);
    assert.match(states[2]!, /^failed · exit 3 · \d+\.\d s$/);
    assert.deepEqual(states.slice(3), ['not run', 'not run']);
  });

  it('Run All shows each step as it goes: passed, running, waiting (the record is written after every step)', async function () {
    const root = workspaceRoot().fsPath;
    const gated = path.join(root, 'runbooks', 'zz-gated.md');
    fs.writeFileSync(gated, [
      '# Gated', '',
      '## Quick', '```sh', 'true', '```', '',
      '## Wait for the gate', '```sh', 'while [ ! -f gate-open ]; do sleep 0.05; done', '```', '',
      '## After', '```sh', 'true', '```', '',
    ].join('\n'));
    const api = await cutoverApi();
    api.runbooks.refresh();
    const book = await waitFor('the gated runbook listed', async () => (await api.runbooks.getChildren()).find((n) => n.entry.file === gated));
    const running = vscode.commands.executeCommand<LaunchResult>('cutover.runbooks.runAll', book);
    let result: LaunchResult | undefined;
    try {
      const states = await waitFor('step 1 passed while step 2 runs and step 3 waits', async () => {
        const items = (await stepNodes(gated)).map((s) => String(api.runbooks.getTreeItem(s).description));
        return items[0]?.startsWith('passed') && items[1] === 'running' ? items : undefined;
      }, 30_000);
      assert.equal(states[2], 'waiting');
    } finally {
      // Whatever the view showed, the run is let through and waited for, so no later test meets it still running.
      fs.writeFileSync(path.join(root, 'gate-open'), '');
      result = await running;
    }
    assert.equal(result?.started && result.exitCode, 0);
    await waitFor('all three passed', async () => (await stepNodes(gated)).every((s) => String(api.runbooks.getTreeItem(s).description).startsWith('passed')));
  });

  it('Run Step runs one step and records it', async function () {
    const api = await cutoverApi();
    const steps = await stepNodes(drill);
    const result = (await vscode.commands.executeCommand<LaunchResult>('cutover.runbooks.runStep', steps[3]))!;
    assert.equal(result.started && result.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(workspaceRoot().fsPath, 'drill-4.txt'), 'utf8').trim(), 'should-not-run');
    await waitFor('step 4 to show passed', async () =>
      String(api.runbooks.getTreeItem((await stepNodes(drill))[3]!).description).startsWith('passed'));
  });
});
