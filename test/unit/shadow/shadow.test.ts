/**
 * `cutover shadow`, `gate` and `runs` on a fresh copy of examples/loan-cutover with its 10k sample generated: the
 * run must find exactly the V2 differences documented in the example's README, and the same numbers are derived
 * again here with plain SQL over the generated input and the pipelines' outputs.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReviewStore } from '../../../src/core/reviews/store';
import { runCli } from '../cli';
import { exampleWorkspace, writeFailingV2Config } from './workspace';

const cutover = (cwd: string, ...argv: string[]) => runCli(argv, cwd);

/** Plain SQL over files, through DuckDB directly (not the engine under test). */
async function sql(query: string): Promise<Record<string, unknown>[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(query)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

const runIds = (ws: string) => (existsSync(join(ws, '.cutover', 'runs')) ? readdirSync(join(ws, '.cutover', 'runs')).filter((n) => !n.startsWith('.lock') && n !== 'index.jsonl').sort() : []);

interface ShadowJson {
  runId: string;
  runDir: string;
  status: string;
  verdict: string;
  pipelines: Record<string, { exitCode: number | null; durationMs: number; log: string | null }>;
  kpis: { verdict: string; counts: { total: number; pass: number; inconclusive: number; fail: number }; kpis: { segment: string; kpi: string; v1: number | null; v2: number | null; delta: number | null; relVariance: number | null }[] };
  rows: { rows: Record<string, number>; columns: { name: string; mismatches: number; nullMismatches: number }[] };
  declarative: { comparison: { counts: Record<string, number> }; selfCheck: { v1: { counts: Record<string, number> }; v2: { counts: Record<string, number> } } } | null;
  profiles: { v2: { rows: number; columns: { name: string; nullRate: number }[] } } | null;
  gate: { verdict: string; criteria: { name: string; verdict: string; value: number | null }[] };
}

describe('cutover shadow on the example workspace', function () {
  this.timeout(60_000);
  let ws: string;
  let first: ShadowJson;

  before(() => {
    ws = exampleWorkspace('cutover shadow ws ', ['--rows', '10000']);
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('finds exactly the documented V2 discrepancies', async () => {
    const r = await cutover(ws, 'shadow', '--json');
    assert.equal(r.code, 1, r.stderr);
    first = JSON.parse(r.stdout) as ShadowJson;
    assert.equal(first.status, 'complete');
    assert.equal(first.verdict, 'fail');
    assert.equal(first.pipelines['v1']?.exitCode, 0);
    assert.equal(first.pipelines['v2']?.exitCode, 0);

    // Rows: all 10,000 loans matched; exactly the 120 loans at dpd 30/60/90 (50 + 50 + 20 by construction) change bucket.
    assert.deepEqual(
      { v1: first.rows.rows['v1'], v2: first.rows.rows['v2'], matched: first.rows.rows['matched'], onlyV1: first.rows.rows['onlyV1'], onlyV2: first.rows.rows['onlyV2'], changed: first.rows.rows['changed'], d1: first.rows.rows['duplicateKeysV1'], d2: first.rows.rows['duplicateKeysV2'] },
      { v1: 10000, v2: 10000, matched: 10000, onlyV1: 0, onlyV2: 0, changed: 120, d1: 0, d2: 0 },
    );
    const mismatching = Object.fromEntries(first.rows.columns.filter((c) => c.mismatches > 0).map((c) => [c.name, c.mismatches]));
    assert.deepEqual(mismatching, { bucket: 120 });
    const [boundary] = await sql(`SELECT count(*) FILTER (WHERE days_past_due = 30) AS d30, count(*) FILTER (WHERE days_past_due = 60) AS d60, count(*) FILTER (WHERE days_past_due = 90) AS d90 FROM '${join(ws, 'data', 'sample-10k.parquet')}'`);
    assert.deepEqual(boundary, { d30: '50', d60: '50', d90: '20' });

    // KPIs: 16 segments × 8 KPIs; only dq30/dq60/dq90 move beyond tolerance (README: 41 fail, 5 inconclusive, 82 pass).
    assert.deepEqual(first.kpis.counts, { total: 128, pass: 82, inconclusive: 5, fail: 41, noise: 0 });
    const moved = new Set(first.kpis.kpis.filter((k) => k.delta !== 0).map((k) => k.kpi));
    assert.deepEqual([...moved].sort(), ['dq30', 'dq60', 'dq90', 'outstanding_balance']);
    const total = (kpi: string) => first.kpis.kpis.find((k) => k.segment === 'total' && k.kpi === kpi);
    assert.deepEqual([total('dq30')?.v1, total('dq30')?.v2], [0.145998, 0.15114]);

    // The same verdict counts from plain SQL over the two KPI tables, with cutover.json's lines and tolerances.
    const runDir = first.runDir;
    const [independent] = await sql(`
      WITH j AS (
        SELECT a.kpi, abs(b.value - a.value) AS d, abs(a.value) AS base,
               CASE a.kpi WHEN 'outstanding_balance' THEN 1 WHEN 'avg_loan_size' THEN 0.01 ELSE 0 END AS slack
        FROM '${join(runDir, 'v1', 'kpis.parquet')}' a JOIN '${join(runDir, 'v2', 'kpis.parquet')}' b USING (segment, kpi))
      SELECT count(*) AS total,
             count(*) FILTER (WHERE d <= slack + 0.001 * base) AS pass,
             count(*) FILTER (WHERE d > slack + 0.01 * base) AS fail
      FROM j`);
    assert.deepEqual(independent, { total: '128', pass: '82', fail: '41' });

    // Gate: no-go on KPI variance only.
    assert.equal(first.gate.verdict, 'no-go');
    assert.deepEqual(first.gate.criteria.map((c) => [c.name, c.verdict]), [['kpiVariance', 'fail'], ['errorRate', 'pass'], ['latency', 'pass'], ['nullRate', 'pass']]);
    assert.equal(first.gate.criteria[1]?.value, 0);
    // Declarative KPIs (V2's definitions in cutover.json) recomputed from both loan-level outputs agree (both carry
    // the same dpd); checked against each pipeline's own table, V1 disagrees exactly where the KPI tables did.
    assert.deepEqual(first.declarative?.comparison.counts, { total: 160, pass: 160, inconclusive: 0, fail: 0, noise: 0 });
    assert.deepEqual(first.declarative?.selfCheck.v1.counts, { total: 128, pass: 82, inconclusive: 5, fail: 41, noise: 0 });
    assert.deepEqual(first.declarative?.selfCheck.v2.counts, { total: 128, pass: 128, inconclusive: 0, fail: 0, noise: 0 });
    assert.equal(first.profiles?.v2.rows, 10000);

    // The record on disk.
    const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { status: string; kind: string; commands: { name: string; exitCode: number; log: string }[] };
    assert.equal(record.status, 'complete');
    assert.equal(record.kind, 'shadow');
    assert.deepEqual(record.commands.map((c) => [c.name, c.exitCode]), [['v1', 0], ['v2', 0]]);
    assert.match(readFileSync(join(runDir, record.commands[1]?.log ?? ''), 'utf8'), /v2: 10000 loans, 128 KPI values/);
  });

  it('with --noise runs V1 twice and measures the noise floor', async () => {
    const r = await cutover(ws, 'shadow', '--noise', '--json');
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as ShadowJson & { noise: { counts: { total: number; pass: number } } };
    assert.deepEqual(Object.keys(j.pipelines).sort(), ['v1', 'v1-noise', 'v2']);
    assert.equal(j.pipelines['v1-noise']?.exitCode, 0);
    // V1 is deterministic: its two runs agree on all 128 KPI values, so nothing V2 changed is explained by noise.
    assert.deepEqual([j.noise.counts.total, j.noise.counts.pass], [128, 128]);
    assert.deepEqual(j.kpis.counts, first.kpis.counts);
    assert.ok(existsSync(join(j.runDir, 'v1-noise', 'kpis.parquet')));
    assert.ok(existsSync((j.rows as unknown as { mismatches: { path: string } }).mismatches.path));
  });

  it('cutover gate and cutover runs read the latest run', async () => {
    const gate = await cutover(ws, 'gate');
    assert.equal(gate.code, 1, gate.stderr);
    assert.match(gate.stdout, /Go\/no-go on run \d{8}-\d{6}-\d{3}-[0-9a-f]{6} \(shadow, complete, verdict fail\)/);
    assert.match(gate.stdout, /Decision: NO-GO/);
    const runs = await cutover(ws, 'runs', '--json');
    assert.equal(runs.code, 0);
    const list = JSON.parse(runs.stdout) as { runs: { id: string; verdict: string; status: string; worstVariance: number }[] };
    assert.equal(list.runs.length, 2);
    assert.equal(list.runs[1]?.id, first.runId);
    assert.ok(list.runs[0] && list.runs[0].id > first.runId, 'newest first');
    assert.deepEqual(list.runs.map((x) => [x.status, x.verdict]), [['complete', 'fail'], ['complete', 'fail']]);
    assert.ok(Math.abs((list.runs[1]?.worstVariance ?? 0) - Math.max(...first.kpis.kpis.map((k) => Math.abs(k.relVariance ?? NaN)))) < 1e-12);
  });

  it("its gate is cutover gate's: reviews in force are applied in the summary and the JSON", async () => {
    const reviews = new ReviewStore(ws);
    const lines = (first.kpis.kpis as (ShadowJson['kpis']['kpis'][number] & { verdict: string })[]).filter((k) => k.verdict !== 'pass');
    assert.ok(lines.length > 1);
    try {
      for (const line of lines) await reviews.accept(first.runId, line, 'intended by the V2 spec', 'Ada');
      const text = await cutover(ws, 'shadow');
      assert.equal(text.code, 1, 'the comparison itself still fails');
      assert.match(text.stdout, /^Gate: go$/m);
      assert.match(text.stdout, new RegExp(`^ {2}~ ${lines[0]!.kpi} \\[${lines[0]!.segment.replace(/[=.]/g, '\\$&')}\\] accepted by Ada on .*: intended by the V2 spec$`, 'm'));
      await reviews.revoke({ segment: lines[0]!.segment, kpi: lines[0]!.kpi }, 'not intended after all', 'Bob');
      const json = JSON.parse((await cutover(ws, 'shadow', '--json')).stdout) as ShadowJson & { gate: { accepted: unknown[] } };
      assert.equal(json.gate.verdict, 'no-go');
      assert.equal(json.gate.accepted.length, lines.length - 1);
    } finally {
      rmSync(join(ws, '.cutover', 'reviews.json'), { force: true });
    }
  });

  it('two shadow runs started at once both finish with intact, distinct records', async () => {
    const before = runIds(ws);
    const [a, b] = await Promise.all([cutover(ws, 'shadow', '--json'), cutover(ws, 'shadow', '--json')]);
    const ja = JSON.parse(a.stdout) as ShadowJson;
    const jb = JSON.parse(b.stdout) as ShadowJson;
    assert.notEqual(ja.runId, jb.runId);
    for (const j of [ja, jb]) {
      assert.equal(j.status, 'complete');
      assert.deepEqual(j.kpis.counts, first.kpis.counts);
      assert.equal(j.rows.rows['changed'], 120);
      const record = JSON.parse(readFileSync(join(j.runDir, 'run.json'), 'utf8')) as { id: string; status: string };
      assert.deepEqual([record.id, record.status], [j.runId, 'complete']);
    }
    assert.deepEqual(runIds(ws), [...before, ja.runId, jb.runId].sort());
  });

  it('an invalid cutover.json exits 3 naming file:line:col, and leaves no run folder', async () => {
    const before = runIds(ws);
    const bad = join(ws, 'bad.json');
    writeFileSync(bad, '{\n  "pipelines": {\n    "v1": { "command": "node" }\n  }\n}\n');
    const r = await cutover(ws, 'shadow', '--config', 'bad.json');
    assert.equal(r.code, 3);
    assert.match(r.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:24: pipelines\\.v1\\.command: Invalid input: expected array`));
    assert.match(r.stderr, /:3:11: missing required key "pipelines\.v1\.outputs"/);
    assert.match(r.stderr, /:2:16: missing required key "pipelines\.v2"/);
    assert.deepEqual(runIds(ws), before);
  });

  it('a missing input says how to generate it, and leaves no run folder', async () => {
    const before = runIds(ws);
    const r = await cutover(ws, 'shadow', '--input', 'portfolio-100k');
    assert.equal(r.code, 4);
    assert.match(r.stderr, /portfolio-100k\.parquet: input "portfolio-100k" not found; create it with: node scripts\/generate-data\.mjs --rows 100000/);
    assert.deepEqual(runIds(ws), before);
  });

  it('a failing pipeline exits 4 and is recorded as failed with its exit code and log', async () => {
    writeFailingV2Config(ws, 'failing.json');
    const r = await cutover(ws, 'shadow', '--config', 'failing.json', '--json');
    assert.equal(r.code, 4);
    const j = JSON.parse(r.stdout) as ShadowJson & { error: string };
    assert.equal(j.status, 'failed');
    assert.equal(j.verdict, 'error');
    assert.equal(j.pipelines['v2']?.exitCode, 7);
    assert.match(j.error, /pipeline v2 exited with 7/);
    assert.match(readFileSync(j.pipelines['v2']?.log ?? '', 'utf8'), /v2 blew up/);
    const gate = await cutover(ws, 'gate', j.runId, '--json');
    assert.equal(gate.code, 1);
    const g = JSON.parse(gate.stdout) as { verdict: string; criteria: { name: string; value: number | null }[] };
    assert.equal(g.verdict, 'no-go');
    assert.equal(g.criteria.find((c) => c.name === 'errorRate')?.value, 1);
  });
});
