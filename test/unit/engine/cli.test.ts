import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunRecord } from '../../../src/core/runs/record';
import { runCli } from '../cli';
import { tempDir, useEngine, writeTable } from './helpers';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'engine');

const run = (cwd: string, argv: string[]) => runCli(argv, cwd);

function runFolders(cwd: string): string[] {
  const root = join(cwd, '.cutover', 'runs');
  return existsSync(root) ? readdirSync(root).filter((n) => n !== 'index.jsonl').sort() : [];
}

describe('cli: compare, reconcile, perturb', () => {
  const fx = useEngine('cutover-cli-');
  before(async () => {
    await writeTable(fx.engine, 'SELECT id, id * 1.5::DOUBLE AS balance, (id % 4)::INTEGER AS dpd FROM range(1, 1001) t(id)', join(fx.dir, 'v1.parquet'));
    await writeTable(fx.engine, 'SELECT id, CASE WHEN id % 100 = 0 THEN id * 1.5::DOUBLE + 1 ELSE id * 1.5::DOUBLE END AS balance, (id % 4)::INTEGER AS dpd FROM range(2, 1003) t(id)', join(fx.dir, 'v2.parquet'));
  });

  it('compare --json: exit 1 on differences, the documented shape, and a complete run record', async () => {
    const cwd = tempDir('cutover-cli-ws-');
    try {
      const r = await run(cwd.dir, ['compare', join(fx.dir, 'v1.parquet'), join(fx.dir, 'v2.parquet'), '--key', 'id', '--json']);
      assert.equal(r.code, 1, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.verdict, 'fail');
      assert.deepEqual(doc.rows, { v1: 1000, v2: 1001, matched: 999, onlyV1: 1, onlyV2: 2, changed: 10, duplicateKeysV1: 0, duplicateKeysV2: 0, excludedV1: 0, excludedV2: 0, nullKeysV1: 0, nullKeysV2: 0 });
      assert.deepEqual(doc.columns.map((c: { name: string; mismatches: number; nullMismatches: number; maxAbsDiff: number }) => [c.name, c.mismatches, c.nullMismatches, c.maxAbsDiff]), [['balance', 10, 0, 1], ['dpd', 0, 0, 0]]);
      assert.equal(doc.schema.identical, true);
      assert.equal(runFolders(cwd.dir).length, 1);
      assert.equal(doc.runId, runFolders(cwd.dir)[0]);
      assert.equal(doc.runDir, join(cwd.dir, '.cutover', 'runs', doc.runId));
      assert.equal(doc.mismatches.path, join(doc.runDir, 'mismatches.parquet'));
      assert.ok(existsSync(doc.mismatches.path));
      const record = RunRecord.parse(JSON.parse(readFileSync(join(doc.runDir, 'run.json'), 'utf8')));
      assert.equal(record.status, 'complete');
      assert.equal(record.kind, 'compare');
      assert.equal(record.verdict?.verdict, 'fail');
      assert.deepEqual(record.inputs.map((i) => [i.role, i.rows]), [['v1', 1000], ['v2', 1001]]);
      assert.match(record.inputs[0]?.sha256 ?? '', /^[0-9a-f]{64}$/);
      assert.deepEqual(record.outputs.map((o) => [o.path, o.rows]), [['mismatches.parquet', 13]]);
      assert.ok(record.versions.duckdb?.startsWith('v1.'));
    } finally {
      cwd.cleanup();
    }
  });

  it('compare: exit 0 for identical tables with human output; --no-record writes nothing', async () => {
    const cwd = tempDir('cutover-cli-ws-');
    try {
      const r = await run(cwd.dir, ['compare', join(fx.dir, 'v1.parquet'), join(fx.dir, 'v1.parquet'), '--key', 'id', '--no-record']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^verdict: PASS — 1000 rows match on 2 compared columns$/m);
      assert.deepEqual(runFolders(cwd.dir), []);
      const tolerant = await run(cwd.dir, ['compare', join(fx.dir, 'v1.parquet'), join(fx.dir, 'v2.parquet'), '--key', 'id', '--abs-tol', '1', '--json', '--no-record']);
      assert.equal(JSON.parse(tolerant.stdout).rows.changed, 0);
    } finally {
      cwd.cleanup();
    }
  });

  it('compare --kpis: exit 2 when the worst KPI is inconclusive, 1 when one fails', async () => {
    const cwd = tempDir('cutover-cli-ws-');
    try {
      const v1 = join(fixtures, 'kpis-v1.csv');
      const v2 = join(fixtures, 'kpis-v2.csv');
      const failing = await run(cwd.dir, ['compare', v1, v2, '--kpis', '--json', '--no-record']);
      assert.equal(failing.code, 1);
      const doc = JSON.parse(failing.stdout);
      const loans = doc.kpis.find((k: { kpi: string }) => k.kpi === 'loans');
      assert.deepEqual(
        { segment: loans.segment, v1: loans.v1, v2: loans.v2, relVariance: loans.relVariance, verdict: loans.verdict, reason: loans.reason },
        { segment: 'total', v1: 4, v2: null, relVariance: null, verdict: 'fail', reason: 'missing in V2' },
      );
      const lenient = await run(cwd.dir, ['compare', v1, v2, '--kpis', '--pass-line', '0.005', '--fail-line', '0.3', '--json', '--no-record']);
      // Only the missing KPIs fail; with them it is still 1.
      assert.equal(lenient.code, 1);
      writeFileSync(join(cwd.dir, 'a.csv'), 'segment,kpi,value\ntotal,x,100\n');
      writeFileSync(join(cwd.dir, 'b.csv'), 'segment,kpi,value\ntotal,x,100.5\n');
      const inc = await run(cwd.dir, ['compare', 'a.csv', 'b.csv', '--kpis']);
      assert.equal(inc.code, 2);
      assert.match(inc.stdout, /variance 0.50% > pass line 0.10%, ≤ fail line 1.00%/);
      assert.equal(runFolders(cwd.dir).length, 1);
    } finally {
      cwd.cleanup();
    }
  });

  it('errors: exit 3 for usage and config, 4 for bad input; a failed run is recorded whole, never half', async () => {
    const cwd = tempDir('cutover-cli-ws-');
    try {
      writeFileSync(join(cwd.dir, 'bad.parquet'), 'not parquet');
      writeFileSync(join(cwd.dir, 'ragged.csv'), 'id,x\n1,2\n2,3,4\n');
      const v1 = join(fx.dir, 'v1.parquet');
      const noKey = await run(cwd.dir, ['compare', v1, v1]);
      assert.equal(noKey.code, 3);
      assert.deepEqual(runFolders(cwd.dir), []);
      const wrongKey = await run(cwd.dir, ['compare', v1, v1, '--key', 'nope']);
      assert.equal(wrongKey.code, 3);
      assert.match(wrongKey.stderr, /key column "nope" is not in V1/);

      const corrupt = await run(cwd.dir, ['compare', 'bad.parquet', v1, '--key', 'id']);
      assert.equal(corrupt.code, 4);
      assert.ok(corrupt.stderr.includes(join(cwd.dir, 'bad.parquet')), corrupt.stderr);
      const ragged = await run(cwd.dir, ['compare', 'ragged.csv', v1, '--key', 'id']);
      assert.equal(ragged.code, 4);
      assert.ok(ragged.stderr.includes(`${join(cwd.dir, 'ragged.csv')}:3: expected 2 fields, found 3`), ragged.stderr);
      const missing = await run(cwd.dir, ['compare', 'missing.parquet', v1, '--key', 'id']);
      assert.equal(missing.code, 4);
      assert.ok(missing.stderr.includes(`${join(cwd.dir, 'missing.parquet')}: file not found`), missing.stderr);

      // Every attempt after the usage errors left exactly one complete, failed record and no temp folder.
      const folders = runFolders(cwd.dir);
      assert.equal(folders.length, 4);
      assert.deepEqual(folders.filter((f) => f.startsWith('.')), []);
      for (const f of folders) {
        const record = RunRecord.parse(JSON.parse(readFileSync(join(cwd.dir, '.cutover', 'runs', f, 'run.json'), 'utf8')));
        assert.equal(record.status, 'failed');
        assert.equal(record.verdict?.verdict, 'error');
      }
    } finally {
      cwd.cleanup();
    }
  });

  it('reconcile --json over hive partitions and perturb through main()', async () => {
    const cwd = tempDir('cutover-cli-ws-');
    try {
      for (const [side, f] of [['v1', 1], ['v2', 1.02]] as const) {
        for (const [i, day] of ['2025-02-01', '2025-02-02', '2025-02-03'].entries()) {
          const factor = i === 2 ? f : 1;
          const dir = join(cwd.dir, side, `as_of_date=${day}`);
          mkdirSync(dir, { recursive: true });
          await writeTable(fx.engine, `SELECT 'total' AS segment, 'balance' AS kpi, ${1000 * factor}::DOUBLE AS value`, join(dir, 'k.parquet'));
        }
      }
      const r = await run(cwd.dir, ['reconcile', 'v1', 'v2', '--date-column', 'as_of_date', '--days', '3', '--json']);
      assert.equal(r.code, 1, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.deepEqual(doc.summary, { days: 3, daysPassing: 2, worstDay: '2025-02-03', worstKpi: 'balance (total)', verdict: 'fail' });
      assert.equal(doc.kpis.length, 1);
      assert.equal(runFolders(cwd.dir).length, 1);

      const p = await run(cwd.dir, ['perturb', join(fx.dir, 'v1.parquet'), '--out', 'out', '--rows', '50', '--key', 'id', '--seed', '3', '--json']);
      assert.equal(p.code, 0, p.stderr);
      assert.deepEqual(JSON.parse(p.stdout).variants.map((v: { name: string; rows: number }) => [v.name, v.rows]), [['scaled', 50], ['nulls', 1000], ['outliers', 1000], ['boundary', 11]]);
      assert.equal((await run(cwd.dir, ['perturb', 'x.parquet', '--out', 'o', '--variants', 'nope'])).code, 3);
    } finally {
      cwd.cleanup();
    }
  });
});
