import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePlan } from '../../../src/core/plan/parse';
import type { PlanTask } from '../../../src/core/plan/model';
import { allSections, allTasks, fixture, lineOf, taskNamed } from './helpers';

/** Every box of every task sits between `[` and `]` on the task's own line. */
function assertBoxesHit(text: string, tasks: readonly PlanTask[]): void {
  for (const task of tasks) {
    for (const box of task.boxes) {
      assert.equal(text.slice(box.offset - 1, box.offset + 2), `[${box.char}]`, `box of "${task.text}"`);
      assert.equal(lineOf(text, box.offset), task.line, `line of "${task.text}"`);
    }
  }
}

describe('parsePlan: the seed week-3 plan', () => {
  const text = fixture('week3-cutover-plan.md');
  const plan = parsePlan(text);

  it('finds every heading as a section, nested by depth', () => {
    // `grep -n '^#' week3-cutover-plan.md` lists these 22 headings (one `#`, eight `##`, thirteen `###`).
    assert.deepEqual(
      allSections(plan.sections).map((s) => `${s.depth} ${s.title}`),
      [
        '1 Week 3: Cutover Preparation & Staging Plan',
        '2 Overview',
        '2 Cutover Preparation Checklist',
        '3 A. Staging Environment Setup',
        '3 B. Data Validation',
        '3 C. Performance Validation',
        '3 D. Rollback Procedures',
        '3 E. Monitoring & Alerting',
        '3 F. Documentation & Training',
        '2 Week 3 Timeline',
        '3 Days 1-2: Staging Deployment',
        '3 Days 3-4: Shadow Mode',
        '3 Days 5-6: Performance Testing',
        '3 Day 7: Rollback Testing',
        '2 Cutover Timeline (Week 4)',
        '3 Day 1 (Monday)',
        '3 Day 2-3 (Tuesday-Wednesday)',
        '3 Day 4-7 (Thursday-Sunday)',
        '2 Risk Mitigation Strategies',
        '2 Success Criteria for Week 3',
        '2 Sign-Off Requirements',
        '2 Notes & Contingencies',
      ],
    );
    assert.equal(plan.sections.length, 1);
    assert.equal(plan.sections[0]!.sections.length, 8);
    assert.equal(plan.sections[0]!.sections[1]!.sections.length, 6);
  });

  it('counts tasks, done tasks and criteria', () => {
    // Counted with grep, independently of the parser (the seed has no fences, quotes or ordered lists):
    //   grep -cE '^\s*[-*+] \[[ xX]\]'  → 138 task items
    //   grep -cE '^\s*[-*+] \[[xX]\]'   → 1 done (the engineering sign-off)
    //   grep -c  '^- ✓'                 → 23 criteria (4+4+4+4+4+3 under the six "Success Criteria:" labels)
    //   grep -cE '^\s*[-*+] \[[ xX]\] \[[ xX]\]' → 60 double boxes
    //   grep -cE '^  [-*+] \['          → 84 nested (indented) tasks
    assert.deepEqual(plan.totals, { tasks: 138, done: 1, criteria: 23 });
    const tasks = allTasks(plan.sections);
    assert.equal(tasks.length, 138);
    assert.equal(tasks.filter((t) => t.boxes.length === 2).length, 60);
    assert.equal(tasks.filter((t) => t.id.split('.t').length === 3).length, 84);
    assert.equal(plan.eol, '\n');
  });

  it('puts tasks and criteria in the right sections with path ids', () => {
    const a = plan.sections[0]!.sections[1]!.sections[0]!;
    assert.equal(a.title, 'A. Staging Environment Setup');
    assert.equal(a.id, 's0.s1.s0');
    assert.equal(a.line, 14);
    assert.deepEqual(a.tasks.map((t) => t.text), ['Deploy V2 pipeline to staging environment', 'Set up monitoring in staging', 'Configure shadow mode']);
    assert.deepEqual(a.tasks[0]!.children.map((t) => t.id), ['s0.s1.s0.t0.t0', 's0.s1.s0.t0.t1', 's0.s1.s0.t0.t2', 's0.s1.s0.t0.t3']);
    assert.deepEqual(a.criteria.map((c) => `${c.id} ${c.text}`), [
      's0.s1.s0.c0 V2 pipeline running in staging',
      's0.s1.s0.c1 No errors in staging logs',
      's0.s1.s0.c2 Monitoring data flowing',
      's0.s1.s0.c3 Shadow mode comparing outputs',
    ]);
    assert.equal(a.criteria[0]!.line, 36);
  });

  it('reads the Success Criteria for Week 3 task lists as tasks of that section', () => {
    const section = allSections(plan.sections).find((s) => s.title === 'Success Criteria for Week 3')!;
    assert.equal(section.tasks.length, 15);
    assert.equal(section.criteria.length, 0);
    assert.equal(section.tasks[0]!.text, 'V2 running in staging without errors');
  });

  it('reads the sign-off list as ordinary tasks with one done', () => {
    const section = allSections(plan.sections).find((s) => s.title === 'Sign-Off Requirements')!;
    assert.deepEqual(section.tasks.map((t) => [t.text, t.done]), [
      ['Engineering approval (Zencoder)', true],
      ['Operations approval (required)', false],
      ['Business approval (required)', false],
      ['Security review (required)', false],
      ['Data governance approval (required)', false],
    ]);
  });

  it('records both boxes of a double box and strips the second from the text', () => {
    const csv = taskNamed(plan.sections, 'Test CSV export');
    // Line 61 of the file is `  - [ ] [ ] Test CSV export`: boxes at columns 5 and 9 (0-based).
    const lineStart = text.split('\n').slice(0, 60).join('\n').length + 1;
    assert.deepEqual(csv.boxes, [{ offset: lineStart + 5, char: ' ' }, { offset: lineStart + 9, char: ' ' }]);
    assert.equal(csv.line, 60);
    assert.equal(csv.done, false);
    assert.equal(csv.start, lineStart + 2);
    assert.equal(csv.end, lineStart + '  - [ ] [ ] Test CSV export'.length);
  });

  it('points every box at the character between the brackets', () => {
    assertBoxesHit(text, allTasks(plan.sections));
  });
});

