import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../cli';
import { FIXTURES } from './helpers';

const run = (argv: readonly string[], cwd = FIXTURES) => runCli(argv, cwd);

const SEED = 'week3-cutover-plan.md';

describe('cutover checklist', () => {
  it('prints sections, tasks with 1-based lines and criteria', async () => {
    const { code, stdout, stderr } = await run(['checklist', SEED]);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const lines = stdout.split('\n');
    assert.equal(lines[0], `${SEED}: 1/138 tasks done, 23 criteria`);
    assert.ok(lines.includes('   15      A. Staging Environment Setup  0/15'), 'section row');
    assert.ok(lines.includes('   61          [ ] Test CSV export'), 'nested task row');
    assert.ok(lines.includes('   37        ✓ V2 pipeline running in staging'), 'criterion row');
    assert.ok(lines.includes('  300      [x] Engineering approval (Zencoder)'), 'done task row');
    assert.ok(!stdout.includes('Overview'), 'sections without items are left out');
  });

  it('--json prints one document with the documented shape', async () => {
    const { code, stdout } = await run(['checklist', SEED, 'criteria.md', '--json']);
    assert.equal(code, 0);
    const doc = JSON.parse(stdout) as {
      files: { file: string; totals: unknown; sections: { title: string; depth: number; line: number; sections: { title: string; sections: { title: string; line: number; totals: unknown; tasks: { text: string; done: boolean; line: number; children: unknown[] }[]; criteria: { text: string; line: number }[] }[] }[] }[] }[];
      totals: unknown;
    };
    assert.deepEqual(Object.keys(doc), ['files', 'totals']);
    assert.deepEqual(doc.files.map((f) => [f.file, f.totals]), [
      [SEED, { tasks: 138, done: 1, criteria: 23 }],
      ['criteria.md', { tasks: 4, done: 1, criteria: 6 }],
    ]);
    assert.deepEqual(doc.totals, { tasks: 142, done: 2, criteria: 29 });
    const a = doc.files[0]!.sections[0]!.sections[1]!.sections[0]!;
    assert.equal(a.title, 'A. Staging Environment Setup');
    assert.equal(a.line, 15);
    assert.deepEqual(a.totals, { tasks: 15, done: 0, criteria: 4 });
    assert.deepEqual(Object.keys(a), ['title', 'depth', 'line', 'totals', 'tasks', 'criteria', 'sections']);
    assert.deepEqual(a.tasks[0], {
      text: 'Deploy V2 pipeline to staging environment',
      done: false,
      line: 18,
      children: [
        { text: 'Configure staging database connections', done: false, line: 19, children: [], criteria: [] },
        { text: 'Set up staging file storage paths', done: false, line: 20, children: [], criteria: [] },
        { text: 'Configure staging API endpoints', done: false, line: 21, children: [], criteria: [] },
        { text: 'Validate environment variables', done: false, line: 22, children: [], criteria: [] },
      ],
      criteria: [],
    });
    assert.deepEqual(a.criteria[3], { text: 'Shadow mode comparing outputs', line: 40 });
  });

  it('--require-done exits 1 listing the open tasks with file:line', async () => {
    const { code, stdout } = await run(['checklist', SEED, '--require-done', 'D.']);
    assert.equal(code, 1);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines[0], `D. Rollback Procedures (${SEED}:111): 0/21 tasks done, 21 open:`);
    assert.equal(lines.length, 22);
    assert.equal(lines[1], `  ${SEED}:114  [ ] Document V1 rollback steps`);
    assert.equal(lines[2], `  ${SEED}:115  [ ] Identify V1 pipeline entry points`);
  });

  it('--require-done matches whole titles case-insensitively and passes when all is done', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-checklist-'));
    try {
      writeFileSync(path.join(dir, 'plan.md'), '# Plan\n## Sign-Off\n- [x] Engineering\n- [X] Operations\n## Later\n- [ ] Not yet\n');
      const pass = await run(['checklist', 'plan.md', '--require-done', 'sign-off'], dir);
      assert.equal(pass.code, 0);
      assert.equal(pass.stdout, 'Sign-Off (plan.md:2): all 2 tasks done\n');
      const json = await run(['checklist', 'plan.md', '--require-done', 'PLAN', '--json'], dir);
      assert.equal(json.code, 1);
      const doc = JSON.parse(json.stdout) as { requireDone: unknown };
      assert.deepEqual(doc.requireDone, {
        section: 'PLAN',
        done: false,
        matched: [{ file: 'plan.md', title: 'Plan', line: 1, totals: { tasks: 3, done: 2, criteria: 0 } }],
        open: [{ file: 'plan.md', section: 'Plan', line: 6, text: 'Not yet' }],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--require-done exits 3 listing the titles when no section matches', async () => {
    const { code, stdout, stderr } = await run(['checklist', SEED, '--require-done', 'Go-live']);
    assert.equal(code, 3);
    assert.equal(stdout, '');
    assert.match(stderr, /no section of week3-cutover-plan\.md is titled "Go-live"/);
    assert.match(stderr, /\n {2}D\. Rollback Procedures\n/);
    assert.match(stderr, /\n {2}Day 1 \(Monday\)\n/);
  });

  it('says so for a file without tasks, in text and JSON', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-checklist-'));
    try {
      writeFileSync(path.join(dir, 'empty.md'), '');
      const text = await run(['checklist', 'empty.md'], dir);
      assert.equal(text.code, 0);
      assert.match(text.stdout, /^empty\.md: no tasks found/);
      const json = await run(['checklist', 'empty.md', '--json'], dir);
      assert.deepEqual(JSON.parse(json.stdout), { files: [{ file: 'empty.md', sections: [], totals: { tasks: 0, done: 0, criteria: 0 } }], totals: { tasks: 0, done: 0, criteria: 0 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names an unreadable file on stderr with the runtime exit code', async () => {
    const { code, stdout, stderr } = await run(['checklist', 'no-such-plan.md']);
    assert.equal(code, 4);
    assert.equal(stdout, '');
    assert.match(stderr, /no-such-plan\.md: cannot read the plan: no such file/);
  });
});
