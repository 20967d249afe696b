import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../../src/core/errors';
import { checkPlanText, MAX_PLAN_BYTES, readPlanFile } from '../../../src/core/plan/read';

describe('readPlanFile', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'cutover-plan-read-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function rejects(file: string, pattern: RegExp): Promise<InputError> {
    let caught: unknown;
    await readPlanFile(file).catch((error: unknown) => { caught = error; });
    assert.ok(caught instanceof InputError, `expected an InputError, got ${String(caught)}`);
    assert.match(caught.message, pattern);
    assert.equal(caught.place?.file, file);
    return caught;
  }

  it('reads UTF-8 text and strips a BOM so offsets match the editor', async () => {
    const file = path.join(dir, 'bom.md');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# Plan ✓\n- [ ] a\n', 'utf8')]));
    assert.equal(await readPlanFile(file), '# Plan ✓\n- [ ] a\n');
  });

  it('names a missing file and a directory', async () => {
    await rejects(path.join(dir, 'missing.md'), /missing\.md: cannot read the plan: no such file/);
    await rejects(dir, /is a directory, not a markdown plan/);
  });

  it('refuses files above the 5 MB limit with their size', async () => {
    assert.equal(MAX_PLAN_BYTES, 5_000_000);
    const file = path.join(dir, 'huge.md');
    writeFileSync(file, Buffer.alloc(7_200_000, 0x61));
    await rejects(file, /is 7\.2 MB; plans larger than 5 MB are not read/);
    const limit = path.join(dir, 'limit.md');
    writeFileSync(limit, Buffer.alloc(MAX_PLAN_BYTES, 0x61));
    assert.equal((await readPlanFile(limit)).length, MAX_PLAN_BYTES);
  });

  it('refuses binary files: NUL bytes with their line and column', async () => {
    const file = path.join(dir, 'nul.md');
    writeFileSync(file, Buffer.from('# Plan\nab\u0000c\n', 'utf8'));
    const error = await rejects(file, /binary file/);
    assert.deepEqual(error.place, { file, line: 2, column: 3 });
  });

  it('refuses invalid UTF-8, pointing past real U+FFFD characters', async () => {
    const file = path.join(dir, 'latin1.md');
    writeFileSync(file, Buffer.concat([Buffer.from('# Plan \uFFFD\n- [ ] caf', 'utf8'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const error = await rejects(file, /is not valid UTF-8 text/);
    assert.deepEqual(error.place, { file, line: 2, column: 10 });
  });
});

describe('checkPlanText', () => {
  it('accepts text and rejects NUL characters', () => {
    assert.doesNotThrow(() => checkPlanText('# Plan\n- [ ] a\n', 'p.md'));
    assert.throws(() => checkPlanText('\u0000', 'p.md'), (e: unknown) => e instanceof InputError && e.message.startsWith('p.md:1:1: '));
  });
});
