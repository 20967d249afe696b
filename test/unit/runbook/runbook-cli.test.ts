import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../cli';
import { EXAMPLE, FIXTURES, lineOf } from './helpers';

interface StepResultJson {
  stepId: string;
  title: string;
  state: string;
  exitCode?: number;
  ms?: number;
  line: number;
}

describe('cutover runbook', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-runbook-cli-'));
    for (const name of ['fail-third.md', 'pass.md', 'no-steps.md']) copyFileSync(path.join(FIXTURES, name), path.join(dir, name));
  });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('list FILE prints the steps with 1-based lines, ids and what they run', async () => {
    const { code, stdout, stderr } = await runCli(['runbook', 'list', 'numbered.md'], FIXTURES);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const text = readFileSync(path.join(FIXTURES, 'numbered.md'), 'utf8');
    const rows = stdout.trimEnd().split('\n');
    assert.equal(rows[0], 'numbered.md: Numbered — 8 steps, 5 runnable, 3 manual');
    assert.equal(rows.length, 1 + 10);
    assert.ok(rows.includes(`${String(lineOf(text, '## Procedure') + 1).padStart(4)}  2. Procedure`), 'group row');
    assert.ok(rows.includes(`${String(lineOf(text, '1. Deep a') + 1).padStart(4)}      3.2.1 Deep a  · bash`), 'nested item row');
    assert.ok(rows.includes(`${String(lineOf(text, '## Preconditions') + 1).padStart(4)}  1. Preconditions  · manual`), 'manual row');
  });

  it('list FOLDER --json prints one document with every runbook of the folder and one level below', async () => {
    mkdirSync(path.join(dir, 'more'));
    writeFileSync(path.join(dir, 'more', 'deep.md'), '# Deep\n\n## Only step\n\n```sh\ntrue\n```\n');
    mkdirSync(path.join(dir, 'more', 'too-deep'));
    writeFileSync(path.join(dir, 'more', 'too-deep', 'ignored.md'), '# Ignored\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'not markdown');
    const { code, stdout } = await runCli(['runbook', 'list', '.', '--json'], dir);
    assert.equal(code, 0);
    const doc = JSON.parse(stdout) as { runbooks: { file: string; title: string; steps: { id: string; line: number; runnable: boolean; blocks: { lang: string; line: number }[] }[] }[] };
    assert.deepEqual(doc.runbooks.map((r) => [r.file, r.title, r.steps.length]), [
      ['fail-third.md', 'Third step fails', 6],
      [path.join('more', 'deep.md'), 'Deep', 1],
      ['no-steps.md', 'Just prose', 0],
      ['pass.md', 'All pass', 3],
    ]);
    assert.deepEqual(doc.runbooks[1]!.steps[0], {
      id: '1', title: 'Only step', line: 3, kind: 'heading', runnable: true, group: false,
      blocks: [{ lang: 'sh', line: 5, runnable: true, code: 'true\n' }],
    });
  });

  it('list without a target lists the runbooks folder named by cutover.json', async () => {
    const { code, stdout } = await runCli(['runbook', 'list', '--json'], path.join(EXAMPLE, 'pipelines'));
    assert.equal(code, 0);
    const files = (JSON.parse(stdout) as { runbooks: { file: string }[] }).runbooks.map((r) => path.basename(r.file));
    assert.deepEqual(files, ['roll-forward-to-v2.md', 'rollback-to-v1.md', 'shadow-mode.md', 'staging-deploy.md']);
  });

  it('run exits 1 at the first failure and prints each step, its exit code and a summary', async () => {
    const { code, stdout, stderr } = await runCli(['runbook', 'run', 'fail-third.md'], dir);
    assert.equal(code, 1);
    assert.equal(stderr, '');
    assert.ok(stdout.includes('\n▶ 1. First\n$ echo first > step1.txt\n✓ exit 0 in '), stdout);
    assert.ok(stdout.includes('\n▶ 3. Third fails with exit 3\n'));
    assert.ok(stdout.includes('about to fail\n✗ exit 3 in '));
    assert.ok(stdout.includes('– 4. Fourth · not run\n○ 5. Fifth is manual · manual, not run\n– 6. Sixth · not run\n'));
    const text = readFileSync(path.join(dir, 'fail-third.md'), 'utf8');
    assert.match(stdout, new RegExp(`2 passed, 1 failed, 2 not run, 1 manual in [0-9.]+ s — stopped at step 3 \\(Third fails with exit 3, line ${lineOf(text, '3. Third fails with exit 3') + 1}\\)\\nRun \\S+: \\.cutover/runs/\\S+\\n$`));
    assert.ok(!existsSync(path.join(dir, 'step4.txt')));
  });

  it('run --json prints one document with the results on stdout; progress and output go to stderr', async () => {
    const { code, stdout, stderr } = await runCli(['runbook', 'run', 'fail-third.md', '--json'], dir);
    assert.equal(code, 1);
    const doc = JSON.parse(stdout) as { file: string; cwd: string; passed: boolean; totals: unknown; results: StepResultJson[] };
    assert.equal(doc.file, 'fail-third.md');
    assert.equal(doc.cwd, dir);
    assert.equal(doc.passed, false);
    assert.deepEqual(doc.totals, { passed: 2, failed: 1, notRun: 2, manual: 1 });
    assert.deepEqual(doc.results.map((r) => [r.stepId, r.state, r.exitCode, r.line]), [
      ['1', 'passed', 0, 3], ['2', 'passed', 0, 7], ['3', 'failed', 3, 11], ['4', 'not-run', undefined, 17], ['5', 'manual', undefined, 21], ['6', 'not-run', undefined, 22],
    ]);
    assert.ok(doc.results.slice(0, 3).every((r) => Number.isInteger(r.ms)));
    assert.ok(stderr.includes('about to fail') && stderr.includes('▶ 3. Third fails with exit 3'));
  });

  it('run records the run in the workspace store: steps, verdict, one command per block, the log', async () => {
    const { code, stdout } = await runCli(['runbook', 'run', 'fail-third.md', '--json'], dir);
    assert.equal(code, 1);
    const doc = JSON.parse(stdout) as { runId: string; results: unknown[] };
    const runs = readdirSync(path.join(dir, '.cutover', 'runs')).filter((n) => !n.startsWith('.') && n !== 'index.jsonl');
    assert.deepEqual(runs, [doc.runId]);
    const record = JSON.parse(readFileSync(path.join(dir, '.cutover', 'runs', doc.runId, 'run.json'), 'utf8')) as {
      kind: string; status: string; argv: string[]; verdict: { verdict: string; reasons: string[] };
      results: { runbook: string; title: string; steps: { stepId: string; state: string; exitCode?: number }[] };
      commands: { name: string; argv: string[]; exitCode: number; log: string }[];
    };
    assert.equal(record.kind, 'runbook');
    assert.equal(record.status, 'complete');
    assert.deepEqual(record.argv, ['cutover', 'runbook', 'run', 'fail-third.md', '--json']);
    assert.deepEqual(record.verdict, { verdict: 'fail', reasons: ['step 3 (Third fails with exit 3) failed with exit 3', '2 steps not run'] });
    assert.equal(record.results.runbook, path.join(dir, 'fail-third.md'));
    assert.equal(record.results.title, 'Third step fails');
    assert.deepEqual(record.results.steps.map((r) => [r.stepId, r.state, r.exitCode]), [
      ['1', 'passed', 0], ['2', 'passed', 0], ['3', 'failed', 3], ['4', 'not-run', undefined], ['5', 'manual', undefined], ['6', 'not-run', undefined],
    ]);
    assert.deepEqual(record.commands.map((c) => [c.name, c.argv.slice(0, 4), c.exitCode, c.log]), [
      ['step 1', ['bash', '-e', '-o', 'pipefail'], 0, 'logs/runbook.log'],
      ['step 2', ['bash', '-e', '-o', 'pipefail'], 0, 'logs/runbook.log'],
      ['step 3', ['bash', '-e', '-o', 'pipefail'], 3, 'logs/runbook.log'],
    ]);
    const log = readFileSync(path.join(dir, '.cutover', 'runs', doc.runId, 'logs', 'runbook.log'), 'utf8');
    assert.ok(log.includes('== step 3: Third fails with exit 3\nabout to fail\n== exit 3 in '), log);

    const unrecorded = await runCli(['runbook', 'run', 'pass.md', '--no-record', '--json'], dir);
    assert.equal(unrecorded.code, 0);
    assert.equal((JSON.parse(unrecorded.stdout) as { runId?: string }).runId, undefined);
    assert.equal(readdirSync(path.join(dir, '.cutover', 'runs')).filter((n) => !n.startsWith('.') && n !== 'index.jsonl').length, 1);
  });

  it('run exits 0 when every runnable step passed; steps run in the runbook\'s folder', async () => {
    const { code, stdout } = await runCli(['runbook', 'run', path.join(dir, 'pass.md')], process.cwd());
    assert.equal(code, 0, stdout);
    assert.ok(stdout.includes(`one in ${dir}\n`));
    assert.ok(stdout.includes('$ echo three\nthree\n'));
    assert.ok(stdout.includes('$ echo piped | tr a-z A-Z\nPIPED\n'));
    assert.match(stdout, /\n2 passed, 0 failed, 0 not run, 1 manual in [0-9.]+ s\nRun \S+: \.cutover\/runs\/\S+\n$/);
  });

  it('runs from the folder of the nearest cutover.json above the runbook', async () => {
    writeFileSync(path.join(dir, 'cutover.json'), '{}\n');
    mkdirSync(path.join(dir, 'runbooks'));
    writeFileSync(path.join(dir, 'runbooks', 'where.md'), '# Where\n\n## Print\n\n```sh\npwd > where.txt\n```\n');
    const { code } = await runCli(['runbook', 'run', 'runbooks/where.md', '--step', '1'], dir);
    assert.equal(code, 0);
    assert.equal(readFileSync(path.join(dir, 'where.txt'), 'utf8'), `${dir}\n`);
  });

  it('--step and --from select steps', async () => {
    const only = await runCli(['runbook', 'run', 'fail-third.md', '--step', '2', '--json'], dir);
    assert.equal(only.code, 0);
    assert.deepEqual((JSON.parse(only.stdout) as { results: StepResultJson[] }).results.map((r) => [r.stepId, r.state]), [['2', 'passed']]);
    const from = await runCli(['runbook', 'run', 'fail-third.md', '--from', '4', '--json'], dir);
    assert.equal(from.code, 0);
    assert.deepEqual((JSON.parse(from.stdout) as { results: StepResultJson[] }).results.map((r) => [r.stepId, r.state]), [['4', 'passed'], ['5', 'manual'], ['6', 'passed']]);
  });

  it('usage errors exit 3 with a message naming the file or the step', async () => {
    const missing = await runCli(['runbook', 'run', 'nope.md'], dir);
    assert.equal(missing.code, 3);
    assert.equal(missing.stderr, `cutover: ${path.join(dir, 'nope.md')}: no such file or folder\n`);

    const empty = await runCli(['runbook', 'run', 'no-steps.md'], dir);
    assert.equal(empty.code, 3);
    assert.match(empty.stderr, /^cutover: no-steps\.md: no steps found/);

    const unknown = await runCli(['runbook', 'run', 'fail-third.md', '--step', '7'], dir);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /--step: no step 7 in this runbook \(steps: 1, 2, 3, 4, 5, 6\)/);
    assert.ok(!existsSync(path.join(dir, 'step1.txt')), 'nothing ran');

    const missingFolder = await runCli(['runbook', 'list', 'no-such-folder'], dir);
    assert.equal(missingFolder.code, 3);
    assert.match(missingFolder.stderr, /no-such-folder: no such file or folder/);

    const both = await runCli(['runbook', 'run', 'pass.md', '--step', '1', '--from', '1'], dir);
    assert.equal(both.code, 3);
  });

  it('list of a file without steps says so, naming it', async () => {
    const { code, stdout } = await runCli(['runbook', 'list', 'no-steps.md'], dir);
    assert.equal(code, 0);
    assert.match(stdout, /^no-steps\.md: no steps found/);
  });
});
