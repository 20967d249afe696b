import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_PLAN_PATTERNS, listPlanCandidates, planPatterns, selectPlanFiles } from '../../../src/core/plan/discover';

const CANDIDATES = [
  'README.md',
  'cutover/plan.md',
  'cutover/appendix/rollback.markdown',
  'docs/Cutover-Plan.md',
  'docs/notes.md',
  'node_modules/pkg/cutover-plan.md',
  '.cutover/runs/x/cutover/plan.md',
  'cutover/plan.md.bak',
];

describe('plan discovery (core/plan/discover)', () => {
  it('takes cutover.json over the setting over the defaults; an empty list names nothing', () => {
    assert.deepEqual(planPatterns({ config: ['a.md'], setting: ['b.md'] }), { patterns: ['a.md'], source: 'cutover.json' });
    assert.deepEqual(planPatterns({ config: [], setting: ['b.md'] }), { patterns: ['b.md'], source: 'setting' });
    assert.deepEqual(planPatterns({ config: undefined, setting: [] }), { patterns: DEFAULT_PLAN_PATTERNS, source: 'default' });
  });

  it('finds by default the files named like a cutover plan or under cutover/, never dependencies or the run store', () => {
    const { files } = selectPlanFiles(CANDIDATES, DEFAULT_PLAN_PATTERNS);
    assert.deepEqual(files, ['cutover/appendix/rollback.markdown', 'cutover/plan.md', 'docs/Cutover-Plan.md']);
  });

  it('matches globs and literal names, each file once, and names the patterns that match nothing', () => {
    const { files, unmatched } = selectPlanFiles(CANDIDATES, ['cutover/*.md', './cutover/plan.md', 'docs/{notes,missing}.md', 'plans/**/*.md']);
    assert.deepEqual(files, ['cutover/plan.md', 'docs/notes.md']);
    assert.deepEqual(unmatched, ['plans/**/*.md']);
  });

  it('reads Windows separators in candidates and patterns alike', () => {
    assert.deepEqual(selectPlanFiles(['cutover\\plan.md'], ['cutover\\*.md']).files, ['cutover/plan.md']);
  });

  it('lists the markdown files on disk, skipping node_modules, .git, .cutover and symbolic links', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cutover-discover-'));
    try {
      for (const file of CANDIDATES.concat('.git/cutover-plan.md', 'data/loans.csv')) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), '- [ ] task\n');
      }
      symlinkSync(join(root, 'cutover'), join(root, 'linked'));
      const listed = await listPlanCandidates(root);
      assert.deepEqual(listed.sort(), ['README.md', 'cutover/appendix/rollback.markdown', 'cutover/plan.md', 'docs/Cutover-Plan.md', 'docs/notes.md']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
