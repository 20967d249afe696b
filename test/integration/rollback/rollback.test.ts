/**
 * Roll Back to V1 from VS Code: the switch and its verify run in a terminal against a budget shown in the status
 * bar. The workspace's rollback is rewired here so that the switch takes ~1.5 s and the verify fails with exit 5.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import { workspaceRoot } from '../util';

describe('Roll Back to V1 (in the extension host)', function () {
  this.timeout(120_000);

  before(function () {
    const file = path.join(workspaceRoot().fsPath, 'cutover.json');
    const text = fs.readFileSync(file, 'utf8');
    const start = text.indexOf('"rollback"');
    assert.ok(start > 0, 'the example has a rollback section');
    // Replace the example's rollback object (balanced braces from its first `{`).
    let depth = 0;
    let end = text.indexOf('{', start);
    do {
      if (text[end] === '{') depth++;
      if (text[end] === '}') depth--;
      end++;
    } while (depth > 0);
    const rollback = '"rollback": { "command": ["node", "-e", "setTimeout(() => {}, 1500)"], "verify": ["node", "-e", "process.exit(5)"], "budgetSeconds": 0.5 }';
    fs.writeFileSync(file, text.slice(0, start) + rollback + text.slice(end));
  });

  it('records a rollback whose verify fails as failed, with both exit codes and its duration, past its budget', async function () {
    await vscode.commands.executeCommand('cutover.test.answerConfirmations', true);
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome & { overBudget: boolean }>('cutover.rollBack'))!;
    const asked = await vscode.commands.executeCommand<{ message: string; detail: string }>('cutover.test.lastConfirmation');
    assert.equal(asked?.message, 'Roll Back to V1?');
    assert.match(asked.detail, /Will run: node -e setTimeout/);
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.overBudget, true, 'the status-bar timer passed the 0.5 s budget');
    const record = outcome.run?.record;
    assert.ok(record, 'the rollback was recorded');
    assert.equal(record.kind, 'rollback');
    assert.equal(record.verdict?.verdict, 'fail');
    const byName = Object.fromEntries(record.commands.map((c) => [c.name, c]));
    assert.equal(byName['rollback']?.exitCode, 0);
    assert.equal(byName['verify']?.exitCode, 5);
    assert.ok((byName['rollback']?.ms ?? 0) >= 1400, `the switch took ${byName['rollback']?.ms} ms`);
    assert.ok(record.endedAt && Date.parse(record.endedAt) - Date.parse(record.startedAt) >= 1400);
  });
});
