/** Shadow run records written by hand into a run store, for the go/no-go and the review command. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GateConfig } from '../../../src/core/config/schema';
import type { RunRecord } from '../../../src/core/runs/record';
import type { KpiLine } from '../../../src/core/runs/results';

const tolerance = { abs: 0, passLine: 0.001, failLine: 0.01 };

export function kpiLine(segment: string, kpi: string, v1: number, v2: number): KpiLine {
  const relVariance = Math.abs(v2 - v1) / Math.abs(v1);
  const verdict = relVariance <= 0.001 ? 'pass' : relVariance > 0.01 ? 'fail' : 'inconclusive';
  return { segment, kpi, v1, v2, delta: v2 - v1, relVariance, tolerance, verdict, reason: `${verdict} by test` };
}

/** A complete shadow run: healthy rows, latency and nulls; only the KPI lines decide. */
export function shadowRecord(id: string, kpis: readonly KpiLine[], gate?: GateConfig): RunRecord {
  const counts = { total: kpis.length, pass: 0, inconclusive: 0, fail: 0, noise: 0 };
  for (const k of kpis) counts[k.verdict]++;
  const verdict = counts.fail > 0 ? 'fail' : counts.inconclusive > 0 ? 'inconclusive' : 'pass';
  return {
    schemaVersion: 1, id, kind: 'shadow', status: 'complete',
    startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:05.000Z',
    phases: [], inputs: [], outputs: [],
    commands: [{ name: 'v1', argv: ['v1'], cwd: '/', exitCode: 0, ms: 1000 }, { name: 'v2', argv: ['v2'], cwd: '/', exitCode: 0, ms: 2000 }],
    thresholds: gate ? { gate } : {},
    versions: { cutover: 'test', node: process.version },
    verdict: { verdict, reasons: [] },
    results: {
      kpis: { verdict, counts, kpis: [...kpis] },
      rows: {
        verdict: 'pass', reasons: [], keys: ['loan_id'],
        rows: { v1: 1000, v2: 1000, matched: 1000, onlyV1: 0, onlyV2: 0, changed: 0, duplicateKeysV1: 0, duplicateKeysV2: 0, excludedV1: 0, excludedV2: 0 },
        columns: [], sample: [], mismatches: null,
      },
      profiles: { v2: { rows: 1000, columns: [{ name: 'balance', type: 'DOUBLE', nulls: 0, nullRate: 0, nan: 0, posInf: 0, negInf: 0, outOfBounds: 0 }] } },
    },
  };
}

/** Writes `record` as `<root>/.cutover/runs/<id>/run.json`. */
export function writeRecord(root: string, record: RunRecord): void {
  const dir = join(root, '.cutover', 'runs', record.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
}
