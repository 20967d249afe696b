import assert from 'node:assert/strict';
import { escapeHelp, escapeLabelValue, formatSampleValue, writeExposition } from '../../../src/core/metrics/exposition';
import { promtoolCheckMetrics } from './fixtures';

const family = { name: 'cutover_test_seconds', help: 'A test.', unit: 'seconds' };

describe('metrics exposition writer', () => {
  it('escapes backslash, quote and line feed in label values, backslash and line feed in help', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    assert.equal(escapeHelp('x\\y\n"z"'), 'x\\\\y\\n"z"');
  });

  it('writes the special values as Go floats', () => {
    assert.deepEqual([NaN, Infinity, -Infinity, 0.25, 1e-7].map(formatSampleValue), ['NaN', '+Inf', '-Inf', '0.25', '1e-7']);
  });

  it('writes HELP, TYPE gauge, UNIT, sorted labels and # EOF; leaves out empty families', () => {
    const text = writeExposition([
      { family, samples: [{ labels: { z: '1', a: 'q"uote' }, value: 2 }] },
      { family: { name: 'cutover_empty', help: 'none' }, samples: [] },
    ]);
    assert.equal(text, [
      '# HELP cutover_test_seconds A test.',
      '# TYPE cutover_test_seconds gauge',
      '# UNIT cutover_test_seconds seconds',
      'cutover_test_seconds{a="q\\"uote",z="1"} 2',
      '# EOF',
      '',
    ].join('\n'));
  });

  it('refuses duplicate samples and invalid names', () => {
    assert.throws(() => writeExposition([{ family, samples: [{ labels: { a: '1' }, value: 1 }, { labels: { a: '1' }, value: 2 }] }]), /duplicate sample/);
    assert.throws(() => writeExposition([{ family: { name: 'bad-name', help: 'x' }, samples: [{ labels: {}, value: 1 }] }]), /invalid metric name/);
    assert.throws(() => writeExposition([{ family, samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }]), /invalid label name/);
  });

  it('passes promtool check metrics with hostile label values, and promtool catches a broken text', () => {
    const text = writeExposition([{ family, samples: [{ labels: { segment: 'region="north"\\\nsouth', kpi: 'ünïcode' }, value: Infinity }] }]);
    const ok = promtoolCheckMetrics(text);
    assert.equal(ok.status, 0, ok.output);
    const broken = promtoolCheckMetrics(text.replace('\\"north\\"', '"north"'));
    assert.notEqual(broken.status, 0, 'promtool must reject unescaped quotes (the check can fail)');
  });
});
