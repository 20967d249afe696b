/**
 * Runs for the KPI Diff checks, made from a real shadow run of the example workspace: the same record under a new
 * id with hostile names (the XSS fixture) and, when asked, a mismatch file of `mismatchRows` synthetic rows.
 * No vscode here: the Playwright checks use it too.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const XSS = '<img src=x onerror=alert(1)>';

/** Runs `cutover shadow` on the example's 10k sample in `workspace`; returns the new run's id. */
export function shadowRun(cli: string, workspace: string): string {
  const result = spawnSync(process.execPath, [cli, 'shadow', '--input', 'sample-10k', '--json'], { cwd: workspace, encoding: 'utf8' });
  const runs = path.join(workspace, '.cutover', 'runs');
  const id = fs.existsSync(runs) ? fs.readdirSync(runs).filter((n) => /^\d{8}-/.test(n)).sort().at(-1) : undefined;
  if (!id) throw new Error(`cutover shadow made no run (exit ${result.status}, ${String(result.error)}): ${result.stderr}${result.stdout}`);
  return id;
}

interface KpiLine { segment: string; kpi: string; verdict: string }

/**
 * Copies run `baseId` as a newer run whose first failing KPI is named XSS in segment XSS; with `mismatchRows`, its
 * mismatch file is replaced by that many rows written with DuckDB. Returns the new id.
 */
export async function fixtureRun(workspace: string, baseId: string, mismatchRows?: number): Promise<string> {
  const runs = path.join(workspace, '.cutover', 'runs');
  const id = `29991231-235959-999-${mismatchRows ? 'bbbbbb' : 'aaaaaa'}`;
  const dir = path.join(runs, id);
  fs.mkdirSync(dir, { recursive: true });
  const record = JSON.parse(fs.readFileSync(path.join(runs, baseId, 'run.json'), 'utf8')) as {
    id: string; results: { kpis: { kpis: KpiLine[] }; rows: { mismatches: { path: string; rows: number } | null } }; outputs: { path: string; role?: string }[];
  };
  record.id = id;
  const failing = record.results.kpis.kpis.find((k) => k.verdict === 'fail');
  if (!failing) throw new Error('the base run has no failing KPI');
  failing.kpi = XSS;
  failing.segment = XSS;
  const target = path.join(dir, 'mismatches.parquet');
  if (mismatchRows) {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT 'L' || lpad(i::VARCHAR, 7, '0') AS loan_id, DATE '2025-12-01' AS as_of_date, 'changed' AS kind,
      'balance' AS "column", (1000 + i)::VARCHAR AS v1, (1000 + i + 0.5)::VARCHAR AS v2, 0.5::DOUBLE AS abs_diff
      FROM range(${mismatchRows}) t(i) ORDER BY i) TO '${target.replace(/'/g, "''")}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    record.results.rows.mismatches = { path: 'mismatches.parquet', rows: mismatchRows };
  } else {
    fs.copyFileSync(path.join(runs, baseId, 'mismatches.parquet'), target);
  }
  fs.writeFileSync(path.join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  return id;
}

/** The per-day variance of V2 against V1 in `reconcileRun`'s data: passing, inconclusive (0.5%) and failing (3%) days. */
export const RECONCILE_SHIFTS = [0, 0, 0.00002, 0.005, 0, 0.03, 0, 0.0004, 0, 0] as const;

/**
 * Writes tiny hive-partitioned V1 and V2 KPI tables (`as_of_date=2025-11-0N/`, long layout) to a temporary folder,
 * V2 shifted by RECONCILE_SHIFTS per day, with V2 missing the last day; then runs the real `cutover reconcile` on
 * them in `workspace`. Returns the run id.
 */
export async function reconcileRun(cli: string, workspace: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-reconcile-'));
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  for (const side of ['v1', 'v2'] as const) {
    for (const [i, shift] of RECONCILE_SHIFTS.entries()) {
      if (side === 'v2' && i === RECONCILE_SHIFTS.length - 1) continue;
      const day = `2025-11-${String(i + 1).padStart(2, '0')}`;
      const folder = path.join(dir, side, `as_of_date=${day}`);
      fs.mkdirSync(folder, { recursive: true });
      const factor = side === 'v2' ? 1 + shift : 1;
      await c.run(`COPY (SELECT * FROM (VALUES ('total', 'dq30', ${0.05 * factor}), ('total', 'loan_count', ${10_000 + i}.0), ('product=auto', 'dq30', ${0.04}))
        t(segment, kpi, value)) TO '${path.join(folder, 'data.parquet').replace(/'/g, "''")}' (FORMAT parquet)`);
    }
  }
  c.closeSync();
  db.closeSync();
  const result = spawnSync(process.execPath, [cli, 'reconcile', path.join(dir, 'v1'), path.join(dir, 'v2'), '--date-column', 'as_of_date', '--days', '30', '--json'],
    { cwd: workspace, encoding: 'utf8' });
  // The run records the inputs' hashes; the panel never reads the tables again.
  fs.rmSync(dir, { recursive: true, force: true });
  const id = (JSON.parse(result.stdout || '{}') as { runId?: string }).runId;
  if (!id) throw new Error(`cutover reconcile made no run (exit ${result.status}): ${result.stderr}${result.stdout}`);
  return id;
}
