import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastDays } from '../../../src/core/pipeline/days';

describe('pipeline/days', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover-days-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the last N day partitions oldest first, skipping files and other folders', () => {
    for (const day of ['2025-11-30', '2025-12-01', '2025-11-29', '2025-11-28']) mkdirSync(join(dir, `as_of_date=${day}`));
    mkdirSync(join(dir, 'region=north'));
    writeFileSync(join(dir, 'as_of_date=2025-12-02'), 'a file, not a partition');
    assert.deepEqual(lastDays(dir, 'as_of_date', 3).map((d) => d.day), ['2025-11-29', '2025-11-30', '2025-12-01']);
    assert.equal(lastDays(dir, 'as_of_date', 30).length, 4);
    assert.equal(lastDays(dir, 'as_of_date', 1)[0]?.path, join(dir, 'as_of_date=2025-12-01'));
  });

  it('names the folder when it is missing, a file, or has no partitions of that column', () => {
    assert.throws(() => lastDays(join(dir, 'nope'), 'as_of_date', 3), (error: Error) => error.name === 'InputError' && error.message.includes(join(dir, 'nope')) && /folder not found/.test(error.message));
    writeFileSync(join(dir, 'f.parquet'), '');
    assert.throws(() => lastDays(join(dir, 'f.parquet'), 'as_of_date', 3), { name: 'InputError', message: /found a file/ });
    mkdirSync(join(dir, 'day=2025-12-01'));
    assert.throws(() => lastDays(dir, 'as_of_date', 3), (error: Error) => error.name === 'InputError' && error.message.includes(dir) && /no as_of_date=<day> partition folders/.test(error.message));
  });
});
