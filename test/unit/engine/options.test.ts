// The options datacompy and data-diff users expect (issue 10, section 2), each through the CLI as a user types it,
// and the messages that name the file (section 3).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompareSchema } from '../../../src/core/config/schema';
import { runCli } from '../cli';
import { useEngine, writeTable } from './helpers';

describe('cli compare: datacompy options and messages that name the file', () => {
  const fx = useEngine('cutover-options-');

  function csv(name: string, text: string): string {
    const path = join(fx.dir, name);
    writeFileSync(path, text);
    return path;
  }

  async function compare(v1: string, v2: string, ...flags: string[]) {
    const r = await runCli(['compare', v1, v2, '--no-record', '--json', ...flags], fx.dir);
    if (r.code > 2) return { code: r.code, stderr: r.stderr, doc: undefined };
    return { code: r.code, stderr: r.stderr, doc: JSON.parse(r.stdout) };
  }

  it('--ignore-spaces: surrounding whitespace in values and keys (CHAR padding) is not a difference', async () => {
    const a = csv('sp1.csv', 'id,name\n"a  ",x\nb,"y "\n');
    const b = csv('sp2.csv', 'id,name\na,"  x"\nb,y\n');
    const strict = await compare(a, b, '--key', 'id');
    assert.equal(strict.code, 1);
    assert.deepEqual([strict.doc.rows.onlyV1, strict.doc.rows.changed], [1, 1]);
    const trimmed = await compare(a, b, '--key', 'id', '--ignore-spaces');
    assert.equal(trimmed.code, 0, JSON.stringify(trimmed.doc?.reasons));
    assert.equal(trimmed.doc.rows.matched, 2);
  });

  it('--ignore-case: case in values and keys is not a difference, and keys equal ignoring case are duplicates', async () => {
    const a = csv('ic1.csv', 'id,name\nA1,Smith\nb2,JONES\n');
    const b = csv('ic2.csv', 'id,name\na1,SMITH\nB2,jones\n');
    assert.equal((await compare(a, b, '--key', 'id')).code, 1);
    const folded = await compare(a, b, '--key', 'id', '--ignore-case');
    assert.equal(folded.code, 0);
    assert.equal(folded.doc.rows.matched, 2);
    const dup = await compare(csv('ic3.csv', 'id,name\nA1,x\na1,x\n'), csv('ic4.csv', 'id,name\na1,x\n'), '--key', 'id', '--ignore-case');
    assert.equal(dup.code, 1);
    assert.deepEqual([dup.doc.rows.duplicateKeysV1, dup.doc.rows.excludedV1, dup.doc.rows.excludedV2], [1, 2, 1]);
  });

  it('--ignore-column-case pairs upper-case V2 names with V1 names; --map pairs a renamed column', async () => {
    const a = csv('cc1.csv', 'loan_id,balance,rate\n1,10.5,0.1\n2,20,0.2\n');
    const b = csv('cc2.csv', 'LOAN_ID,BALANCE,RATE\n1,10.5,0.1\n2,21,0.2\n');
    const without = await compare(a, b, '--key', 'loan_id');
    assert.equal(without.code, 3);
    const matched = await compare(a, b, '--key', 'loan_id', '--ignore-column-case');
    assert.equal(matched.code, 1);
    assert.deepEqual(matched.doc.columns.map((c: { name: string; mismatches: number }) => [c.name, c.mismatches]), [['balance', 1], ['rate', 0]]);
    const renamed = csv('map2.csv', 'loan_id,bal_amt,rate\n1,10.5,0.1\n2,20,0.2\n');
    const mapped = await compare(a, renamed, '--key', 'loan_id', '--map', 'balance=bal_amt');
    assert.equal(mapped.code, 0, JSON.stringify(mapped.doc?.reasons));
    assert.ok(mapped.doc.reasons.includes('column balance is bal_amt in V2'));
    assert.equal(mapped.doc.schema.identical, false);
    const r = await runCli(['compare', a, renamed, '--key', 'loan_id', '--map', 'balance=bal_amt', '--no-record'], fx.dir);
    assert.match(r.stdout, /^schema: balance is bal_amt in V2$/m);
    const typo = await compare(a, renamed, '--key', 'loan_id', '--map', 'balance=bal_amnt');
    assert.equal(typo.code, 3);
    assert.ok(typo.stderr.includes(`${renamed}: mapped column "bal_amnt" is not in V2`), typo.stderr);
    assert.match(typo.stderr, /close match: "bal_amt"/);
  });

  it('--tol sets a column\'s own tolerance (abs or rel), beside the default', async () => {
    const a = await writeTable(fx.engine, 'SELECT * FROM (VALUES (1, 100.0::DOUBLE, 0.05::DOUBLE, 7)) t(id, balance, rate, n)', join(fx.dir, 'tol1.parquet'));
    const b = await writeTable(fx.engine, 'SELECT * FROM (VALUES (1, 100.009::DOUBLE, 0.0500000004::DOUBLE, 8)) t(id, balance, rate, n)', join(fx.dir, 'tol2.parquet'));
    const exact = await compare(a, b, '--key', 'id');
    assert.deepEqual(exact.doc.columns.map((c: { mismatches: number }) => c.mismatches), [1, 1, 1]);
    const tolerant = await compare(a, b, '--key', 'id', '--tol', 'balance=abs:0.01', '--tol', 'rate=rel:1e-6');
    assert.deepEqual(tolerant.doc.columns.map((c: { name: string; mismatches: number; tolerance: unknown }) => [c.name, c.mismatches, c.tolerance]), [
      ['balance', 0, { abs: 0.01, rel: 0 }], ['rate', 0, { abs: 0, rel: 1e-6 }], ['n', 1, { abs: 0, rel: 0 }],
    ]);
    assert.equal((await compare(a, b, '--key', 'id', '--tol', 'balance=abs:0.001')).doc.columns[0].mismatches, 1);
    assert.equal((await compare(a, b, '--key', 'id', '--tol', 'balance=0.01')).code, 3);
    const unknown = await compare(a, b, '--key', 'id', '--tol', 'balanse=abs:1');
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /tolerance column "balanse".*close match: "balance"/);
  });

  it('--type reads a column as the given type on both sides', async () => {
    const a = csv('ty1.csv', 'id,refer_nr\n1,42\n');
    const b = csv('ty2.csv', 'id,refer_nr\n1,42.0\n');
    // Sniffed as BIGINT and DOUBLE: compared numerically, equal.
    assert.equal((await compare(a, b, '--key', 'id')).code, 0);
    const text = await compare(a, b, '--key', 'id', '--type', 'refer_nr=VARCHAR');
    assert.equal(text.code, 1);
    assert.deepEqual(text.doc.v1.columns.map((c: { type: string }) => c.type), ['BIGINT', 'VARCHAR']);
    assert.deepEqual(text.doc.sample[0].columns, [{ name: 'refer_nr', v1: '42', v2: '42.0' }]);
    assert.equal((await compare(a, b, '--key', 'id', '--type', 'refer_nr')).code, 3);
  });

  it('the relative tolerance is relative to V1 (the reference), and --help says so', async () => {
    const a = await writeTable(fx.engine, 'SELECT * FROM (VALUES (1, 100.0::DOUBLE), (2, 99.0)) t(id, x)', join(fx.dir, 'rel1.parquet'));
    const b = await writeTable(fx.engine, 'SELECT * FROM (VALUES (1, 101.0::DOUBLE), (2, 100.0)) t(id, x)', join(fx.dir, 'rel2.parquet'));
    // |Δ| = 1 both times: within 1% of V1 = 100, not within 1% of V1 = 99 (scaling by V2 would flip both).
    const r = await compare(a, b, '--key', 'id', '--rel-tol', '0.01');
    assert.deepEqual(r.doc.sample.map((s: { keys: { id: number } }) => s.keys.id), [2]);
    const help = await runCli(['compare', '--help'], fx.dir);
    assert.match(help.stdout.replace(/\s+/g, ' '), /\|v1-v2\| ≤ abs \+ rel·\|v1\|, relative to V1, the reference/);
  });

  it('--null-keys-match pairs rows with a null key part; either way the summary counts them', async () => {
    const a = csv('nk1.csv', 'p,n,x\na,1,10\nb,,20\n');
    const b = csv('nk2.csv', 'p,n,x\na,1,10\nb,,20\n');
    const strict = await compare(a, b, '--key', 'p,n');
    assert.equal(strict.code, 1);
    assert.deepEqual([strict.doc.rows.onlyV1, strict.doc.rows.nullKeysV1, strict.doc.rows.nullKeysV2], [1, 1, 1]);
    assert.match(strict.doc.reasons.join('; '), /1 rows in V1 and 1 in V2 have a null key part \(never matched/);
    const safe = await compare(a, b, '--key', 'p,n', '--null-keys-match');
    assert.equal(safe.code, 0, JSON.stringify(safe.doc.reasons));
    assert.deepEqual([safe.doc.rows.matched, safe.doc.rows.nullKeysV1, safe.doc.rows.nullKeysV2], [2, 1, 1]);
    assert.match(safe.doc.reasons.join('; '), /have a null key part, matched null-safe/);
    const dup = await compare(csv('nk3.csv', 'p,n,x\nb,,1\nb,,1\n'), b, '--key', 'p,n', '--null-keys-match');
    assert.equal(dup.doc.rows.duplicateKeysV1, 1);
  });

  it('compares DATE against TIMESTAMP as timestamps (a DATE is its midnight) and reports the type change', async () => {
    const a = await writeTable(fx.engine, "SELECT * FROM (VALUES (1, DATE '2025-01-31'), (2, DATE '2025-02-01')) t(id, d)", join(fx.dir, 'd1.parquet'));
    const b = await writeTable(fx.engine, "SELECT * FROM (VALUES (1, TIMESTAMP '2025-01-31 00:00:00'), (2, TIMESTAMP '2025-02-01 00:00:01')) t(id, d)", join(fx.dir, 'd2.parquet'));
    const r = await compare(a, b, '--key', 'id');
    assert.equal(r.code, 1);
    assert.deepEqual(r.doc.schema.typeChanges, [{ name: 'd', v1Type: 'DATE', v2Type: 'TIMESTAMP', incompatible: false }]);
    assert.deepEqual(r.doc.sample.map((s: { keys: { id: number } }) => s.keys.id), [2]);
    const same = await writeTable(fx.engine, "SELECT 1 AS id, TIMESTAMP '2025-01-31 00:00:00' AS d", join(fx.dir, 'd3.parquet'));
    const one = await writeTable(fx.engine, "SELECT 1 AS id, DATE '2025-01-31' AS d", join(fx.dir, 'd4.parquet'));
    const pass = await compare(one, same, '--key', 'id');
    assert.equal(pass.code, 0);
    assert.ok(pass.doc.reasons.includes('column d DATE → TIMESTAMP (compared as timestamps, a DATE as its midnight)'));
  });

  it('cutover.json takes the same options', () => {
    const parsed = CompareSchema.parse({
      keys: ['loan_id'],
      ignoreSpaces: true, ignoreCase: true, ignoreColumnCase: true, nullKeysMatch: true,
      columnMap: { balance: 'bal_amt' }, types: { refer_nr: 'VARCHAR' },
      tolerances: { columns: { balance: { abs: 0.01 }, rate: { rel: 1e-6 } } },
    });
    assert.deepEqual([parsed.ignoreSpaces, parsed.ignoreCase, parsed.ignoreColumnCase, parsed.nullKeysMatch, parsed.columnMap, parsed.types],
      [true, true, true, true, { balance: 'bal_amt' }, { refer_nr: 'VARCHAR' }]);
    const defaults = CompareSchema.parse({ keys: ['id'] });
    assert.deepEqual([defaults.ignoreSpaces, defaults.ignoreCase, defaults.ignoreColumnCase, defaults.nullKeysMatch], [false, false, false, false]);
    assert.throws(() => CompareSchema.parse({ keys: ['id'], ignoreSpace: true }));
  });

  it('a missing key column names the file, the side and the close match', async () => {
    const a = csv('m1.csv', 'a,x\n1,2\n');
    const b = csv('m2.csv', 'A,x\n1,2\n');
    const r = await compare(a, b, '--key', 'a');
    assert.equal(r.code, 3);
    assert.ok(r.stderr.includes(`${b}: key column "a" is not in V2`), r.stderr);
    assert.match(r.stderr, /close match: "A"/);
    const kpi = await runCli(['compare', csv('k1.csv', 'Segment,kpi,value\ntotal,x,1\n'), csv('k2.csv', 'segment,kpi,value\ntotal,x,1\n'), '--kpis', '--no-record'], fx.dir);
    assert.equal(kpi.code, 3);
    assert.ok(kpi.stderr.includes(`${join(fx.dir, 'k1.csv')}: segment column "segment" is not in V1`), kpi.stderr);
    assert.match(kpi.stderr, /close match: "Segment"/);
  });

  it('an empty CSV is reported as empty, naming the file, not as a missing key column', async () => {
    const empty = csv('empty.csv', '');
    const b = csv('e2.csv', 'id\n1\n');
    const r = await compare(empty, b, '--key', 'id');
    assert.equal(r.code, 4);
    assert.ok(r.stderr.includes(`${empty}: file is empty`), r.stderr);
  });
});
