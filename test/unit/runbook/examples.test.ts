import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRunbooks } from '../../../src/core/runbook/files';
import { parseRunbook } from '../../../src/core/runbook/parse';
import { EXAMPLE } from './helpers';

const RUNBOOKS = ['roll-forward-to-v2.md', 'rollback-to-v1.md', 'shadow-mode.md', 'staging-deploy.md'];

describe('the example workspace runbooks', () => {
  it('are the four runbooks of examples/loan-cutover/runbooks', async () => {
    const files = await discoverRunbooks(path.join(EXAMPLE, 'runbooks'));
    assert.deepEqual(files.map((f) => path.basename(f)), RUNBOOKS);
  });

  for (const name of RUNBOOKS) {
    it(`${name} has a title, ≥ 3 runnable steps, and every runnable block is valid bash`, () => {
      const runbook = parseRunbook(readFileSync(path.join(EXAMPLE, 'runbooks', name), 'utf8'));
      assert.notEqual(runbook.title, '');
      const runnable = runbook.steps.filter((s) => s.runnable);
      assert.ok(runnable.length >= 3, `${name}: ${runnable.length} runnable steps`);
      for (const step of runnable) {
        for (const block of step.blocks.filter((b) => b.runnable)) {
          // bash -n parses without running.
          const check = spawnSync('bash', ['-n', '-c', block.code], { encoding: 'utf8' });
          assert.equal(check.status, 0, `${name} step ${step.id} (line ${block.line + 1}): ${check.stderr}`);
        }
      }
    });
  }

  it('the rollback runbook switches to V1, verifies it and checks the time against the budget, in that order', () => {
    const runbook = parseRunbook(readFileSync(path.join(EXAMPLE, 'runbooks', 'rollback-to-v1.md'), 'utf8'));
    const code = runbook.steps.flatMap((s) => s.blocks.filter((b) => b.runnable).map((b) => b.code)).join('\n');
    const switchAt = code.indexOf('node scripts/switch-pipeline.mjs v1');
    const verifyAt = code.indexOf('node scripts/verify-active.mjs v1');
    const budgetAt = code.indexOf('budgetSeconds');
    assert.ok(switchAt >= 0 && verifyAt > switchAt && budgetAt > verifyAt, 'switch, then verify, then the budget check');
  });
});
