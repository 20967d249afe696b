/**
 * Every command Cutover contributes is exercised the way a user meets it: some in-host test (test/integration) or UI
 * check (test/e2e) names it, by its id in quotes or by its palette title ("Cutover: Show Log"). A command added to
 * package.json without such a test fails here, with its name.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TEST_DIRS = ['test/integration', 'test/e2e'];

interface ContributedCommand { readonly command: string; readonly title: string; readonly category?: string }

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** A test file's code without its comments: a command named only in a comment is not tested. */
function code(file: string): string {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** The contributed commands no test source names. */
export function untestedCommands(commands: readonly ContributedCommand[], testCode: readonly string[]): string[] {
  const all = testCode.join('\n');
  return commands.filter(({ command, title, category }) => {
    const byId = ['\'', '"', '`'].some((q) => all.includes(`${q}${command}${q}`));
    const byTitle = category !== undefined && all.includes(`${category}: ${title}`);
    return !byId && !byTitle;
  }).map(({ command, title }) => `${command} (${title})`);
}

describe('command coverage: each contributed command has a test that names it', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: ContributedCommand[] } };
  const testCode = TEST_DIRS.flatMap((dir) => sources(join(ROOT, dir))).map(code);

  it('finds the test sources and the commands', () => {
    assert.ok(testCode.length >= 10, `only ${testCode.length} test files under ${TEST_DIRS.join(', ')}`);
    assert.ok(manifest.contributes.commands.length > 0);
  });

  it('lists 0 untested commands', () => {
    assert.deepEqual(untestedCommands(manifest.contributes.commands, testCode), []);
  });

  it('counts a command named in quotes or by its palette title, and nothing else', () => {
    const commands = [
      { command: 'cutover.a', title: 'Do A', category: 'Cutover' },
      { command: 'cutover.b', title: 'Do B', category: 'Cutover' },
      { command: 'cutover.c', title: 'Do C', category: 'Cutover' },
    ];
    const tests = ["await vscode.commands.executeCommand('cutover.a');", "await runCommand(page, 'Cutover: Do B');", "executeCommand('cutover.cc'); // cutover.c"];
    assert.deepEqual(untestedCommands(commands, tests), ['cutover.c (Do C)']);
  });
});
