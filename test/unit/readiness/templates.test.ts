import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../../src/cli/main';
import { parseRunbook } from '../../../src/core/runbook/parse';
import { sink } from '../cli';

const DIR = join(__dirname, '..', '..', '..', 'media', 'runbook-templates');
const EXPECTED = ['change-request.md', 'configuration-change.md', 'daily-operational-checklist.md', 'emergency-procedure.md', 'incident-response.md', 'troubleshooting-guide.md'];

describe('runbook templates (media/runbook-templates)', () => {
  it('are the six of the plan\'s section F', () => {
    assert.deepEqual(readdirSync(DIR).filter((f) => f.endsWith('.md')).sort(), EXPECTED);
  });

  const program = buildProgram({ cwd: '/', stdout: sink(), stderr: sink(), setExitCode: () => undefined });
  const subcommands = new Set(program.commands.map((c) => c.name()));

  for (const file of EXPECTED) {
    it(`${file}: a runbook with runnable and manual steps, each cutover command one the CLI has`, () => {
      const runbook = parseRunbook(readFileSync(join(DIR, file), 'utf8'));
      assert.ok(runbook.title.length > 0);
      const steps = runbook.steps.filter((s) => !s.group);
      assert.ok(steps.some((s) => s.runnable), 'no runnable step');
      assert.ok(steps.some((s) => !s.runnable && s.kind === 'item'), 'no manual step');
      for (const step of steps) {
        for (const block of step.blocks) {
          for (const match of block.code.matchAll(/\bcutover ([a-z]+)/g)) {
            assert.ok(subcommands.has(match[1]!), `${file} step ${step.id} runs "cutover ${match[1]}", which the CLI does not have`);
          }
        }
      }
    });
  }
});
