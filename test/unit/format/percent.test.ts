/** The one percent formatter every surface prints a variance with. */
import * as assert from 'node:assert/strict';
import { formatPercent } from '../../../src/core/percent';

describe('formatPercent (core/percent.ts)', () => {
  it('keeps two decimals under 10%, one above, and two significant digits for tiny values', () => {
    assert.deepEqual(
      [0, 0.0352, -0.0352, 0.001, 0.00004, 0.1109, 12.3456].map((r) => formatPercent(r)),
      ['0%', '3.52%', '-3.52%', '0.10%', '0.0040%', '11.1%', '1,234.6%'],
    );
  });

  it('prints a missing value as a dash and a non-finite one by name, from a record or as the number itself', () => {
    assert.equal(formatPercent(null), '—');
    assert.equal(formatPercent(null, 'Infinity'), '∞');
    assert.equal(formatPercent(null, '-Infinity'), '−∞');
    assert.equal(formatPercent(null, 'NaN'), 'NaN');
    assert.equal(formatPercent(Infinity), '∞');
    assert.equal(formatPercent(Number.NaN), 'NaN');
  });
});
