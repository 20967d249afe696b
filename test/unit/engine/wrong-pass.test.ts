// Cases that once passed although the data differ (issue 10, section 1): each must now fail or be inconclusive.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareTables } from '../../../src/core/engine/compare';
import { judgeKpi } from '../../../src/core/engine/judge';
import { runCli } from '../cli';
import { useEngine, writeTable } from './helpers';

describe('engine: no wrong pass (exact types, wide CSV integers, no data)', () => {
  const fx = useEngine('cutover-wrongpass-');

  function csv(name: string, text: string): string {
    const path = join(fx.dir, name);
    writeFileSync(path, text);
    return path;
  }

  async function rowsOf(p1: string, p2: string, extra: { tolerance?: { abs?: number; rel?: number }; types?: Record<string, string> } = {}) {
    return compareTables(fx.engine, {
      v1: { path: p1, ...(extra.types ? { types: extra.types } : {}) },
      v2: { path: p2, ...(extra.types ? { types: extra.types } : {}) },
      rows: { keys: ['id'], ...(extra.tolerance ? { tolerance: extra.tolerance } : {}) },
    });
  }

  it('reads CSV integers wider than 64 bits exactly: a last-digit difference fails', async () => {
    const a = csv('wide1.csv', 'id,refer_nr\n1,9998700990704001708177961516923014\n2,9223372036854775808\n');
    const b = csv('wide2.csv', 'id,refer_nr\n1,9998700990704001708177961516923015\n2,9223372036854775809\n');
    const out = await rowsOf(a, b);
    assert.equal(out.v1.columns.find((c) => c.name === 'refer_nr')?.type, 'HUGEINT');
    assert.equal(out.verdict, 'fail');
    assert.equal(out.rows?.rows.changed, 2);
    assert.deepEqual(out.rows?.sample.map((s) => s.columns), [
      [{ name: 'refer_nr', v1: '9998700990704001708177961516923014', v2: '9998700990704001708177961516923015' }],
      [{ name: 'refer_nr', v1: '9223372036854775808', v2: '9223372036854775809' }],
    ]);
  });

  it('reads CSV integers wider than HUGEINT as text, and one past BIGINT beyond the sniffing sample exactly', async () => {
    const a = csv('wider1.csv', 'id,r\n1,123456789012345678901234567890123456789012\n');
    const b = csv('wider2.csv', 'id,r\n1,123456789012345678901234567890123456789013\n');
    const out = await rowsOf(a, b);
    assert.equal(out.v1.columns.find((c) => c.name === 'r')?.type, 'VARCHAR');
    assert.equal(out.verdict, 'fail');
    const late = (last: string) => ['id,r', ...Array.from({ length: 30000 }, (_, i) => `${i + 1},${i + 1}`), `30001,${last}`].join('\n');
    const out2 = await rowsOf(csv('late1.csv', late('9223372036854775808')), csv('late2.csv', late('9223372036854775809')));
    assert.equal(out2.verdict, 'fail');
    assert.equal(out2.rows?.rows.changed, 1);
  });

  it('lets a user force a column type on both sides (CSV and Parquet)', async () => {
    const a = csv('forced1.csv', 'id,refer_nr\n1,0042\n');
    const b = await writeTable(fx.engine, "SELECT 1 AS id, '42' AS refer_nr", join(fx.dir, 'forced2.parquet'));
    const out = await rowsOf(a, b, { types: { refer_nr: 'VARCHAR' } });
    assert.equal(out.v1.columns.find((c) => c.name === 'refer_nr')?.type, 'VARCHAR');
    assert.equal(out.verdict, 'fail');
    assert.equal(out.rows?.sample[0]?.columns[0]?.v1, '0042');
    await assert.rejects(rowsOf(a, b, { types: { refer_no: 'VARCHAR' } }), (e: unknown) => e instanceof Error && e.message.includes(a) && /column "refer_no".*"refer_nr"/.test(e.message));
  });

  it('compares BIGINT exactly with zero tolerance and subtracts it exactly with one', async () => {
    const p1 = await writeTable(fx.engine, 'SELECT 1 AS id, 9007199254740993::BIGINT AS n', join(fx.dir, 'big1.parquet'));
    const p2 = await writeTable(fx.engine, 'SELECT 1 AS id, 9007199254740992::BIGINT AS n', join(fx.dir, 'big2.parquet'));
    const exact = await rowsOf(p1, p2);
    assert.equal(exact.verdict, 'fail');
    assert.equal(exact.rows?.columns[0]?.maxAbsDiff, 1);
    const tolerant = await rowsOf(p1, p2, { tolerance: { abs: 0.5 } });
    assert.equal(tolerant.verdict, 'fail');
    assert.equal(tolerant.rows?.columns[0]?.mismatches, 1);
    assert.equal((await rowsOf(p1, p2, { tolerance: { abs: 1 } })).verdict, 'pass');
  });

  it('compares DECIMAL(38,4) to the last digit and reports max |Δ| without losing digits', async () => {
    const p1 = await writeTable(fx.engine, "SELECT * FROM (VALUES (1, '12345678901234567890123.4567'::DECIMAL(38,4)), (2, '1.0000'::DECIMAL(38,4))) t(id, d)", join(fx.dir, 'dec1.parquet'));
    const p2 = await writeTable(fx.engine, "SELECT * FROM (VALUES (1, '12345678901234567890123.4568'::DECIMAL(38,4)), (2, '-12345678901234567890122.4568'::DECIMAL(38,4))) t(id, d)", join(fx.dir, 'dec2.parquet'));
    const one = await writeTable(fx.engine, "SELECT 1 AS id, '12345678901234567890123.4567'::DECIMAL(38,4) AS d", join(fx.dir, 'dec3.parquet'));
    const two = await writeTable(fx.engine, "SELECT 1 AS id, '12345678901234567890123.4568'::DECIMAL(38,4) AS d", join(fx.dir, 'dec4.parquet'));
    const last = await rowsOf(one, two);
    assert.equal(last.verdict, 'fail');
    assert.equal(last.rows?.columns[0]?.maxAbsDiff, 0.0001);
    assert.equal((await rowsOf(one, two, { tolerance: { abs: 0.00005 } })).verdict, 'fail');
    const big = await rowsOf(p1, p2, { tolerance: { abs: 0.00005 } });
    const column = big.rows?.columns[0];
    assert.equal(column?.mismatches, 2);
    assert.equal(column?.maxAbsDiffExact, '12345678901234567890123.4568');
    assert.equal(column?.maxAbsDiff, 12345678901234567890123.4568);
    assert.equal(JSON.parse(JSON.stringify(column)).maxAbsDiffExact, '12345678901234567890123.4568');
  });

  it('calls two empty tables inconclusive (no data), in the engine and as exit 2', async () => {
    const a = csv('empty1.csv', 'id,x\n');
    const b = csv('empty2.csv', 'id,x\n');
    const out = await rowsOf(a, b);
    assert.equal(out.verdict, 'inconclusive');
    assert.match(out.reasons.join('; '), /no data: V1 and V2 have no rows/);
    const r = await runCli(['compare', a, b, '--key', 'id', '--no-record'], fx.dir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
  });

  it('calls KPI tables without lines, and a KPI with no value on either side, inconclusive', async () => {
    const a = csv('k1.csv', 'segment,kpi,value\n');
    const b = csv('k2.csv', 'segment,kpi,value\n');
    const r = await runCli(['compare', a, b, '--kpis', '--no-record'], fx.dir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /no data: no KPI lines in V1 or V2/);
    const none = judgeKpi({ segment: 'total', kpi: 'k', rowsV1: 0, rowsV2: 0, v1: null, v2: null }, { abs: 0, passLine: 0.001, failLine: 0.01 });
    assert.equal(none.verdict, 'inconclusive');
    const nulls = judgeKpi({ segment: 'total', kpi: 'k', rowsV1: 1, rowsV2: 1, v1: null, v2: null }, { abs: 0, passLine: 0.001, failLine: 0.01 });
    assert.equal(nulls.verdict, 'inconclusive');
  });
});
