import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Files } from '../../../src/core/runs/hash';
import { withLock } from '../../../src/core/runs/lock';
import type { RunRecord } from '../../../src/core/runs/record';
import { runJsonSchemaText } from '../../../src/core/runs/record';
import { newRunId } from '../../../src/core/runs/id';
import { RunStore } from '../../../src/core/runs/store';
import { INDEX_FILE } from '../../../src/core/runs/indexFile';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

describe('runs/store', () => {
  let ws: string;
  beforeEach(() => { ws = mkdtempSync(join(tmpdir(), 'cutover-runs-')); });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('lists a run in progress until it is finished', async () => {
    const store = new RunStore(ws);
    const run = await store.begin('shadow');
    assert.deepEqual((await store.running()).map((r) => [r.id, r.status]), [[run.id, 'running']]);
    assert.deepEqual(await store.list(), [], 'a live run is not recovered as interrupted');
    await run.finish();
    assert.deepEqual(await store.running(), []);
  });

  it('records command lines with the paths their files have after the rename', async () => {
    const store = new RunStore(ws);
    const run = await store.begin('shadow');
    run.addCommand({ name: 'v1', argv: ['node', 'p.mjs', '--output', join(run.dir, 'v1')], cwd: run.dir, exitCode: 0, ms: 1 });
    const record = await run.finish();
    assert.deepEqual(record.commands[0]?.argv, ['node', 'p.mjs', '--output', join(store.runDir(run.id), 'v1')]);
    assert.equal(record.commands[0]?.cwd, store.runDir(run.id));
  });

  it('writes a run in a temp folder and renames it into place with run.json', async () => {
    const store = new RunStore(ws);
    const run = await store.begin('compare', { argv: ['cutover', 'compare'], thresholds: { abs: 0 } });
    assert.ok(run.dir.includes('.tmp-'));
    assert.equal(JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8')).status, 'running');
    assert.equal(readFileSync(join(run.dir, 'pid'), 'utf8').trim(), String(process.pid));
    writeFileSync(run.logPath('v1'), 'hello\n');
    writeFileSync(join(run.dir, 'out.txt'), 'abc');
    await run.addFile('outputs', join(run.dir, 'out.txt'), { role: 'x', rows: 1 });
    run.addCommand({ name: 'v1', argv: ['echo'], cwd: ws, exitCode: 0, ms: 5, log: run.logPath('v1') });
    await run.phase('work', async () => undefined);
    const record = await run.finish({ verdict: { verdict: 'pass', reasons: ['ok'] }, results: { input: { path: 'in.parquet' } } });
    assert.equal(record.status, 'complete');
    assert.deepEqual(record.outputs, [{ path: 'out.txt', role: 'x', rows: 1, sha256: createHash('sha256').update('abc').digest('hex'), bytes: 3 }]);
    assert.equal(record.commands[0]?.log, join('logs', 'v1.log'));
    assert.deepEqual(record.phases.map((p) => p.name), ['work']);
    assert.deepEqual(readdirSync(store.root).filter((n) => n !== INDEX_FILE), [run.id]);
    assert.deepEqual(readdirSync(store.runDir(run.id)).sort(), ['logs', 'out.txt', 'run.json']);
    assert.deepEqual(await store.read(run.id), record);
    assert.deepEqual((await store.list()).map((r) => r.id), [run.id]);
    await store.delete(run.id);
    assert.deepEqual(await store.list(), []);
  });

  it('records a failed run atomically with the error', async () => {
    const store = new RunStore(ws);
    const run = await store.begin('compare');
    const record = await run.fail(new Error('boom'));
    assert.equal(record.status, 'failed');
    assert.deepEqual(record.verdict, { verdict: 'error', reasons: ['boom'] });
    assert.deepEqual(record.error, { message: 'boom' });
    assert.deepEqual(readdirSync(store.root).filter((n) => n !== INDEX_FILE), [run.id]);
  });

  it('lets concurrent runs in one workspace complete intact and distinct', async () => {
    const store = new RunStore(ws);
    const runs = await Promise.all(Array.from({ length: 8 }, () => store.begin('shadow')));
    await Promise.all(runs.map(async (run, i) => {
      writeFileSync(join(run.dir, 'data.txt'), `run ${i}`);
      await run.finish({ verdict: { verdict: 'pass', reasons: [`run ${i}`] } });
    }));
    const listed = await store.list();
    assert.equal(new Set(listed.map((r) => r.id)).size, 8);
    for (const [i, run] of runs.entries()) {
      assert.equal(readFileSync(join(store.runDir(run.id), 'data.txt'), 'utf8'), `run ${i}`);
      assert.deepEqual((await store.read(run.id)).verdict?.reasons, [`run ${i}`]);
    }
  });

  it('lets two processes record runs at once', async () => {
    const script = `const { RunStore } = require(${JSON.stringify(join(__dirname, '../../../src/core/runs/store'))});
      (async () => { const s = new RunStore(process.argv[1]); const r = await s.begin('shadow');
        require('fs').writeFileSync(require('path').join(r.dir, 'who'), String(process.pid));
        await new Promise((ok) => setTimeout(ok, 100)); await r.finish({ verdict: { verdict: 'pass', reasons: [] } }); })();`;
    const run = () => new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script, ws], { stdio: 'inherit' });
      child.on('exit', (code) => resolve(code ?? -1));
    });
    assert.deepEqual(await Promise.all([run(), run()]), [0, 0]);
    const store = new RunStore(ws);
    const runs = await store.list();
    assert.equal(runs.length, 2);
    const whos = runs.map((r) => readFileSync(join(store.runDir(r.id), 'who'), 'utf8'));
    assert.notEqual(whos[0], whos[1]);
    assert.deepEqual(readdirSync(store.root).filter((n) => n.startsWith('.')), []);
  });

  it('recovers the temp folder of a dead process as interrupted when asked, and leaves a live one alone', async () => {
    const store = new RunStore(ws);
    const live = await store.begin('shadow');
    const deadId = newRunId();
    const dead = join(store.root, `.tmp-${deadId}`);
    mkdirSync(dead);
    writeFileSync(join(dead, 'pid'), `${deadPid()}\n`);
    const partial: RunRecord = {
      schemaVersion: 1, id: deadId, kind: 'shadow', status: 'running', startedAt: new Date().toISOString(),
      phases: [{ name: 'v1', ms: 3 }], commands: [], inputs: [], outputs: [], thresholds: {}, versions: { cutover: 'dev', node: process.version }, results: {},
    };
    writeFileSync(join(dead, 'run.json'), JSON.stringify(partial));
    assert.deepEqual(await store.list(), [], 'list() only reads');
    assert.ok(existsSync(dead));
    assert.deepEqual(await store.recoverInterrupted(), [deadId]);
    const runs = await store.list();
    assert.deepEqual(runs.map((r) => [r.id, r.status]), [[deadId, 'interrupted']]);
    assert.deepEqual(runs[0]?.phases, [{ name: 'v1', ms: 3 }]);
    assert.ok(existsSync(live.dir));
    assert.equal(existsSync(join(store.runDir(deadId), 'pid')), false);
    await live.finish();
    assert.equal((await store.list()).length, 2);
  });

  it('marks a run whose process was killed (SIGKILL) as interrupted, at the next run\'s start, not when listed', async () => {
    // A real process begins a run, says so, and waits; kill -9 leaves its temp folder as it was.
    const script = `const { RunStore } = require(${JSON.stringify(join(__dirname, '../../../src/core/runs/store'))});
      (async () => { const r = await new RunStore(process.argv[1]).begin('shadow'); process.stdout.write(r.id + '\\n');
        setInterval(() => undefined, 1000); })();`;
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script, ws], { stdio: ['ignore', 'pipe', 'inherit'] });
    const id = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`the child exited (${code}) before beginning its run`)));
    });
    const store = new RunStore(ws);
    assert.deepEqual((await store.running()).map((r) => r.id), [id]);
    await new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      child.kill('SIGKILL');
    });
    assert.deepEqual(await store.running(), [], 'a dead process runs nothing');
    assert.deepEqual(await store.list(), [], 'list() does not rewrite the store');
    assert.ok(existsSync(join(store.root, `.tmp-${id}`)), 'the killed run stays as it was until recovered');
    const next = await store.begin('compare');
    const interrupted = await store.read(id);
    assert.equal(interrupted.status, 'interrupted');
    assert.equal(interrupted.kind, 'shadow');
    assert.ok(interrupted.endedAt);
    await next.finish();
    assert.deepEqual((await store.list()).map((r) => r.status).sort(), ['complete', 'interrupted']);
  });

  it('begins a run under an id the caller chose, refusing a malformed or taken one', async () => {
    const store = new RunStore(ws);
    const id = newRunId();
    const run = await store.begin('shadow', { id });
    assert.equal(run.id, id);
    await run.finish();
    assert.equal((await store.read(id)).id, id);
    await assert.rejects(store.begin('shadow', { id }), /run .* already exists/);
    await assert.rejects(store.begin('shadow', { id: 'latest' }), /not a run id: latest \(expected YYYYMMDD-HHMMSS-mmm-xxxxxx/);
    assert.deepEqual((await store.list()).map((r) => r.id), [id]);
  });

  it('fingerprints the store: busy while a run is in progress, names changing when it lands, idle after a crash', async () => {
    const store = new RunStore(ws);
    assert.deepEqual(await store.fingerprint(), { names: '', busy: false });
    const run = await store.begin('compare');
    const during = await store.fingerprint();
    assert.equal(during.busy, true);
    // A run in progress that rewrites its record changes the fingerprint. File times advance in clock ticks, not
    // instantly: first wait (bounded) until a file written now gets a later time than the record has.
    const written = statSync(join(run.dir, 'run.json')).mtimeMs;
    const probe = join(ws, 'clock-probe');
    const deadline = Date.now() + 2000;
    do writeFileSync(probe, ''); while (statSync(probe).mtimeMs <= written && Date.now() < deadline);
    assert.ok(statSync(probe).mtimeMs > written, 'the file system clock moved on within 2 s');
    rmSync(probe);
    await run.progress({ step: 1 });
    assert.notEqual((await store.fingerprint()).names, during.names);
    assert.deepEqual((await store.running())[0]?.results, { step: 1 });
    await run.finish();
    const after = await store.fingerprint();
    assert.deepEqual(after, { names: run.id, busy: false });
    // A temp folder whose process died is not a run in progress.
    mkdirSync(join(store.root, '.tmp-20260101-000000-000-abcdef'));
    writeFileSync(join(store.root, '.tmp-20260101-000000-000-abcdef', 'pid'), `${deadPid()}\n`);
    assert.equal((await store.fingerprint()).busy, false);
  });

  it('makes sortable, unique run ids', () => {
    const a = newRunId(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)));
    assert.match(a, /^20250102-030405-006-[0-9a-f]{6}$/);
    assert.ok(newRunId(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 7))) > a);
    assert.equal(new Set(Array.from({ length: 200 }, () => newRunId())).size, 200);
  });
});

