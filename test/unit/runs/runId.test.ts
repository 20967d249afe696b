import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../../src/core/errors';
import { newRunId } from '../../../src/core/runs/id';
import { RunStore } from '../../../src/core/runs/store';
import { runCli } from '../cli';

describe('cutover --run-id', function () {
  this.timeout(30_000);
  let dir: string;
  let v1: string;
  let v2: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-run-id-'));
    v1 = join(dir, 'v1.csv');
    v2 = join(dir, 'v2.csv');
    writeFileSync(v1, 'id,amount\n1,10\n2,20\n');
    writeFileSync(v2, 'id,amount\n1,10\n2,20\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records the run under the id it was given, after the subcommand or before it', async () => {
    const after = newRunId();
    const r = await runCli(['compare', v1, v2, '--key', 'id', '--run-id', after], dir);
    assert.equal(r.code, ExitCode.pass, r.stderr);
    const before = newRunId();
    assert.equal((await runCli(['--run-id', before, 'compare', v1, v2, '--key', 'id'], dir)).code, ExitCode.pass);
    const store = new RunStore(dir);
    assert.deepEqual((await store.list()).map((run) => run.id).sort(), [after, before].sort());
    assert.equal((await store.read(after)).kind, 'compare');
  });

  it('refuses a malformed id or one already in the store, recording nothing', async () => {
    const bad = await runCli(['compare', v1, v2, '--key', 'id', '--run-id', 'latest'], dir);
    assert.equal(bad.code, ExitCode.usage);
    assert.match(bad.stderr, /not a run id: latest \(expected YYYYMMDD-HHMMSS-mmm-xxxxxx/);
    const id = newRunId();
    assert.equal((await runCli(['compare', v1, v2, '--key', 'id', '--run-id', id], dir)).code, ExitCode.pass);
    const again = await runCli(['compare', v1, v2, '--key', 'id', '--run-id', id], dir);
    assert.equal(again.code, ExitCode.usage);
    assert.match(again.stderr, new RegExp(`run ${id} already exists`));
    assert.equal((await new RunStore(dir).list()).length, 1);
  });
});