describe('parsePlan: the example loan-cutover plan', () => {
  it('parses with its partial progress', () => {
    const text = readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'loan-cutover', 'cutover', 'plan.md'), 'utf8');
    const plan = parsePlan(text);
    // grep -cE '^\s*[-*+] \[[ xX]\]' → 83 tasks; grep -cE '^\s*[-*+] \[[xX]\]' → 32 done; grep -c '^- ✓' → 17 criteria;
    // grep -cE '^\s*[-*+] \[[ xX]\] \[[ xX]\]' → 40 double boxes.
    assert.deepEqual(plan.totals, { tasks: 83, done: 32, criteria: 17 });
    assert.equal(allTasks(plan.sections).filter((t) => t.boxes.length === 2).length, 40);
    assert.deepEqual(plan.sections[0]!.sections[1]!.sections.map((s) => s.title.slice(0, 2)), ['A.', 'B.', 'C.', 'D.', 'E.', 'F.']);
    assertBoxesHit(text, allTasks(plan.sections));
  });
});

describe('parsePlan: markdown that must not fool it', () => {
  it('ignores task-like lines in code fences and indented code', () => {
    const text = fixture('fences.md');
    const plan = parsePlan(text);
    assert.deepEqual(allTasks(plan.sections).map((t) => [t.text, t.done]), [['real task one', false], ['real task two', true]]);
    assert.equal(taskNamed(plan.sections, 'real task two').boxes[0]!.offset, text.indexOf('- [x] real task two') + 3);
    assert.deepEqual(plan.totals, { tasks: 2, done: 1, criteria: 0 });
  });

  it('keeps offsets on the box character with CRLF line endings', () => {
    const lf = fixture('week3-cutover-plan.md');
    const crlf = lf.replace(/\n/g, '\r\n');
    const plan = parsePlan(crlf);
    assert.equal(plan.eol, '\r\n');
    assert.deepEqual(plan.totals, { tasks: 138, done: 1, criteria: 23 });
    const tasks = allTasks(plan.sections);
    assertBoxesHit(crlf, tasks);
    // Same lines as the LF parse; the CSV task's first box moved by one `\r` per preceding line (60).
    assert.deepEqual(tasks.map((t) => t.line), allTasks(parsePlan(lf).sections).map((t) => t.line));
    assert.equal(taskNamed(plan.sections, 'Test CSV export').boxes[0]!.offset, taskNamed(parsePlan(lf).sections, 'Test CSV export').boxes[0]!.offset + 60);
    assert.ok(!tasks.some((t) => t.text.includes('\r')));
  });

  it('reads tasks inside block quotes, nested ones included', () => {
    const text = fixture('blockquote.md');
    const plan = parsePlan(text);
    const quoted = taskNamed(plan.sections, 'quoted task');
    assert.equal(quoted.boxes[0]!.offset, text.indexOf('> - [ ] quoted task') + 5);
    assert.deepEqual(quoted.children.map((t) => [t.text, t.done]), [['quoted child', true]]);
    const doubly = taskNamed(plan.sections, 'doubly quoted');
    assert.deepEqual(doubly.boxes, [{ offset: text.indexOf('> > - [X]') + 7, char: 'X' }]);
    assert.equal(doubly.done, true);
    assert.deepEqual(plan.totals, { tasks: 3, done: 2, criteria: 0 });
    assertBoxesHit(text, allTasks(plan.sections));
  });

  it('reads ordered task lists with `1.` and `1)` markers and upper-case X', () => {
    const text = fixture('ordered.md');
    const plan = parsePlan(text);
    assert.deepEqual(allTasks(plan.sections).map((t) => [t.text, t.done, t.boxes[0]!.char]), [
      ['first dot', false, ' '],
      ['second dot', true, 'x'],
      ['first paren', false, ' '],
      ['tenth paren', true, 'X'],
    ]);
    assert.equal(taskNamed(plan.sections, 'tenth paren').boxes[0]!.offset, text.indexOf('10) [X]') + 5);
    assertBoxesHit(text, allTasks(plan.sections));
  });

  it('nests tab-indented tasks five levels deep', () => {
    const text = fixture('tabs.md');
    const plan = parsePlan(text);
    let task = plan.sections[0]!.tasks[0]!;
    const chain = [task.text];
    while (task.children.length > 0) {
      assert.equal(task.children.length, 1);
      task = task.children[0]!;
      chain.push(task.text);
    }
    assert.deepEqual(chain, ['level one', 'level two', 'level three', 'level four', 'level five']);
    assert.equal(task.id, 's0.t0.t0.t0.t0.t0');
    assert.equal(task.boxes[0]!.char, 'X');
    const tabbed = taskNamed(plan.sections, 'tab after marker and check');
    assert.equal(tabbed.boxes[0]!.offset, text.indexOf('*\t[ ]\ttab') + 3);
    assert.deepEqual(plan.totals, { tasks: 6, done: 2, criteria: 0 });
    assertBoxesHit(text, allTasks(plan.sections));
  });

  it('ignores HTML comments and tables but reads lists after HTML blocks', () => {
    const plan = parsePlan(fixture('html-table.md'));
    assert.deepEqual(allTasks(plan.sections).map((t) => [t.text, t.done]), [['visible inside details', false], ['after the table', true]]);
  });

  it('keeps inline markdown out of the text', () => {
    const plan = parsePlan('# T\n\n- [ ] **Bold** `code` [link](http://x) and\n  a soft break\n');
    assert.equal(plan.sections[0]!.tasks[0]!.text, 'Bold code link and a soft break');
  });

  it('a double box takes its state from the first box', () => {
    const text = '- [x] [ ] mixed boxes\n- [ ] [link](http://x) is no second box\n- [ ] [x]: not a box either\n';
    const plan = parsePlan(text);
    const [mixed, link, colon] = plan.sections[0]!.tasks;
    assert.equal(mixed!.done, true);
    assert.equal(mixed!.text, 'mixed boxes');
    assert.deepEqual(mixed!.boxes, [{ offset: 3, char: 'x' }, { offset: 7, char: ' ' }]);
    assert.equal(link!.boxes.length, 1);
    assert.equal(link!.text, 'link is no second box');
    assert.equal(colon!.boxes.length, 1);
  });
});

