import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexEntryOf } from '../../../src/core/runs/indexEntry';
import { indexFileOf, RunIndex } from '../../../src/core/runs/indexFile';
import type { RunRecord } from '../../../src/core/runs/record';
import { RunStore } from '../../../src/core/runs/store';

const kpiLine = (kpi: string, segment: string, relVariance: number | null, verdict: 'pass' | 'inconclusive' | 'fail') => ({
  segment, kpi, v1: 100, v2: relVariance === null ? null : 100 * (1 + relVariance), delta: relVariance === null ? null : 100 * relVariance,
  relVariance, tolerance: { abs: 0, passLine: 0.002, failLine: 0.02 }, verdict, reason: 'r',
});

async function land(store: RunStore, kind = 'shadow', verdict: 'pass' | 'fail' = 'pass'): Promise<RunRecord> {
  const run = await store.begin(kind);
  return run.finish({ verdict: { verdict, reasons: [`${kind} ${verdict}`] } });
}

function indexLines(store: RunStore): string[] {
  return readFileSync(indexFileOf(store.root), 'utf8').split('\n').filter((l) => l !== '');
}

describe('runs/index', () => {
  let ws: string;
  let warnings: string[];
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'cutover-index-'));
    warnings = [];
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const indexOf = (store: RunStore): RunIndex => new RunIndex(store.root, (id) => store.read(id), (m) => warnings.push(m));

  it('appends a line when a run lands, and lists the landed runs newest first', async () => {
    const store = new RunStore(ws);
    const a = await land(store, 'shadow', 'fail');
    const b = await land(store, 'reconcile');
    assert.equal(indexLines(store).length, 2);
    const entries = await indexOf(store).entries();
    assert.deepEqual(entries.map((e) => [e.id, e.kind, e.outcome]), [[b.id, 'reconcile', 'pass'], [a.id, 'shadow', 'fail']]);
    assert.deepEqual(entries[1]?.reasons, ['shadow fail']);
    assert.deepEqual(warnings, []);
  });

  it('keeps per KPI the largest variance over its segments, the worst verdict, and the lines the run was judged by', () => {
    const record = {
      schemaVersion: 1, id: '20260101-000000-000-aaaaaa', kind: 'shadow', status: 'complete', startedAt: '2026-01-01T00:00:00Z',
      phases: [], inputs: [], outputs: [], thresholds: {}, versions: { cutover: 't', node: 'v' },
      commands: [{ name: 'v1', argv: [], cwd: '/', exitCode: 0, ms: 1500, log: 'logs/v1.log' }, { name: 'v2', argv: [], cwd: '/', exitCode: 1, ms: 10 }],
      verdict: { verdict: 'fail', reasons: ['x'] },
      results: { kpis: { verdict: 'fail', counts: { total: 3, pass: 1, inconclusive: 0, fail: 2, noise: 0 }, kpis: [
        kpiLine('balance', 'total', 0.0005, 'pass'), kpiLine('balance', 'product=auto', -0.03, 'fail'), kpiLine('dpd30', 'total', null, 'fail'),
      ] } },
    } as unknown as RunRecord;
    const entry = indexEntryOf(record);
    assert.deepEqual(entry.kpis, { balance: { variance: 0.03, verdict: 'fail' }, dpd30: { variance: null, verdict: 'fail' } });
    assert.deepEqual(entry.lines, { pass: 0.002, fail: 0.02 });
    assert.deepEqual(entry.figures, { pipelineSeconds: { v1: 1.5 } }, 'only pipelines that succeeded have a latency');
    assert.deepEqual(entry.logs, [{ name: 'v1', path: 'logs/v1.log' }]);
  });

  it('builds a missing index from the run folders, once', async () => {
    const store = new RunStore(ws);
    const runs = [await land(store), await land(store, 'compare')];
    rmSync(indexFileOf(store.root));
    const entries = await indexOf(store).entries();
    assert.deepEqual(entries.map((e) => e.id), runs.map((r) => r.id).reverse());
    assert.equal(indexLines(store).length, 2);
    await indexOf(store).entries();
    assert.equal(indexLines(store).length, 2, 'a second reader finds nothing to add');
  });

  it('drops a run whose folder was deleted behind its back (a stale index)', async () => {
    const store = new RunStore(ws);
    const kept = await land(store);
    const gone = await land(store);
    const index = indexOf(store);
    assert.equal((await index.entries()).length, 2);
    rmSync(store.runDir(gone.id), { recursive: true });
    assert.deepEqual((await index.entries()).map((e) => e.id), [kept.id]);
    assert.deepEqual((await indexOf(store).entries()).map((e) => e.id), [kept.id], 'the removal is on disk for the next reader');
    assert.match(indexLines(store).at(-1) ?? '', /"deleted":true/);
  });

  it('RunStore.delete appends a removal line', async () => {
    const store = new RunStore(ws);
    const a = await land(store);
    await store.delete(a.id);
    assert.match(indexLines(store).at(-1) ?? '', new RegExp(`"id":"${a.id}","deleted":true`));
    assert.deepEqual(await indexOf(store).entries(), []);
  });

  it('rebuilds after a torn last line, with a log line naming the file', async () => {
    const store = new RunStore(ws);
    const a = await land(store);
    const b = await land(store);
    // A writer killed in the middle of its line.
    const file = indexFileOf(store.root);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 20));
    const entries = await indexOf(store).entries();
    assert.deepEqual(entries.map((e) => e.id), [b.id, a.id]);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]?.includes(file), warnings[0]);
    assert.match(warnings[0] ?? '', /torn/);
    assert.ok(readFileSync(file, 'utf8').endsWith('}\n'));
    assert.equal(indexLines(store).length, 2);
  });

  it('rebuilds a corrupt line in the middle from its run folder', async () => {
    const store = new RunStore(ws);
    const a = await land(store, 'shadow', 'fail');
    const b = await land(store);
    const file = indexFileOf(store.root);
    const [first, second] = indexLines(store);
    writeFileSync(file, `${first?.slice(0, 30)}garbage\n${second}\n`);
    const entries = await indexOf(store).entries();
    assert.deepEqual(entries.map((e) => [e.id, e.outcome]), [[b.id, 'pass'], [a.id, 'fail']]);
    assert.match(warnings[0] ?? '', /line 1/);
  });

  it('reads only what was appended since, and sees a run another process landed', async () => {
    const store = new RunStore(ws);
    await land(store);
    const index = indexOf(store);
    assert.equal((await index.entries()).length, 1);
    const other = await land(new RunStore(ws), 'load');
    assert.equal((await index.entries())[0]?.id, other.id);
    // A half-written line at the end is left for the next read, not taken for corruption.
    appendFileSync(indexFileOf(store.root), '{"v":1,"id":"2026');
    assert.equal((await index.entries()).length, 2);
  });

  it('leaves out a run folder whose run.json is invalid, and says which', async () => {
    const store = new RunStore(ws);
    const good = await land(store);
    const bad = await land(store);
    rmSync(indexFileOf(store.root));
    writeFileSync(join(store.runDir(bad.id), 'run.json'), '{ not json');
    const index = indexOf(store);
    assert.deepEqual((await index.entries()).map((e) => e.id), [good.id]);
    assert.ok(index.problems.has(bad.id));
    assert.ok(warnings.some((w) => w.includes(bad.id)));
  });

  it('keeps every line whole when processes land runs at once', async function () {
    this.timeout(60_000);
    const PROCESSES = 4;
    const RUNS = 6;
    const script = `const { RunStore } = require(${JSON.stringify(join(__dirname, '../../../src/core/runs/store'))});
      (async () => { for (let i = 0; i < ${RUNS}; i++) { const r = await new RunStore(process.argv[1]).begin('shadow');
        await r.finish({ verdict: { verdict: 'pass', reasons: ['x'.repeat(3000)] } }); } })();`;
    const run = () => new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script, ws], { stdio: 'inherit' });
      child.on('exit', (code) => resolve(code ?? -1));
    });
    assert.deepEqual(await Promise.all(Array.from({ length: PROCESSES }, run)), Array(PROCESSES).fill(0));
    const store = new RunStore(ws);
    const lines = indexLines(store);
    assert.equal(lines.length, PROCESSES * RUNS);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line.slice(0, 80));
    assert.equal((await indexOf(store).entries()).length, PROCESSES * RUNS);
    assert.deepEqual(warnings, []);
    assert.equal(existsSync(join(store.root, '.lock')), false);
  });

  it('RunStore.latest and ofKind find runs through the index, reading only the run.json they return', async () => {
    const store = new RunStore(ws);
    const older = await land(store, 'shadow', 'fail');
    const reconcile = await land(store, 'reconcile');
    const newer = await land(store, 'shadow');
    const failed = await (await store.begin('reconcile')).fail(new Error('boom'));
    assert.equal((await store.latest('shadow'))?.id, newer.id);
    assert.equal((await store.latest('reconcile'))?.id, failed.id);
    assert.equal((await store.latest('reconcile', 'complete'))?.id, reconcile.id);
    assert.equal(await store.latest('soak'), undefined);
    assert.deepEqual((await store.ofKind('shadow')).map((r) => r.id), [newer.id, older.id]);
    // An unrelated run whose run.json is damaged is never read.
    writeFileSync(join(store.runDir(reconcile.id), 'run.json'), '{ not json');
    assert.equal((await store.latest('shadow'))?.id, newer.id);
  });

  it('a reopened run leaves the index until it lands again', async () => {
    const store = new RunStore(ws);
    const run = await store.begin('soak');
    const id = run.id;
    // Killed: its folder is recovered as interrupted.
    writeFileSync(join(run.dir, 'pid'), '999999999\n');
    await store.recoverInterrupted();
    assert.deepEqual((await indexOf(store).entries()).map((e) => [e.id, e.outcome]), [[id, 'interrupted']]);
    const again = await store.reopen(id, 'soak');
    assert.deepEqual(await indexOf(store).entries(), []);
    await again.finish({ verdict: { verdict: 'pass', reasons: [] } });
    assert.deepEqual((await indexOf(store).entries()).map((e) => [e.id, e.outcome]), [[id, 'pass']]);
  });
});
