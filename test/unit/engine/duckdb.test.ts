import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openEngine, QueryError } from '../../../src/core/engine/duckdb';
import { RuntimeError } from '../../../src/core/errors';

describe('engine/duckdb', () => {
  it('does not load DuckDB until openEngine is called', () => {
    const module = join(__dirname, '..', '..', '..', 'src', 'core', 'engine', 'duckdb');
    const loaded = execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', `require(${JSON.stringify(module)}); process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('@duckdb'))))`]).toString();
    assert.equal(loaded, 'false');
  });

  it('reports its version, converts BIGINT to number, and wraps SQL errors', async () => {
    const engine = await openEngine({ threads: 1, memoryLimit: '256MB' });
    try {
      assert.match(engine.duckdbVersion, /^v\d+\.\d+\.\d+/);
      assert.deepEqual(await engine.rows("SELECT count(*) AS n, 'NaN'::DOUBLE AS x FROM range(3)"), [{ n: 3, x: NaN }]);
      await assert.rejects(engine.rows('SELECT nope'), (e: unknown) => e instanceof QueryError && /nope/.test(e.detail));
    } finally {
      engine.close();
    }
  });

  it('interrupts the running query when the signal aborts', async () => {
    const controller = new AbortController();
    const engine = await openEngine({ threads: 1, signal: controller.signal });
    try {
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      await assert.rejects(engine.rows('SELECT count(*) FROM range(100000000000) a WHERE hash(a.range) % 7 = 3'), (e: unknown) => e instanceof RuntimeError && e.message === 'interrupted');
      assert.ok(Date.now() - started < 5000);
    } finally {
      engine.close();
    }
  });
});
