import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseEngineFlags } from '../../../src/cli/engine-options';
import { CompareSchema } from '../../../src/core/config/schema';
import { openEngine } from '../../../src/core/engine/duckdb';
import { defaultMemoryLimit, duckdbMemorySetting, memorySetting, parseMemoryLimit } from '../../../src/core/engine/memory';
import { UsageError } from '../../../src/core/errors';

const GiB = 2 ** 30;

describe('engine/memory: --memory-limit', () => {
  it('reads sizes in decimal and binary units, and shares of RAM', () => {
    assert.equal(parseMemoryLimit('4GB'), 4e9);
    assert.equal(parseMemoryLimit('512mib'), 512 * 2 ** 20);
    assert.equal(parseMemoryLimit(' 1.5 GiB '), 1.5 * GiB);
    assert.equal(parseMemoryLimit('25%', 16 * GiB), 4 * GiB);
    assert.equal(defaultMemoryLimit(24 * GiB), 12 * GiB);
  });

  it('refuses what DuckDB would misread or cannot run with', () => {
    for (const bad of ['4', 'four GB', '4 GBs', '-1GB', '0%', '150%', '10MB', '']) {
      assert.throws(() => parseMemoryLimit(bad, 16 * GiB), /memory limit/, bad);
    }
  });

  it('becomes a DuckDB setting, and the CLI flag error names the flag', () => {
    assert.equal(duckdbMemorySetting(4 * GiB), '4096MiB');
    // The process limit less the reserve for Node and allocations outside DuckDB's pool (25%, at least 256 MiB).
    assert.deepEqual(parseEngineFlags({ memoryLimit: '2GiB', tempDir: 'spill' }, '/work'), { memoryLimit: '1536MiB', spillParent: '/work/spill', preserveInsertionOrder: false });
    assert.equal(memorySetting('10GiB'), '7680MiB');
    assert.throws(() => parseEngineFlags({ memoryLimit: 'lots' }, '/work'), (e: unknown) => e instanceof UsageError && e.message.startsWith('--memory-limit:'));
  });

  it('is checked by the same parser in cutover.json (compare.memoryLimit)', () => {
    assert.equal(CompareSchema.safeParse({ keys: ['id'], memoryLimit: '4GB', tempDirectory: 'spill' }).success, true);
    const bad = CompareSchema.safeParse({ keys: ['id'], memoryLimit: 'lots' });
    assert.equal(bad.success, false);
    assert.match(bad.error?.issues[0]?.message ?? '', /memory limit must be a size such as 4GB/);
    assert.deepEqual(bad.error?.issues[0]?.path, ['memoryLimit']);
  });

  it('is applied by DuckDB', async () => {
    const engine = await openEngine({ threads: 1, memoryLimit: duckdbMemorySetting(parseMemoryLimit('300MiB')) });
    try {
      const r = await engine.rows("SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t");
      assert.match(String(r[0]?.['m']), /^(300\.0 MiB|314\.5 MB)$/);
      assert.equal(r[0]?.['t'], engine.spillDirectory);
    } finally {
      engine.close();
    }
  });
});

/**
 * A real child process runs work through the CLI's withEngine (the path `cutover compare` takes) with its spill
 * folder under `parent`, prints the folder, and then succeeds, fails, or runs until it is signalled.
 */
function child(parent: string, work: 'succeed' | 'fail' | 'hang'): ReturnType<typeof spawn> {
  const root = join(__dirname, '..', '..', '..');
  const script = `
    const { withEngine } = require(${JSON.stringify(join(root, 'src', 'cli', 'withEngine'))});
    const progress = { stop() {}, phase() {} };
    const sql = { succeed: 'SELECT 42', fail: 'SELECT nope', hang: 'SELECT count(*) FROM range(100000000000) a WHERE hash(a.range) % 7 = 3' }[${JSON.stringify(work)}];
    withEngine(progress, undefined, async (engine) => {
      process.stdout.write(engine.spillDirectory + '\\n');
      await engine.rows(sql);
    }, { threads: 1, spillParent: ${JSON.stringify(parent)} }).then(() => { process.exitCode = 0; }, (e) => { process.stderr.write(String(e.message) + '\\n'); process.exitCode = 4; });
  `;
  return spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

function run(parent: string, work: 'succeed' | 'fail' | 'hang', signal?: NodeJS.Signals): Promise<{ code: number | null; spill: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = child(parent, work);
    let out = '';
    let stderr = '';
    p.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (signal && out.includes('\n')) {
        const spill = out.trim();
        assert.ok(existsSync(spill), 'the spill folder exists while the engine is open');
        // Give DuckDB a moment inside the query before the signal.
        setTimeout(() => p.kill(signal), 300);
      }
    });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, spill: out.trim(), stderr }));
  });
}

