/** Decisions on a configuration change: acceptances read from the reviews, regressions as plan checklist tasks. */
import assert from 'node:assert/strict';
import { acceptanceOf, addRegressionTask, markedBy, regressionTaskLine, regressionTasksOf } from '../../../src/core/explain/decisions';
import { parsePlan } from '../../../src/core/plan/parse';
import type { Review } from '../../../src/core/reviews/store';
import type { ExplainLine, ExplainResults } from '../../../src/core/runs/results';

const line = (kpi: string, cause: string, v2: number): ExplainLine => ({
  segment: 'total', kpi, v1: 1, v2, relVariance: Math.abs(v2 - 1), verdict: 'fail', causeKind: cause === 'code' ? 'code' : 'key', cause, shares: [], remainder: 0, reason: '',
});
const explain = { lines: [line('dq30', 'a.b', 1.2), line('dq60', 'a.b', 1.3), line('gamma', 'code', 1.5)] } as unknown as ExplainResults;
const review = (kpi: string, v2: number, when: string): Review => ({ runId: 'r', segment: 'total', kpi, v1: 1, v2, relVariance: null, reason: 'expected', who: 'ana', when });

function apply(text: string, e: { offset: number; length: number; text: string }): string {
  return text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length);
}

describe('explain: decisions', () => {
  it('an acceptance is the reviews of exactly the lines attributed to the key', () => {
    assert.equal(acceptanceOf('a.b', explain, []), undefined);
    const partly = acceptanceOf('a.b', explain, [review('dq30', 1.2, '2026-01-01T00:00:00Z')]);
    assert.equal(partly?.open, 1);
    // A review of other values (the numbers moved) covers nothing.
    assert.equal(acceptanceOf('a.b', explain, [review('dq30', 1.25, '2026-01-01T00:00:00Z')]), undefined);
    const full = acceptanceOf('a.b', explain, [review('dq30', 1.2, '2026-01-01T00:00:00Z'), review('dq60', 1.3, '2026-01-02T00:00:00Z')]);
    assert.equal(full?.open, 0);
    assert.equal(full?.reviews[0]?.kpi, 'dq60');
    assert.equal(acceptanceOf('gamma', explain, [review('gamma', 1.5, '2026-01-01T00:00:00Z')]), undefined);
  });

  it('a regression is an open task added to its own section, read back with who marked it', () => {
    const text = '# Plan\n\n## Steps\n\n- [ ] one\n';
    const task = regressionTaskLine('a.b', 'moves dq30 +20%', '.cutover/runs/x/run.json', 'ana', new Date('2026-12-01T10:00:00Z'), 'not intended');
    const once = apply(text, addRegressionTask(text, parsePlan(text), task));
    assert.match(once, /## Steps\n\n- \[ \] one\n\n## Regressions found by cutover explain\n\n- \[ \] Regression: `a\.b` moves dq30 \+20% \(not intended\) — marked by ana on 2026-12-01; evidence: \[\.cutover\/runs\/x\/run\.json\]/);
    const second = regressionTaskLine('c', 'no effect on KPIs', 'e', 'bo', new Date('2026-12-02T00:00:00Z'), '');
    const twice = apply(once, addRegressionTask(once, parsePlan(once), second));
    assert.equal(twice.match(/## Regressions/g)?.length, 1);
    assert.ok(twice.endsWith(`${task}\n${second}\n`), twice);
    const tasks = regressionTasksOf(parsePlan(twice), 'a.b');
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0] && markedBy(tasks[0]), 'ana');
    assert.equal(regressionTasksOf(parsePlan(twice), 'a').length, 0);
  });
});
