import assert from 'node:assert/strict';
import { ConflictError } from '../../../src/core/errors';
import { parsePlan } from '../../../src/core/plan/parse';
import { applyEdits, taskAsMarkdown, toggleEdits } from '../../../src/core/plan/toggle';
import { allTasks, fixture, taskNamed } from './helpers';

describe('toggleEdits', () => {
  const seed = fixture('week3-cutover-plan.md');

  it('checks a task with one one-character edit', () => {
    const task = taskNamed(parsePlan(seed).sections, 'Deploy V2 pipeline to staging environment');
    const edits = toggleEdits(seed, task, true);
    assert.deepEqual(edits, [{ offset: seed.indexOf('- [ ] Deploy V2 pipeline to staging') + 3, length: 1, text: 'x' }]);
    const after = applyEdits(seed, edits);
    assert.equal(after.length, seed.length);
    assert.ok(after.includes('- [x] Deploy V2 pipeline to staging environment\n'));
    assert.equal(taskNamed(parsePlan(after).sections, 'Deploy V2 pipeline to staging environment').done, true);
  });

  it('toggles both boxes of a double box', () => {
    const task = taskNamed(parsePlan(seed).sections, 'Test CSV export');
    const checked = applyEdits(seed, toggleEdits(seed, task, true));
    assert.ok(checked.includes('  - [x] [x] Test CSV export\n'));
    const reparsed = taskNamed(parsePlan(checked).sections, 'Test CSV export');
    assert.deepEqual(reparsed.boxes.map((b) => b.char), ['x', 'x']);
    assert.equal(reparsed.done, true);
    const unchecked = applyEdits(checked, toggleEdits(checked, reparsed, false));
    assert.equal(unchecked, seed);
  });

  it('brings a mixed double box to one state', () => {
    const text = '- [x] [ ] mixed\n';
    const task = parsePlan(text).sections[0]!.tasks[0]!;
    assert.equal(applyEdits(text, toggleEdits(text, task, true)), '- [x] [x] mixed\n');
    assert.equal(applyEdits(text, toggleEdits(text, task, false)), '- [ ] [ ] mixed\n');
  });

  it('un-checks an upper-case X with a space and checks with a lower-case x', () => {
    const text = fixture('ordered.md');
    const plan = parsePlan(text);
    const upper = taskNamed(plan.sections, 'tenth paren');
    assert.deepEqual(toggleEdits(text, upper, false), [{ offset: upper.boxes[0]!.offset, length: 1, text: ' ' }]);
    assert.deepEqual(toggleEdits(text, upper, true), []);
  });

  it('round-trips every task of the seed byte for byte, LF and CRLF', () => {
    for (const text of [seed, seed.replace(/\n/g, '\r\n')]) {
      for (const task of allTasks(parsePlan(text).sections)) {
        const flipped = applyEdits(text, toggleEdits(text, task, !task.done));
        assert.notEqual(flipped, text);
        // The task as a fresh parse of `flipped` would see it (re-parsing 276 times would be slow).
        const flippedTask = { ...task, boxes: task.boxes.map((b) => ({ ...b, char: task.done ? (' ' as const) : ('x' as const) })) };
        assert.equal(applyEdits(flipped, toggleEdits(flipped, flippedTask, task.done)), text);
      }
    }
  });

  it('round-trips in block quotes, tabs and CRLF fixtures', () => {
    for (const name of ['blockquote.md', 'tabs.md', 'ordered.md', 'fences.md']) {
      const text = fixture(name).replace(/\n/g, '\r\n');
      for (const task of allTasks(parsePlan(text).sections)) {
        const flipped = applyEdits(text, toggleEdits(text, task, !task.done));
        const reparsed = allTasks(parsePlan(flipped).sections).find((t) => t.id === task.id)!;
        assert.equal(reparsed.done, !task.done, `${name}: ${task.text}`);
        const back = applyEdits(flipped, toggleEdits(flipped, reparsed, task.done));
        // An upper-case X comes back as a lower-case x; everything else is byte for byte.
        assert.equal(back, task.boxes[0]!.char === 'X' ? replaceAt(text, task.boxes[0]!.offset, 'x') : text, `${name}: ${task.text}`);
      }
    }
  });

  it('refuses a stale edit with a ConflictError naming the line', () => {
    const task = taskNamed(parsePlan(seed).sections, 'Configure staging database connections');
    const moved = `Inserted line\n${seed}`;
    assert.throws(() => toggleEdits(moved, task, true), (error: unknown) => {
      assert.ok(error instanceof ConflictError);
      assert.match(error.message, /line 19 changed since it was read/);
      return true;
    });
    const alreadyChecked = applyEdits(seed, toggleEdits(seed, task, true));
    assert.throws(() => toggleEdits(alreadyChecked, task, true), ConflictError);
  });
});

describe('applyEdits', () => {
  it('applies edits in any order and refuses overlaps', () => {
    assert.equal(applyEdits('abcdef', [{ offset: 4, length: 1, text: 'E' }, { offset: 0, length: 2, text: '' }]), 'cdEf');
    assert.throws(() => applyEdits('abcdef', [{ offset: 0, length: 3, text: '' }, { offset: 2, length: 1, text: 'x' }]), RangeError);
  });
});

describe('taskAsMarkdown', () => {
  it('returns the item and its children de-indented', () => {
    const seed = fixture('week3-cutover-plan.md');
    const task = taskNamed(parsePlan(seed).sections, 'Set up monitoring in staging');
    assert.equal(taskAsMarkdown(seed, task), [
      '- [ ] Set up monitoring in staging',
      '  - [ ] Enable logging aggregation',
      '  - [ ] Configure metrics collection',
      '  - [ ] Set up health check endpoints',
      '  - [ ] Enable distributed tracing',
    ].join('\n'));
    const child = taskNamed(parsePlan(seed).sections, 'Test CSV export');
    assert.equal(taskAsMarkdown(seed, child), '- [ ] [ ] Test CSV export');
  });

  it('drops the block-quote prefix and keeps CRLF', () => {
    const text = fixture('blockquote.md').replace(/\n/g, '\r\n');
    const task = taskNamed(parsePlan(text).sections, 'quoted task');
    assert.equal(taskAsMarkdown(text, task), '- [ ] quoted task\r\n  - [x] quoted child');
  });
});

function replaceAt(text: string, offset: number, char: string): string {
  return text.slice(0, offset) + char + text.slice(offset + 1);
}