describe('engine/memory: the spill folder is removed', function () {
  this.timeout(30_000);
  let parent: string;
  beforeEach(() => { parent = mkdtempSync(join(tmpdir(), 'cutover-spill-test-')); });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  for (const [work, signal, code] of [['succeed', undefined, 0], ['fail', undefined, 4], ['hang', 'SIGTERM', 4], ['hang', 'SIGINT', 4]] as const) {
    it(`after ${signal ? `${signal} during a query` : work === 'succeed' ? 'success' : 'failure'}`, async () => {
      const r = await run(parent, work, signal);
      assert.equal(r.code, code, r.stderr);
      assert.ok(r.spill.startsWith(join(parent, 'cutover-spill-')), r.spill);
      assert.deepEqual(readdirSync(parent), [], 'nothing left in the spill parent');
      if (signal) assert.match(r.stderr, new RegExp(`^stopped by ${signal}`));
    });
  }
});

/**
 * cutover shadow's compare engine (core/pipeline/compare-outputs.ts) takes its spill folder from
 * compare.tempDirectory and is cancelled through the CLI's one cancelOnSignals: Cancel (SIGTERM) while it compares
 * 4M-row loan outputs must leave that folder empty, as Ctrl+C (SIGINT) does, and record the run stopped (exit 2).
 */
describe('engine/memory: cutover shadow releases its compare engine\'s spill folder when cancelled', function () {
  this.timeout(90_000);
  let ws: string;
  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'cutover-shadow-spill-'));
    const engine = await openEngine({ threads: 2 });
    try {
      mkdirSync(join(ws, 'made'));
      await engine.exec(`COPY (SELECT i AS loan_id, (i % 997) * 1.5 AS balance, 'L' || i AS ref, i % 13 AS dpd FROM range(4000000) t(i)) TO '${join(ws, 'made', 'loans.parquet')}' (FORMAT parquet)`);
    } finally {
      engine.close();
    }
    writeFileSync(join(ws, 'made', 'kpis.csv'), 'segment,kpi,value\ntotal,loans,4000000\n');
    writeFileSync(join(ws, 'in.csv'), 'x\n1\n');
    const pipeline = { command: ['sh', '-c', 'cp "$0"/loans.parquet "$0"/kpis.csv "$1"', join(ws, 'made'), '${output}'], outputs: { kpis: { path: 'kpis.csv', format: 'csv' }, loans: { path: 'loans.parquet' } } };
    writeFileSync(join(ws, 'cutover.json'), JSON.stringify({
      pipelines: { v1: pipeline, v2: pipeline },
      inputs: { in: { path: 'in.csv' } },
      defaultInput: 'in',
      compare: { keys: ['loan_id'], tempDirectory: 'spill' },
    }));
    mkdirSync(join(ws, 'spill'));
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} during the compare`, async () => {
      const tsx = pathToFileURL(join(__dirname, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
      const child = spawn(process.execPath, ['--import', tsx, join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts'), 'shadow'], { cwd: ws, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
      const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      // The engine exists once its spill folder does; a moment later it is inside the loans join.
      for (const until = Date.now() + 60_000; readdirSync(join(ws, 'spill')).length === 0; await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() > until) throw new Error(`the compare engine never started: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 300));
      child.kill(signal);
      assert.equal(await exited, 2, stderr);
      assert.match(stderr, new RegExp(`stopped by ${signal}`));
      assert.deepEqual(readdirSync(join(ws, 'spill')), [], 'the spill folder is gone');
    });
  }
});
