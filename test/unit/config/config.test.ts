import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configJsonSchemaText } from '../../../src/core/config/json-schema';
import { ConfigValidationError, findConfig, loadConfig, parseConfig } from '../../../src/core/config/load';
import { resolveInput } from '../../../src/core/config/resolve';
import { ConfigError, InputError, UsageError } from '../../../src/core/errors';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'config');
const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');

/** 1-based line and column of the first occurrence of `needle` on line `line` (found by plain search, not by the loader). */
function at(text: string, line: number, needle: string): { line: number; column: number } {
  const lineText = text.split('\n')[line - 1] ?? '';
  const index = lineText.indexOf(needle);
  assert.ok(index >= 0, `fixture line ${line} should contain ${needle}`);
  return { line, column: index + 1 };
}

function issuesOf(text: string, file = 'cutover.json'): ConfigValidationError {
  try {
    parseConfig(text, file);
  } catch (error) {
    assert.ok(error instanceof ConfigValidationError, `expected ConfigValidationError, got ${String(error)}`);
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected the configuration to be rejected');
}

describe('cutover.json loading', () => {
  it('accepts comments and trailing commas and fills every default', () => {
    const config = parseConfig(read('valid.jsonc'), 'valid.jsonc');
    assert.deepEqual(config.plans, []);
    assert.equal(config.runbooks, 'runbooks');
    assert.deepEqual(config.gate, { kpiVariance: 0.01, errorRate: 0.001, latencySeconds: 30, nullRate: 0.01 });
    assert.equal(config.compare?.passLine, 0.001);
    assert.equal(config.compare?.failLine, 0.01);
    assert.deepEqual(config.compare?.segmentColumns, ['segment']);
    assert.deepEqual(config.compare?.ignoreColumns, []);
    assert.equal(config.pipelines.v1.outputs.kpis.layout, 'long');
    assert.equal(config.pipelines.v2.outputs.kpis.format, 'csv');
    assert.deepEqual(config.pipelines.v1.command, ['node', 'v1.mjs', '--input', '${input}', '--output', '${output}']);
  });

  it('reports every schema problem at its own line and column', () => {
    const text = read('many-errors.jsonc');
    const error = issuesOf(text, 'many-errors.jsonc');
    const got = error.issues.map((i) => ({ line: i.line, column: i.column, path: i.path }));
    assert.deepEqual(got, [
      { ...at(text, 3, '"${inptu}"'), path: 'pipelines.v1.command[1]' },
      { ...at(text, 3, '3 }'), path: 'pipelines.v1.outputs.kpis.path' },
      { ...at(text, 4, '[]'), path: 'pipelines.v2.command' },
      { ...at(text, 4, '"bogus"'), path: 'pipelines.v2.bogus' },
      { ...at(text, 6, '"1%"'), path: 'gate.kpiVariance' },
      { ...at(text, 7, '"extra"'), path: 'extra' },
    ]);
    assert.match(error.issues[0]?.message ?? '', /unknown placeholder \$\{inptu\}/);
    assert.match(error.issues[3]?.message ?? '', /unknown key "bogus" in pipelines\.v2/);
    // The message lists each problem as file:line:col.
    const lines = error.message.split('\n');
    assert.equal(lines.length, 6);
    assert.ok(lines.every((l) => /^many-errors\.jsonc:\d+:\d+: /.test(l)), error.message);
    assert.ok(lines[4]?.startsWith(`many-errors.jsonc:6:${at(text, 6, '"1%"').column}: `));
  });

  it('reports syntax errors with their positions', () => {
    const text = read('syntax-error.jsonc');
    const error = issuesOf(text, 'syntax-error.jsonc');
    assert.deepEqual(error.issues.map((i) => [i.line, i.column]), [[3, 3], [6, 1]]);
    assert.match(error.issues[0]?.message ?? '', /syntax error: comma expected/);
    assert.match(error.issues[1]?.message ?? '', /syntax error: close brace expected/);
    assert.deepEqual(error.place, { file: 'syntax-error.jsonc', line: 3, column: 3 });
  });

  it('names a missing pipeline at the object that lacks it', () => {
    const text = read('missing-pipelines.jsonc');
    const error = issuesOf(text);
    assert.deepEqual(error.issues, [{ ...at(text, 3, '{'), path: 'pipelines.v2', message: 'missing required key "pipelines.v2"' }]);
  });

  it('rejects an empty file and a defaultInput that is not an input', () => {
    assert.deepEqual(issuesOf('').issues.map((i) => [i.line, i.column]), [[1, 1]]);
    const text = read('valid.jsonc').replace('"inputs"', '"defaultInput": "nope",\n  "inputs"');
    const error = issuesOf(text);
    assert.equal(error.issues.length, 1);
    assert.equal(error.issues[0]?.path, 'defaultInput');
    assert.equal(error.issues[0]?.line, 7);
    assert.match(error.issues[0]?.message ?? '', /"nope" is not one of inputs \(sample\)/);
  });

  it('rejects passLine above failLine', () => {
    const text = read('valid.jsonc').replace('"keys": ["loan_id"]', '"keys": ["loan_id"], "passLine": 0.05');
    assert.deepEqual(issuesOf(text).issues.map((i) => i.path), ['compare.passLine']);
  });

  describe('files', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover-config-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('finds the nearest cutover.json walking up, and loads it', () => {
      mkdirSync(join(dir, 'a', 'b'), { recursive: true });
      writeFileSync(join(dir, 'cutover.json'), read('valid.jsonc'));
      assert.equal(findConfig(join(dir, 'a', 'b')), join(dir, 'cutover.json'));
      writeFileSync(join(dir, 'a', 'cutover.json'), read('valid.jsonc'));
      assert.equal(findConfig(join(dir, 'a', 'b')), join(dir, 'a', 'cutover.json'));
      const loaded = loadConfig(join(dir, 'a', 'cutover.json'));
      assert.equal(loaded.dir, join(dir, 'a'));
    });

    it('gives an InputError naming an unreadable file', () => {
      const missing = join(dir, 'cutover.json');
      assert.throws(() => loadConfig(missing), (e: unknown) => e instanceof InputError && e.message.includes(missing) && /ENOENT/.test(e.message));
    });

    it('resolves inputs by name, default and path, and says how to create a missing one', () => {
      const text = read('valid.jsonc').replace('"path": "data/sample.parquet" }', '"path": "data/sample.parquet", "generatedBy": "node gen.mjs" }');
      writeFileSync(join(dir, 'cutover.json'), text);
      const loaded = loadConfig(join(dir, 'cutover.json'));
      assert.throws(() => resolveInput(loaded, undefined, dir), (e: unknown) => e instanceof InputError && e.message.includes('create it with: node gen.mjs'));
      mkdirSync(join(dir, 'data'));
      writeFileSync(join(dir, 'data', 'sample.parquet'), '');
      assert.equal(resolveInput(loaded, undefined, dir).path, join(dir, 'data', 'sample.parquet'));
      assert.equal(resolveInput(loaded, 'sample', '/').name, 'sample');
      assert.equal(resolveInput(loaded, 'data/sample.parquet', dir).name, 'data/sample.parquet');
      assert.throws(() => resolveInput(loaded, 'other', dir), (e: unknown) => e instanceof UsageError && e.message.includes('(sample)'));
    });
  });

  it('schemas/cutover.schema.json is up to date (regenerate: npx tsx scripts/gen-schemas.ts)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'cutover.schema.json'), 'utf8');
    assert.equal(committed, configJsonSchemaText());
    const schema = JSON.parse(committed) as { properties: Record<string, { description?: string }>; additionalProperties: boolean };
    assert.equal(schema.additionalProperties, false);
    assert.ok(schema.properties.pipelines?.description, 'top-level keys carry hover docs');
  });
});
