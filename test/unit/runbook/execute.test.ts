import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../../src/core/errors';
import type { StepEvent } from '../../../src/core/runbook/execute';
import { runBlock, runSteps, selectSteps } from '../../../src/core/runbook/execute';
import { parseRunbook } from '../../../src/core/runbook/parse';
import { runAndRecord } from '../../../src/core/runbook/record';
import { RunStore } from '../../../src/core/runs/store';
import { sink } from '../cli';
import { fixture } from './helpers';

/** Running, not a zombie waiting to be reaped by whichever process adopted it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

describe('runbook execution', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'cutover-runbook-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('runBlock runs bash with -e and pipefail in the given folder, with the env merged, streaming output', async () => {
    const out = sink();
    const err = sink();
    const ok = await runBlock('echo "$PWD $RUNBOOK_TEST"\necho oops >&2\n', { cwd: dir, env: { RUNBOOK_TEST: 'merged' }, stdout: out, stderr: err });
    assert.equal(ok.exitCode, 0);
    assert.equal(out.text(), `${dir} merged\n`);
    assert.equal(err.text(), 'oops\n');
    assert.ok(ok.ms >= 0 && ok.signal === undefined);

    // -e: the first failing command ends the block; pipefail: a failure inside a pipe counts.
    const failed = await runBlock('echo before\n(exit 7)\necho after\n', { cwd: dir, stdout: out });
    assert.equal(failed.exitCode, 7);
    const piped = await runBlock(parseRunbook(fixture('pipefail.md')).steps[0]!.blocks[0]!.code, { cwd: dir, stdout: out });
    assert.equal(piped.exitCode, 1);
    assert.ok(!out.text().includes('should not print') && !out.text().includes('after'));
  });

  it('passes the code as one argument: quotes, $ and backticks reach bash untouched', async () => {
    const out = sink();
    const code = `printf '%s\\n' "it's \\$HOME" 'a "b" \`c\`'\n`;
    await runBlock(code, { cwd: dir, stdout: out });
    assert.equal(out.text(), 'it\'s $HOME\na "b" `c`\n');
  });

  it('stops at the first failure: steps 1–2 passed, 3 failed with its exit code, the rest not run, manual steps manual', async () => {
    const runbook = parseRunbook(fixture('fail-third.md'));
    const out = sink();
    const events: string[] = [];
    const results = await runSteps(runbook, {
      cwd: dir,
      stdout: out,
      onStep: (e: StepEvent) => events.push(`${e.phase}:${e.step.id}${e.phase === 'end' ? `:${e.result.state}` : ''}`),
    });
    assert.deepEqual(results.map((r) => [r.stepId, r.state, r.exitCode]), [
      ['1', 'passed', 0],
      ['2', 'passed', 0],
      ['3', 'failed', 3],
      ['4', 'not-run', undefined],
      ['5', 'manual', undefined],
      ['6', 'not-run', undefined],
    ]);
    assert.equal(results[2]!.title, 'Third fails with exit 3');
    // What ran really ran in `cwd`, and nothing after the failing command or step did.
    assert.equal(readFileSync(path.join(dir, 'step1.txt'), 'utf8'), 'first\n');
    assert.equal(readFileSync(path.join(dir, 'step2.txt'), 'utf8'), 'second\n');
    assert.deepEqual(['never.txt', 'step4.txt', 'step6.txt'].filter((f) => existsSync(path.join(dir, f))), []);
    assert.equal(out.text(), 'about to fail\n');
    assert.deepEqual(events, [
      'start:1', 'block:1', 'block-end:1', 'end:1:passed',
      'start:2', 'block:2', 'block-end:2', 'end:2:passed',
      'start:3', 'block:3', 'block-end:3', 'end:3:failed',
      'end:4:not-run', 'end:5:manual', 'end:6:not-run',
    ]);
  });

  it('--step runs one step, --from starts at one; unknown ids are usage errors; groups are never reported', async () => {
    const runbook = parseRunbook(fixture('fail-third.md'));
    const only = await runSteps(runbook, { cwd: dir, stdout: sink(), only: '2' });
    assert.deepEqual(only.map((r) => [r.stepId, r.state]), [['2', 'passed']]);
    assert.ok(!existsSync(path.join(dir, 'step1.txt')));
    const from = await runSteps(runbook, { cwd: dir, stdout: sink(), from: '4' });
    assert.deepEqual(from.map((r) => [r.stepId, r.state]), [['4', 'passed'], ['5', 'manual'], ['6', 'passed']]);
    assert.throws(() => selectSteps(runbook, { only: '9' }), (e: unknown) => e instanceof UsageError && /no step 9 .*steps: 1, 2, 3, 4, 5, 6/.test(e.message));

    const nested = parseRunbook(fixture('numbered.md'));
    assert.deepEqual(selectSteps(nested, {}).map((s) => s.id), ['1', '2.1', '2.2', '2.3', '3', '3.1', '3.2.1', '3.2.2']);
    // A group stands for its sub-steps.
    assert.deepEqual(selectSteps(nested, { only: '3.2' }).map((s) => s.id), ['3.2.1', '3.2.2']);
  });

  it('an AbortSignal kills the whole process group of a sleeping step and leaves the rest not run', async () => {
    const runbook = parseRunbook(
      `# Sleep\n\n## Sleeps\n\n\`\`\`sh\nsleep 30 &\necho $! > child.pid\nwait\n\`\`\`\n\n## After\n\n\`\`\`sh\ntouch after.txt\n\`\`\`\n`,
    );
    const controller = new AbortController();
    const started = Date.now();
    const pending = runSteps(runbook, { cwd: dir, stdout: sink(), signal: controller.signal });
    const pidFile = path.join(dir, 'child.pid');
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') await new Promise((r) => setTimeout(r, 20));
    const child = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(child), 'the background sleep runs before the abort');
    controller.abort();
    const results = await pending;
    assert.ok(Date.now() - started < 10_000, 'the step ended long before its sleep would have');
    assert.deepEqual(results.map((r) => [r.stepId, r.state, r.signal, r.exitCode]), [
      ['1', 'failed', 'SIGTERM', 143],
      ['2', 'not-run', undefined, undefined],
    ]);
    // The background child was in the group: it is gone too (a signal takes a moment to land).
    for (let i = 0; i < 150 && alive(child); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(alive(child), false, 'the background sleep was killed with its group');
    assert.ok(!existsSync(path.join(dir, 'after.txt')));
  });
});

describe('runAndRecord', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'cutover-runbook-record-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('a cancelled run is recorded as stopped (no verdict), with the interrupted step and its signal', async () => {
    const runbook = parseRunbook('# C\n\n## Sleep\n\n```sh\necho started > started.txt\nsleep 30\n```\n\n## Next\n\n```sh\ntrue\n```\n');
    const controller = new AbortController();
    const pending = runAndRecord(runbook, { cwd: dir, workspace: dir, file: path.join(dir, 'c.md'), stdout: sink(), signal: controller.signal });
    while (!existsSync(path.join(dir, 'started.txt'))) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const { record, runDir } = await pending;
    assert.equal(record.kind, 'runbook');
    assert.equal(record.status, 'stopped');
    assert.equal(record.verdict, undefined);
    assert.deepEqual(record.error, { message: 'runbook stopped during step 1 (Sleep)', kind: 'stopped' });
    assert.deepEqual((record.results['steps'] as { stepId: string; state: string; signal?: string }[]).map((r) => [r.stepId, r.state, r.signal]), [
      ['1', 'failed', 'SIGTERM'],
      ['2', 'not-run', undefined],
    ]);
    assert.deepEqual(record.commands.map((c) => [c.name, c.exitCode, c.signal]), [['step 1', null, 'SIGTERM']]);
    assert.ok(existsSync(path.join(runDir, 'run.json')));
  });

  it('shows each step land in the store while the run goes on: finished steps, the current one, the ones planned', async () => {
    const runbook = parseRunbook('# L\n\n## First\n\n```sh\ntrue\n```\n\n## Wait\n\n```sh\nwhile [ ! -f go ]; do sleep 0.02; done\n```\n\n## By hand\n\nCall the team.\n\n## Last\n\n```sh\ntrue\n```\n');
    const store = new RunStore(dir);
    const pending = runAndRecord(runbook, { cwd: dir, workspace: dir, file: path.join(dir, 'l.md'), stdout: sink() });
    let live: Record<string, unknown> | undefined;
    for (let i = 0; i < 500 && live?.['current'] !== '2'; i++) {
      live = (await store.running())[0]?.results;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(live?.['current'], '2', 'the record names the step running');
    assert.deepEqual(live?.['planned'], ['1', '2', '4']);
    assert.deepEqual((live?.['steps'] as { stepId: string; state: string }[]).map((r) => [r.stepId, r.state]), [['1', 'passed']]);
    writeFileSync(path.join(dir, 'go'), '');
    const { record } = await pending;
    assert.equal(record.status, 'complete');
    assert.equal(record.results['current'], null);
    assert.deepEqual((record.results['steps'] as { stepId: string; state: string }[]).map((r) => [r.stepId, r.state]), [['1', 'passed'], ['2', 'passed'], ['3', 'manual'], ['4', 'passed']]);
    assert.deepEqual(await store.running(), []);
  });
});
