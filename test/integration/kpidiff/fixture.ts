/**
 * Runs for the KPI Diff checks, made from a real shadow run of the example workspace: the same record under a new
 * id with hostile names (the XSS fixture) and, when asked, a mismatch file of `mismatchRows` synthetic rows.
 * No vscode here: the Playwright checks use it too.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
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
