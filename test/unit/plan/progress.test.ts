import assert from 'node:assert/strict';
import { parsePlan } from '../../../src/core/plan/parse';
import { hasOpenWork, sectionHasOpenWork, sectionTotals, taskTotals } from '../../../src/core/plan/progress';
import type { PlanSection, PlanTask } from '../../../src/core/plan/model';
import { fixture, taskNamed } from './helpers';

describe('progress', () => {
  const plan = parsePlan(fixture('week3-cutover-plan.md'));

  it('totals a section with its sub-sections and nested tasks', () => {
    const checklist = plan.sections[0]!.sections[1]!;
    assert.equal(checklist.title, 'Cutover Preparation Checklist');
    // Sections A–F: (3+12) + (4+17) + (3+14) + (4+17) + (3+12) + (3+12) tasks; 4+4+4+4+4+3 criteria.
    assert.deepEqual(sectionTotals(checklist), { tasks: 104, done: 0, criteria: 23 });
    assert.deepEqual(sectionTotals(plan.sections[0]!), plan.totals);
  });

  it('totals a task subtree, the task itself included', () => {
    assert.deepEqual(taskTotals(taskNamed(plan.sections, 'Output channel validation')), { tasks: 6, done: 0, criteria: 0 });
    const ship = taskNamed(parsePlan(fixture('criteria.md')).sections, 'Ship it');
    assert.deepEqual(taskTotals(ship), { tasks: 2, done: 1, criteria: 1 });
  });

  it('hides completed tasks but keeps a done parent with open children', () => {
    const text = '# S\n- [x] done parent\n  - [ ] open child\n  - [x] done child\n- [x] done leaf\n- [ ] open leaf\n# All done\n- [x] finished\n# Criteria only\n- ✓ shown\n';
    const sections = parsePlan(text).sections;
    assert.deepEqual(sections.filter(sectionHasOpenWork).map((s) => s.title), ['S', 'Criteria only']);
    const s = sections[0]!;
    assert.deepEqual(s.tasks.filter(hasOpenWork).map((t) => [t.id, t.text]), [['s0.t0', 'done parent'], ['s0.t2', 'open leaf']]);
    assert.deepEqual(s.tasks[0]!.children.filter(hasOpenWork).map((t) => t.text), ['open child']);
  });

  it('keeps every open task of the seed when hiding completed ones', () => {
    const kept = (tasks: readonly PlanTask[]): number => tasks.filter(hasOpenWork).reduce((n, t) => n + 1 + kept(t.children), 0);
    const visible = (sections: readonly PlanSection[]): PlanSection[] =>
      sections.filter(sectionHasOpenWork).flatMap((s) => [s, ...visible(s.sections)]);
    assert.equal(visible(plan.sections).reduce((n, s) => n + kept(s.tasks), 0), 137);
    assert.ok(!visible(plan.sections).some((s) => s.title === 'Overview'));
  });
});
