/**
 * Roll Back to V1 and Roll Forward to V2 from VS Code: the switch and its verify run in a terminal against a budget
 * shown in the status bar. The workspace's switch sections are rewired here: a rollback that takes ~1.5 s against a
 * 0.5 s budget and whose verify fails with exit 5; a roll forward (the example's own switch script) well within its
 * budget.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import type { TimerHandle } from '../../../src/views/statusBar';
import { cutoverApi, waitFor, workspaceRoot } from '../util';

type SwitchOutcome = LaunchOutcome & { readonly timer: TimerHandle };

/** Replaces the `"<section>": { … }` object of the workspace's cutover.json (balanced braces from its first `{`). */
function rewire(section: 'rollback' | 'forward', replacement: object): void {
  const file = path.join(workspaceRoot().fsPath, 'cutover.json');
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf(`"${section}"`);
  assert.ok(start > 0, `the example has a ${section} section`);
  let depth = 0;
  let end = text.indexOf('{', start);
  do {
    if (text[end] === '{') depth++;
    if (text[end] === '}') depth--;
    end++;
  } while (depth > 0);
  fs.writeFileSync(file, `${text.slice(0, start)}"${section}": ${JSON.stringify(replacement)}${text.slice(end)}`);
}

/** Every distinct status bar text seen while `work` runs (the item re-renders each second). */
async function watchStatus<T>(work: () => Thenable<T>): Promise<{ result: T; seen: string[] }> {
  const api = await cutoverApi();
  const seen = new Set<string>();
  const poll = setInterval(() => seen.add(api.status.shown.text), 50);
  try {
    return { result: await work(), seen: [...seen] };
  } finally {
    clearInterval(poll);
  }
}

describe('Roll Back to V1 (in the extension host)', function () {
  this.timeout(120_000);

  before(function () {
    rewire('rollback', { command: ['node', '-e', 'setTimeout(() => {}, 1500)'], verify: ['node', '-e', 'process.exit(5)'], budgetSeconds: 0.5 });
    rewire('forward', { command: ['node', 'scripts/switch-pipeline.mjs', 'v2'], verify: ['node', '-e', "process.exit(require('./active-pipeline.json').active === 'v2' ? 0 : 7)"], budgetSeconds: 6 });
  });

  it('records a rollback whose verify fails as failed, with both exit codes and its duration, past its budget', async function () {
    await vscode.commands.executeCommand('cutover.test.answerConfirmations', true);
    const { result, seen } = await watchStatus(() => vscode.commands.executeCommand<SwitchOutcome>('cutover.rollBack'));
    const outcome = result!;
    const asked = await vscode.commands.executeCommand<{ message: string; detail: string }>('cutover.test.lastConfirmation');
    assert.equal(asked?.message, 'Roll Back to V1?');
    assert.match(asked.detail, /Will run: node -e setTimeout/);
    assert.equal(outcome.exitCode, 1);
    const record = outcome.run?.record;
    assert.ok(record, 'the rollback was recorded');
    assert.equal(record.kind, 'rollback');
    assert.equal(record.verdict?.verdict, 'fail');
    const byName = Object.fromEntries(record.commands.map((c) => [c.name, c]));
    assert.equal(byName['rollback']?.exitCode, 0);
    assert.equal(byName['verify']?.exitCode, 5);
    assert.ok((byName['rollback']?.ms ?? 0) >= 1400, `the switch took ${byName['rollback']?.ms} ms`);
    assert.ok(record.endedAt && Date.parse(record.endedAt) - Date.parse(record.startedAt) >= 1400);
    // The timer: over its budget, and the status bar said so while the switch ran (watch first, then the warning).
    assert.equal(outcome.timer.overBudget, true, `the switch took ${outcome.timer.elapsedSeconds} s against a 0.5 s budget`);
    assert.ok(outcome.timer.elapsedSeconds >= 1.4, `elapsed ${outcome.timer.elapsedSeconds} s`);
    assert.ok(seen.some((t) => /^\$\(watch\) Rollback 0:00 \/ 0:00$/.test(t)), `the timer started within budget: ${JSON.stringify(seen)}`);
    assert.ok(seen.some((t) => /^\$\(warning\) Rollback 0:0[1-9] \/ 0:00$/.test(t)), `the timer turned to a warning past the budget: ${JSON.stringify(seen)}`);
    const api = await cutoverApi();
    assert.doesNotMatch(api.status.shown.text, /Rollback/, 'the timer left the status bar when the switch ended');
  });

  it('records a roll forward within its budget, and it stays within budget after the budget has passed', async function () {
    await vscode.commands.executeCommand('cutover.test.answerConfirmations', true);
    const started = Date.now();
    const { result, seen } = await watchStatus(() => vscode.commands.executeCommand<SwitchOutcome>('cutover.rollForward'));
    const outcome = result!;
    const asked = await vscode.commands.executeCommand<{ message: string; detail: string }>('cutover.test.lastConfirmation');
    assert.equal(asked?.message, 'Roll Forward to V2?');
    assert.match(asked.detail, /Will run: node scripts\/switch-pipeline\.mjs v2/);
    assert.match(asked.detail, /Budget: 6 s/);
    assert.equal(outcome.exitCode, 0);
    const record = outcome.run?.record;
    assert.ok(record, 'the roll forward was recorded');
    assert.equal(record.kind, 'forward');
    assert.equal(record.verdict?.verdict, 'pass');
    assert.deepEqual(record.commands.map((c) => [c.name, c.exitCode]), [['forward', 0], ['verify', 0]]);
    assert.ok(record.commands.every((c) => typeof c.ms === 'number' && c.ms > 0), 'each step is timed');
    const active = JSON.parse(fs.readFileSync(path.join(workspaceRoot().fsPath, 'active-pipeline.json'), 'utf8')) as { active: string };
    assert.equal(active.active, 'v2', 'the switch script ran in the workspace');
    assert.ok(seen.some((t) => /^\$\(watch\) Roll forward 0:0\d \/ 0:06$/.test(t)), JSON.stringify(seen));
    assert.ok(!seen.some((t) => t.startsWith('$(warning)')), `no warning within budget: ${JSON.stringify(seen)}`);
    const took = outcome.timer.elapsedSeconds;
    assert.ok(took < 6, `the roll forward took ${took} s, within its 6 s budget (a loaded machine may need a larger budget)`);
    // Asked once the budget's time has passed, the stopped timer still reports the switch's own duration.
    await waitFor('the 6 s budget to have passed since the start', () => Date.now() - started > 6_500, 10_000);
    assert.equal(outcome.timer.elapsedSeconds, took, 'the elapsed time froze when the switch ended');
    assert.equal(outcome.timer.overBudget, false);
  });
});
