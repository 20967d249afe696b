// Regression tests for the failures the reliability suite (test/reliability/) found, each as small as the bug.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insideWorkspace } from '../../../src/core/config/insideWorkspace';
import { ConfigError, ConflictError, noSpaceError, RuntimeError } from '../../../src/core/errors';
import { withLock } from '../../../src/core/runs/lock';
import { runCli } from '../cli';

describe('reliability regressions', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover regressions ')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('a lock file that does not yet hold its owner\'s pid is not taken over (two holders lost a review)', async () => {
    const lock = join(dir, '.lock');
    // The owner has created the file (O_EXCL) and not written its pid yet.
    writeFileSync(lock, '');
    await assert.rejects(withLock(lock, async () => 'taken', { timeoutMs: 300 }), ConflictError);
  });

  it('a full disk is an error naming the file and its folder; other errors pass through', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = noSpaceError(enospc, '/ws/.cutover/runs/x/run.json');
    assert.ok(error instanceof RuntimeError);
    assert.match(error.message, /^\/ws\/\.cutover\/runs\/x\/run\.json: no space left .*free space in \/ws\/\.cutover\/runs\/x /);
    const other = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    assert.equal(noSpaceError(other, '/f'), other);
  });

  it('a cutover.json path leaving the workspace by .., an absolute path or a symlink is refused', () => {
    const ws = join(dir, 'ws');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(ws);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(ws, 'link'), 'dir');
    assert.equal(insideWorkspace(ws, 'published', 'publish.local.path'), join(ws, 'published'));
    assert.equal(insideWorkspace(ws, 'a/../b/new/file.parquet', 'channel path'), join(ws, 'b', 'new', 'file.parquet'));
    for (const path of ['../elsewhere', elsewhere, 'link', 'link/kpis.parquet', '..', 'a/../../elsewhere']) {
      assert.throws(() => insideWorkspace(ws, path, 'publish.local.path'), (e: unknown) => e instanceof ConfigError && /publish\.local\.path .* leaves the workspace/.test(e.message), path);
    }
  });

  // Fuzzing, CSV headers, seed 1 cases 156 and 226: a NUL in a header cell reached DuckDB's parser ("unterminated
  // quoted identifier") and the error named no file.
  for (const [name, text] of [['156', '\u{10fff9}\u{fd201}\u0000\n\u{93bfa}'], ['226', '\u0000,id,loan_id\n1,2,3\n4,5,6']] as const) {
    it(`a CSV header cell holding NUL is an error naming the file and line 1 (fuzz seed 1 case ${name})`, async () => {
      const v1 = join(dir, 'v1.csv');
      const v2 = join(dir, 'v2.csv');
      writeFileSync(v1, text);
      writeFileSync(v2, text.split('\n').slice(0, -1).join('\n'));
      const out = await runCli(['compare', v1, v2, '--key', 'loan_id', '--no-record'], dir);
      assert.ok(out.code >= 3, `exit ${out.code}`);
      assert.ok(out.stderr.includes(`${v1}:1: the column "`) && out.stderr.includes('\\u0000') && out.stderr.includes('has a NUL character in its name'), out.stderr);
      assert.doesNotMatch(out.stderr, /Parser Error|^\s+at /m);
    });
  }
});