describe('parsePlan: sections and criteria', () => {
  const plan = parsePlan(fixture('criteria.md'));

  it('puts items before the first heading in a root section', () => {
    const root = plan.sections[0]!;
    assert.deepEqual([root.id, root.title, root.depth], ['s0', '', 0]);
    assert.deepEqual(root.tasks.map((t) => t.text), ['preamble task before any heading']);
    assert.equal(plan.sections[1]!.title, 'Release');
    assert.equal(plan.sections[1]!.id, 's1');
  });

  it('omits the root section when nothing precedes the first heading', () => {
    assert.deepEqual(parsePlan('Intro prose.\n\n- a plain bullet\n\n# A\n- [ ] t\n').sections.map((s) => s.title), ['A']);
  });

  it('takes ✓ items under a task as its criteria and plain notes as nothing', () => {
    const ship = taskNamed(plan.sections, 'Ship it');
    assert.deepEqual(ship.criteria.map((c) => [c.id, c.text, c.line]), [['s1.t0.c0', 'Shipped to staging', 6]]);
    assert.deepEqual(ship.children.map((t) => [t.text, t.done]), [['Tag the release', true]]);
  });

  it('takes the list after a Success Criteria label as criteria, marks stripped', () => {
    assert.deepEqual(plan.sections[1]!.criteria.map((c) => c.text), ['Variance under 0.1%', 'Rollback under 5 minutes', 'Zero data loss']);
  });

  it('takes plain bullets under a success-criteria heading as criteria; tasks below them stay tasks', () => {
    const sub = plan.sections[1]!.sections[0]!;
    assert.equal(sub.title, 'Success criteria for go-live');
    assert.deepEqual(sub.criteria.map((c) => c.text), ['Dashboards green', 'Phase 2']);
    assert.deepEqual(sub.tasks.map((t) => t.text), ['Grouped task under a plain bullet']);
    assert.equal(sub.tasks[0]!.id, 's1.s0.t0');
  });

  it('totals everything (1 + 2 + 1 tasks, 1 + 3 + 2 criteria)', () => {
    assert.deepEqual(plan.totals, { tasks: 4, done: 1, criteria: 6 });
  });
});

