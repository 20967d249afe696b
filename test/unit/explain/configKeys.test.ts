/** The differing keys of two configuration files and V2's file with keys set back: JSONC and YAML, nested paths. */
import assert from 'node:assert/strict';
import { ABSENT, diffKeys, keyLine, parseConfig, revertKeys } from '../../../src/core/explain/configKeys';
import { InputError } from '../../../src/core/errors';

const V1_JSONC = `{
  // production
  "delinquency": { "thresholds": [30, 60, 90], "pastDueWhen": "greater-than" },
  "rounding": { "loanBalance": "none", "moneyDecimals": 2 },
  "legacyOnly": true
}
`;
const V2_JSONC = `{
  // replacement
  "delinquency": { "thresholds": [30, 60, 90], "pastDueWhen": "at-least" },
  "rounding": {
    "loanBalance": "cents-half-even",
    "moneyDecimals": 2
  },
  "delivery": { "folder": "out" }
}
`;

describe('explain: configuration keys', () => {
  it('lists nested differing keys, a key on one side only as one difference', () => {
    const diffs = diffKeys(parseConfig(V1_JSONC, 'v1.json'), parseConfig(V2_JSONC, 'v2.json'));
    assert.deepEqual(diffs.map((d) => [d.key, d.v1, d.v2]), [
      ['delinquency.pastDueWhen', 'greater-than', 'at-least'],
      ['rounding.loanBalance', 'none', 'cents-half-even'],
      ['delivery', ABSENT, { folder: 'out' }],
      ['legacyOnly', true, ABSENT],
    ]);
  });

  it('arrays are compared as values', () => {
    const diffs = diffKeys({ t: [30, 60] }, { t: [30, 61] });
    assert.deepEqual(diffs.map((d) => d.key), ['t']);
  });

  it('reverts JSONC keys in place, keeping comments, removing V2-only keys and adding V1-only ones', () => {
    const diffs = diffKeys(parseConfig(V1_JSONC, 'v1.json'), parseConfig(V2_JSONC, 'v2.json'));
    const one = revertKeys(V2_JSONC, 'v2.jsonc', diffs.filter((d) => d.key === 'rounding.loanBalance'));
    assert.match(one, /\/\/ replacement/);
    assert.match(one, /"loanBalance": "none"/);
    assert.match(one, /"pastDueWhen": "at-least"/);
    const all = parseConfig(revertKeys(V2_JSONC, 'v2.json', diffs), 'x.json');
    assert.deepEqual(all, parseConfig(V1_JSONC, 'v1.json'));
  });

  it('reads, reverts and places YAML keys', () => {
    const v1 = 'delinquency:\n  pastDueWhen: greater-than\nrounding:\n  loanBalance: none\n';
    const v2 = '# v2\ndelinquency:\n  pastDueWhen: at-least\nrounding:\n  loanBalance: cents-half-even\n';
    const diffs = diffKeys(parseConfig(v1, 'a.yaml'), parseConfig(v2, 'b.yaml'));
    assert.deepEqual(diffs.map((d) => d.key), ['delinquency.pastDueWhen', 'rounding.loanBalance']);
    const back = revertKeys(v2, 'b.yml', diffs.slice(0, 1));
    assert.match(back, /^# v2/);
    assert.deepEqual(parseConfig(back, 'b.yml'), { delinquency: { pastDueWhen: 'greater-than' }, rounding: { loanBalance: 'cents-half-even' } });
    assert.equal(keyLine(v2, 'b.yaml', ['rounding', 'loanBalance']), 4);
  });

  it('places a key on its 0-based line, a removed key on its parent', () => {
    assert.equal(keyLine(V2_JSONC, 'v2.json', ['delinquency', 'pastDueWhen']), 2);
    assert.equal(keyLine(V2_JSONC, 'v2.json', ['rounding', 'loanBalance']), 4);
    assert.equal(keyLine(V2_JSONC, 'v2.json', ['rounding', 'gone']), 3);
  });

  it('a syntax error names the file, line and column', () => {
    assert.throws(() => parseConfig('{\n  "a": ,\n}', 'bad.json'), (e: unknown) => e instanceof InputError && /bad\.json:2:\d+/.test(e.message));
    assert.throws(() => parseConfig('a: [1,\nb: 2', 'bad.yaml'), (e: unknown) => e instanceof InputError && /bad\.yaml/.test(e.message));
  });
});
