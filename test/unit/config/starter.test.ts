import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../../src/core/config/load';

describe('the starter cutover.json the extension offers to create', () => {
  it('is valid against the schema, with the defaults the README documents', () => {
    const file = path.join(__dirname, '../../../media/cutover.starter.jsonc');
    const config = parseConfig(fs.readFileSync(file, 'utf8'), file);
    assert.deepEqual(Object.keys(config.pipelines).sort(), ['v1', 'v2']);
    assert.equal(config.gate.kpiVariance, 0.01);
    assert.equal(config.rollback?.budgetSeconds, 300);
  });
});
