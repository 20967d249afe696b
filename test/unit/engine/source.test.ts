import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { loadTable } from '../../../src/core/engine/source';
import { InputError } from '../../../src/core/errors';
import { useEngine, writeTable } from './helpers';

describe('engine/source', () => {
  const fx = useEngine();

  it('reads Parquet, CSV and gzipped CSV with the format inferred from the extension', async () => {
    const csv = join(fx.dir, 'a.csv');
    writeFileSync(csv, 'id,x\n1,2.5\n2,3.5\n');
    writeFileSync(join(fx.dir, 'a.csv.gz'), gzipSync('id;x\n1;2.5\n'));
    const pq = await writeTable(fx.engine, 'SELECT 1 AS id', join(fx.dir, 'a.parquet'));
    const c = await loadTable(fx.engine, { path: csv }, 'c');
    assert.equal(c.format, 'csv');
    assert.equal(c.rows, 2);
    assert.deepEqual(c.columns, [{ name: 'id', type: 'BIGINT' }, { name: 'x', type: 'DOUBLE' }]);
    const g = await loadTable(fx.engine, { path: 'a.csv.gz' }, 'g', { cwd: fx.dir });
    assert.equal(g.rows, 1);
    assert.equal(g.columns.length, 2);
    const p = await loadTable(fx.engine, { path: pq }, 'p');
    assert.equal(p.format, 'parquet');
    assert.equal(p.rows, 1);
  });

  it('reads a glob and a hive-partitioned folder (the partition key becomes a column)', async () => {
    const root = join(fx.dir, 'hive');
    for (const day of ['2025-01-01', '2025-01-02']) {
      mkdirSync(join(root, `as_of_date=${day}`), { recursive: true });
      await writeTable(fx.engine, 'SELECT * FROM range(3) t(id)', join(root, `as_of_date=${day}`, 'part-0.parquet'));
    }
    const folder = await loadTable(fx.engine, { path: root }, 'h');
    assert.equal(folder.rows, 6);
    assert.equal(folder.files.length, 2);
    assert.ok(folder.columns.some((c) => c.name === 'as_of_date'));
    const glob = await loadTable(fx.engine, { path: join(root, '*', '*.parquet') }, 'g2');
    assert.equal(glob.rows, 6);
    assert.ok(glob.columns.some((c) => c.name === 'as_of_date' && c.type === 'DATE'));
  });

  it('names a missing file', async () => {
    const missing = join(fx.dir, 'nope.parquet');
    await assert.rejects(loadTable(fx.engine, { path: missing }, 'm'), (e: unknown) => e instanceof InputError && e.message === `${missing}: file not found`);
  });

  it('names a corrupt Parquet file', async () => {
    const bad = join(fx.dir, 'bad.parquet');
    writeFileSync(bad, 'this is not parquet at all, not even close');
    await assert.rejects(loadTable(fx.engine, { path: bad }, 'b'), (e: unknown) => e instanceof InputError && e.place?.file === bad);
  });

  it('names file and line of a ragged CSV row inside the sniffing sample', async () => {
    const csv = join(fx.dir, 'ragged.csv');
    writeFileSync(csv, 'id,a,b\n1,2,3\n2,3\n3,4,5\n');
    await assert.rejects(loadTable(fx.engine, { path: csv }, 'r'), (e: unknown) => e instanceof InputError && e.message === `${csv}:3: expected 3 fields, found 2`);
  });

  it('names file and line of a ragged CSV row far past the sniffing sample, without padding it', async () => {
    const csv = join(fx.dir, 'ragged-late.csv');
    const lines = ['id,a,b'];
    for (let i = 1; i <= 30000; i++) lines.push(i === 25000 ? `${i},1,2,3` : `${i},${i},${i}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    await assert.rejects(loadTable(fx.engine, { path: csv }, 'r2'), (e: unknown) => e instanceof InputError && e.place?.file === csv && e.place.line === 25001);
  });
});
