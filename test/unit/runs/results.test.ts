/** The run record's results, declared once: held to the engine's types, parsed on read, a misfit reported. */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ColumnProfile, KpiComparison, ReconcileDay, Reconciliation, TableProfile } from '../../../src/core/engine/types';
import { InputError } from '../../../src/core/errors';
import type { DeclarativeResult } from '../../../src/core/pipeline/compare-outputs';
import { RunRecord } from '../../../src/core/runs/record';
import type {
  ColumnProfilePart, DeclarativePart, KpiComparisonPart, ReconcileDayPart, ReconcilePart, ReconcileSummaryPart, TableProfilePart,
} from '../../../src/core/runs/results';
import { RunStore } from '../../../src/core/runs/store';
import { kpiLine, shadowRecord, writeRecord } from '../gate/records';

/**
 * Parsing drops fields a strict part does not declare: every field the engine writes must be declared. These fail to
 * compile when the engine's result type gains a field its part in results.ts lacks.
 */
type Undeclared<Engine, Part extends z.ZodType> = Exclude<keyof Engine, keyof z.infer<Part>>;
/** Names what is undeclared, so a failure to compile says which field is missing. */
type NoneUndeclared<T> = [T] extends [never] ? true : T;
const declared: true[] = [
  true satisfies NoneUndeclared<Undeclared<KpiComparison, typeof KpiComparisonPart>>,
  true satisfies NoneUndeclared<Undeclared<ReconcileDay, typeof ReconcileDayPart>>,
  true satisfies NoneUndeclared<Undeclared<Reconciliation['summary'], typeof ReconcileSummaryPart>>,
  true satisfies NoneUndeclared<Undeclared<Reconciliation, typeof ReconcilePart>>,
  true satisfies NoneUndeclared<Undeclared<ColumnProfile, typeof ColumnProfilePart>>,
  true satisfies NoneUndeclared<Undeclared<TableProfile, typeof TableProfilePart>>,
  true satisfies NoneUndeclared<Undeclared<DeclarativeResult, typeof DeclarativePart>>,
];

const ID = '20260101-000000-000-abcdef';

describe('run results schema', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'cutover-results-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('declares every field the engine writes (checked by the compiler)', () => {
    assert.equal(declared.length, 7);
  });

  it('parses a shadow record and keeps the results of other kinds as written', () => {
    const record = { ...shadowRecord(ID, [kpiLine('total', 'dq30', 0.1, 0.103)]) };
    const withOthers = { ...record, results: { ...record.results, gateAtStart: { runId: null, verdict: null, reason: 'none' }, steps: [{ id: 's1' }] } };
    const parsed = RunRecord.parse(JSON.parse(JSON.stringify(withOthers)));
    assert.deepEqual(parsed, withOthers);
    assert.equal(parsed.results.kpis?.kpis[0]?.verdict, 'fail');
  });

  it('keeps fields of the loan-level comparison it does not declare', () => {
    const record = shadowRecord(ID, []);
    const rows = { ...record.results.rows!, rows: { ...record.results.rows!.rows, nullKeysV1: 3 }, futureField: 'kept' };
    const parsed = RunRecord.parse({ ...record, results: { ...record.results, rows } });
    assert.deepEqual(parsed.results.rows, rows);
  });

  it('reports a record whose results do not fit, with its run id and file, and lists the others', async () => {
    writeRecord(root, shadowRecord('20260101-000000-000-aaaaaa', [kpiLine('total', 'dq30', 0.1, 0.1)]));
    const dir = join(root, '.cutover', 'runs', ID);
    mkdirSync(dir, { recursive: true });
    const old = shadowRecord(ID, [kpiLine('total', 'dq30', 0.1, 0.103)]);
    const broken = { ...old, results: { kpis: { kpis: [{ segment: 'total', kpi: 'dq30', v1: 0.1, v2: 0.103, verdict: 'FAILED' }] } } };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(broken));
    const store = new RunStore(root);
    const { runs, problems } = await store.scan();
    assert.deepEqual(runs.map((r) => r.id), ['20260101-000000-000-aaaaaa']);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.id, ID);
    assert.match(problems[0]?.message ?? '', new RegExp(`${join(dir, 'run.json').replace(/[.\\]/g, '\\$&')}: not a valid run record: results\\.kpis\\.`));
    await assert.rejects(store.read(ID), InputError);
  });
});