describe('runs/lock', () => {
  it('takes over a stale lock left by a dead process and releases its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-lock-'));
    const lock = join(dir, '.lock');
    writeFileSync(lock, `${deadPid()}\n`);
    assert.equal(await withLock(lock, async () => readFileSync(lock, 'utf8').split('\n')[0]), String(process.pid));
    assert.equal(existsSync(lock), false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('times out on a lock held by a live process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-lock-'));
    const lock = join(dir, '.lock');
    writeFileSync(lock, `${process.pid}\n`);
    await assert.rejects(withLock(lock, async () => 1, { timeoutMs: 100 }), { name: 'ConflictError' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('runs/hash and schema', () => {
  it('hashes one file as itself and several as the hash of their sorted hashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-hash-'));
    writeFileSync(join(dir, 'a'), 'first');
    writeFileSync(join(dir, 'b'), 'second');
    const h = (s: string) => createHash('sha256').update(s).digest('hex');
    assert.equal(await sha256Files([join(dir, 'a')]), h('first'));
    const expected = h([h('first'), h('second')].sort().join('\n'));
    assert.equal(await sha256Files([join(dir, 'a'), join(dir, 'b')]), expected);
    assert.equal(await sha256Files([join(dir, 'b'), join(dir, 'a')]), expected);
    rmSync(dir, { recursive: true, force: true });
  });

  it('schemas/run.schema.json is up to date (regenerate from runJsonSchemaText in src/core/runs/record.ts)', () => {
    const file = join(__dirname, '..', '..', '..', 'schemas', 'run.schema.json');
    assert.equal(readFileSync(file, 'utf8'), runJsonSchemaText());
  });
});