describe('parsePlan: size extremes', () => {
  it('parses an empty file to nothing', () => {
    assert.deepEqual(parsePlan(''), { sections: [], totals: { tasks: 0, done: 0, criteria: 0 }, eol: '\n' });
  });

  it('parses a plan with 5,000+ tasks', function () {
    this.timeout(60_000);
    // 100 sections × (45 flat tasks + 1 parent with 4 double-box children) = 5,000 tasks; every 3rd flat task done;
    // 2 criteria per section. (Mostly flat because the former micromark parser was quadratic in list items.)
    let text = '# Huge plan\n\n';
    let done = 0;
    for (let s = 0; s < 100; s++) {
      text += `## Section ${s}\n\n**Tasks:**\n`;
      for (let i = 0; i < 45; i++) {
        const d = i % 3 === 0;
        if (d) done++;
        text += `- [${d ? 'x' : ' '}] Task ${s}.${i}\n`;
      }
      text += `- [ ] Parent ${s}\n`;
      for (let c = 0; c < 4; c++) text += `  - [ ] [ ] Child ${s}.${c}\n`;
      text += '\n**Success Criteria:**\n- ✓ First\n- ✓ Second\n\n';
    }
    const plan = parsePlan(text);
    assert.deepEqual(plan.totals, { tasks: 5000, done, criteria: 200 });
    assert.equal(done, 1500);
    const last = plan.sections[0]!.sections[99]!.tasks[45]!.children[3]!;
    assert.equal(last.text, 'Child 99.3');
    assert.equal(last.id, 's0.s99.t45.t3');
    assert.equal(last.boxes[1]!.offset, text.lastIndexOf('[ ] Child 99.3') + 1);
  });
});

