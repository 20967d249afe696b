import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeError } from '../../../src/core/errors';
import { quoteForDisplay, runPipeline, substitute, succeeded } from '../../../src/core/pipeline/run';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pipeline runner', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover pipe $x \'q\' ')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('substitutes placeholders inside each argument, leaving the rest alone', () => {
    const awkward = `/tmp/a b/"q"/$HOME/it's`;
    assert.deepEqual(substitute(['--in=${input}', '${output}/k.parquet', '$notAPlaceholder', '${runDir}${runDir}'], { input: awkward, output: '/o p', runDir: 'r' }), [
      `--in=${awkward}`,
      '/o p/k.parquet',
      '$notAPlaceholder',
      'rr',
    ]);
    assert.throws(() => substitute(['${workspaceFolder}'], {}), RuntimeError);
  });

  it('passes awkward paths intact (no shell), merges env, records exit code, log and duration', async () => {
    const script = join(dir, 'echo args.js');
    writeFileSync(script, 'console.log(JSON.stringify(process.argv.slice(2))); console.error("env=" + process.env.CUTOVER_T); process.exit(3);');
    const input = join(dir, `in put "quoted" $VAR 'single'`);
    const logFile = join(dir, 'v1.log');
    const result = await runPipeline({ name: 'v1', command: [process.execPath, script, '${input}', 'x;rm -rf y'], values: { input }, cwd: dir, env: { CUTOVER_T: 'yes' }, logFile });
    assert.equal(result.exitCode, 3);
    assert.equal(succeeded(result), false);
    assert.equal(result.cancelled, false);
    assert.ok(result.durationMs > 0);
    const log = readFileSync(logFile, 'utf8').split('\n');
    assert.equal(log[0], `$ ${[process.execPath, script, input, 'x;rm -rf y'].map(quoteForDisplay).join(' ')}`);
    assert.deepEqual(JSON.parse(log[2] ?? ''), [input, 'x;rm -rf y']);
    assert.equal(log[3], 'env=yes');
  });

  it('runs in the given working directory and reports success', async () => {
    const sub = join(dir, 'sub dir');
    mkdirSync(sub);
    const result = await runPipeline({ name: 'v2', command: [process.execPath, '-e', 'console.log(process.cwd())'], values: {}, cwd: sub, logFile: join(dir, 'v2.log') });
    assert.equal(succeeded(result), true);
    assert.equal(readFileSync(join(dir, 'v2.log'), 'utf8').trim().split('\n').at(-1), sub);
  });

  it('names the missing executable, and a missing working directory', async () => {
    await assert.rejects(
      runPipeline({ name: 'v1', command: ['no-such-pipeline-binary', '--x'], values: {}, cwd: dir, logFile: join(dir, 'l.log') }),
      (e: unknown) => e instanceof RuntimeError && e.message.includes('pipeline v1') && e.message.includes('executable "no-such-pipeline-binary" not found'),
    );
    await assert.rejects(
      runPipeline({ name: 'v2', command: ['node'], values: {}, cwd: join(dir, 'nope'), logFile: join(dir, 'l.log') }),
      (e: unknown) => e instanceof RuntimeError && e.message.includes('working directory not found'),
    );
  });

  it('cancelling kills the whole process tree, children included', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    // The pipeline starts a grandchild that would outlive a plain kill of its parent.
    const parent = `
      const { spawn } = require('node:child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      setInterval(() => {}, 1000);`;
    const controller = new AbortController();
    const running = runPipeline({ name: 'v1', command: [process.execPath, '-e', parent], values: {}, cwd: dir, logFile: join(dir, 'c.log'), signal: controller.signal, killGraceMs: 500 });
    let grandchild = 0;
    await waitFor(() => {
      try {
        grandchild = Number(readFileSync(pidFile, 'utf8'));
        return grandchild > 0;
      } catch {
        return false;
      }
    }, 5000);
    assert.ok(alive(grandchild));
    controller.abort();
    const result = await running;
    assert.equal(result.cancelled, true);
    assert.equal(result.exitCode, null);
    assert.equal(result.signal, 'SIGTERM');
    await waitFor(() => !alive(grandchild), 3000);
  });
});
