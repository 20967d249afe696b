import * as assert from 'node:assert/strict';
import { ConflictError } from '../../../src/core/errors';
import { parsePlan } from '../../../src/core/plan/parse';
import { applyEdits } from '../../../src/core/plan/toggle';
import { tickWithEvidenceEdits } from '../../../src/core/readiness/tick';

const ID = '20251201-120000-000-abcdef';
const LINK = '../.cutover/runs/20251201-120000-000-abcdef/run.json';

function firstTask(text: string) {
  const task = parsePlan(text).sections[0]!.tasks[0];
  if (!task) throw new Error('no task');
  return task;
}

describe('Tick with Evidence edits', () => {
  it('checks the box and appends the run link to the first line only', () => {
    const text = '# P\n- [ ] Roll back to V1\n  continued line\n- [ ] next\n';
    const out = applyEdits(text, tickWithEvidenceEdits(text, firstTask(text), ID, LINK));
    assert.equal(out, `# P\n- [x] Roll back to V1 ([evidence: run ${ID}](${LINK}))\n  continued line\n- [ ] next\n`);
  });

  it('keeps CRLF and a trailing hard break, and checks both boxes of a double box', () => {
    const text = '# P\r\n- [ ] [ ] Roll back  \r\n';
    const out = applyEdits(text, tickWithEvidenceEdits(text, firstTask(text), ID, 'a b/run.json'));
    assert.equal(out, `# P\r\n- [x] [x] Roll back ([evidence: run ${ID}](a%20b/run.json))  \r\n`);
  });

  it('does not add the same run twice, and refuses when the text moved', () => {
    const text = `# P\n- [ ] Roll back ([evidence: run ${ID}](${LINK}))\n`;
    const edits = tickWithEvidenceEdits(text, firstTask(text), ID, LINK);
    assert.equal(edits.length, 1);
    const task = firstTask(text);
    assert.throws(() => tickWithEvidenceEdits(text.replace('[ ]', '[x]'), task, ID, LINK), ConflictError);
  });
});