describe('parsePlan: GFM checks on markdown-it structure', () => {
  it('finds the box of an item that opens on its parent item’s line', () => {
    const text = '- 1. [ ] x\n- - [x] y\n> - > - [ ] z\n';
    const tasks = allTasks(parsePlan(text).sections);
    assert.deepEqual(tasks.map((t) => [t.text, t.start, t.boxes[0]!.offset]), [
      ['x', text.indexOf('1.'), text.indexOf('[ ] x') + 1],
      ['y', text.indexOf('- [x]'), text.indexOf('[x] y') + 1],
      ['z', text.indexOf('- [ ] z'), text.indexOf('[ ] z') + 1],
    ]);
  });

  it('reads a check on the line after its marker', () => {
    const text = '-\n  [ ] next line\n';
    const [task] = parsePlan(text).sections[0]!.tasks;
    assert.deepEqual([task!.text, task!.line, task!.boxes[0]!.offset], ['next line', 0, text.indexOf('[ ]') + 1]);
  });

  it('needs text after the check, as GitHub does: a bare `- [ ]` is a plain bullet', () => {
    const plan = parsePlan('- [ ]\n- [x]   \n- [ ]\n  continued\n- [ ]x no space\n');
    assert.deepEqual(allTasks(plan.sections).map((t) => [t.text, t.line]), [['continued', 2]]);
  });

  it('takes a tab inside the check as unchecked wherever the tab stop falls', () => {
    const text = '1. [\t] tab inside the check\n';
    assert.deepEqual(parsePlan(text).sections[0]!.tasks[0]!.boxes, [{ offset: 4, char: ' ' }]);
  });

  it('reads a second `[x]` as a link, not a box, where a reference `[x]` is defined', () => {
    const [task] = parsePlan('- [ ] [x] ref\n\n[x]: https://example.com\n').sections[0]!.tasks;
    assert.deepEqual([task!.text, task!.boxes.length], ['x ref', 1]);
  });

  it('keeps words apart across a hard line break', () => {
    // The micromark-based parser glued them ("ab"): a hard break carries no text in mdast.
    const plan = parsePlan('- [ ] two spaces  \n  break\n- [ ] backslash\\\n  break\n');
    assert.deepEqual(plan.sections[0]!.tasks.map((t) => t.text), ['two spaces break', 'backslash break']);
  });

  it('reads a list that does not start at 1 after a block other than a paragraph (CommonMark)', () => {
    // Only a paragraph stops `2)` from starting a list; micromark also refused it inside an item that interrupted one.
    const plan = parsePlan('Intro\n1. - 2) [x] nested\n\n    code\n3. [ ] after code\n');
    assert.deepEqual(allTasks(plan.sections).map((t) => t.text), ['nested', 'after code']);
  });

  it('ends an item at the end of its last line, in block quotes too', () => {
    const text = fixture('blockquote.md');
    const quoted = taskNamed(parsePlan(text).sections, 'quoted task');
    assert.equal(text.slice(quoted.start, quoted.end), '- [ ] quoted task\n>   - [x] quoted child');
    const crlf = parsePlan('- [ ] a  \r\n  - b\t\r\n\r\n').sections[0]!.tasks[0]!;
    assert.equal(crlf.end, '- [ ] a  \r\n  - b\t'.length);
  });

  it('counts lone CR line endings as markdown-it does', () => {
    const text = '# T\r- [ ] a\r- [x] b\r';
    assert.deepEqual(parsePlan(text).sections[0]!.tasks.map((t) => [t.line, t.boxes[0]!.offset]), [[1, 7], [2, 15]]);
  });

  it('documents where markdown-it and GitHub differ (no task is affected)', () => {
    // A lazy line indented 4+ columns past its container: GitHub (CommonMark) continues "b" ("b - [ ] c"),
    // markdown-it starts indented code. Either way `c` is no task.
    const lazy = parsePlan('  1. [X] a\n      - [x] b\n    - [ ] c\n');
    assert.deepEqual(allTasks(lazy.sections).map((t) => t.text), ['a', 'b']);
    // GFM strikes through single tildes and drops footnote references; markdown-it 14 without plugins keeps both.
    const text = parsePlan('- [ ] ~about~ 5 min[^1]\n\n[^1]: Measured in staging.\n').sections[0]!.tasks[0]!.text;
    assert.equal(text, '~about~ 5 min[^1]');
  });
});
