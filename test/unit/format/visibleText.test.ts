/** Hostile text in the terminal: control characters and bidi overrides from data are printed as visible escapes. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawStream, terminalStream } from '../../../src/cli/terminal';
import { visibleText } from '../../../src/core/visibleText';
import { runCli, sink } from '../cli';
import { kpiLine, shadowRecord, writeRecord } from '../gate/records';

/** What a terminal or a bidi-aware renderer acts on (the reliability suite's test, plus CR and the bidi marks). */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
const BIDI = 'bidi \u202eevil\u202c';
const ESC = 'esc \u001b[2J\u001b]0;owned\u0007 title';
const C1 = 'c1 \u009b31m';
const ID = '20260101-000000-000-abcdef';

describe('hostile text in the terminal', () => {
  it('visibleText writes controls and bidi characters as \\uXXXX and leaves ordinary Unicode alone', () => {
    assert.equal(visibleText(BIDI), 'bidi \\u202eevil\\u202c');
    assert.equal(visibleText(ESC), 'esc \\u001b[2J\\u001b]0;owned\\u0007 title');
    assert.equal(visibleText(`${C1} nul \u0000 del \u007f cr \r lrm \u200e isolate \u2066x\u2069`), 'c1 \\u009b31m nul \\u0000 del \\u007f cr \\u000d lrm \\u200e isolate \\u2066x\\u2069');
    const ordinary = 'Ümlaut café 😀🏳️‍🌈 貸款 עברית\tcol\nline';
    assert.equal(visibleText(ordinary), ordinary);
  });

  it('the guarded stream escapes strings, keeps JSON parsing to the same value, passes buffers and has a raw side', () => {
    const out = sink();
    const guarded = terminalStream(out);
    const value = { kpi: BIDI, reason: `${ESC} ${C1}` };
    guarded.write(`${JSON.stringify(value)}\n`);
    guarded.write(Buffer.from('\u001b[32mgreen\u001b[0m'));
    out.end();
    const text = out.text();
    assert.doesNotMatch(text.split('\n')[0]!, ACTIVE);
    assert.deepEqual(JSON.parse(text.split('\n')[0]!), value);
    assert.match(text, /\u001b\[32mgreen/, 'a runbook command\'s own output passes as it is');
    assert.equal(rawStream(guarded), out);
    assert.equal(terminalStream(guarded), guarded, 'guarding twice is guarding once');
  });

  describe('every CLI report of a run with hostile KPI names, segments and reasons', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'cutover-hostile-text-'));
      const record = shadowRecord(ID, [
        kpiLine(`segment ${BIDI}`, BIDI, 0.1, 0.5),
        kpiLine(`segment ${ESC}`, ESC, 0.1, 0.3),
        kpiLine('total', C1, 1, 2),
      ]);
      record.verdict = { verdict: 'fail', reasons: [BIDI, ESC, C1] };
      writeRecord(root, record);
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('cutover gate prints the names as escapes; --json keeps them exactly', async () => {
      const text = await runCli(['gate', ID], root);
      assert.equal(text.code, 1, text.stderr);
      assert.doesNotMatch(text.stdout + text.stderr, ACTIVE);
      assert.ok(text.stdout.includes('bidi \\u202eevil\\u202c'), text.stdout);
      const json = await runCli(['gate', ID, '--json'], root);
      assert.doesNotMatch(json.stdout, ACTIVE);
      const kpis = (JSON.parse(json.stdout) as { criteria: unknown }).criteria;
      assert.ok(JSON.stringify(kpis).includes(JSON.stringify(BIDI).slice(1, -1)), 'the parsed JSON holds the raw override');
    });

    it('cutover review accept, review list and its errors print the reason and names as escapes', async () => {
      const accepted = await runCli(['review', 'accept', ID, '--kpi', BIDI, '--segment', `segment ${BIDI}`, '--reason', `${ESC} ${C1}`, '--by', `Ada ${BIDI}`], root);
      assert.equal(accepted.code, 0, accepted.stderr);
      const list = await runCli(['review', 'list'], root);
      assert.doesNotMatch(list.stdout + list.stderr, ACTIVE);
      assert.ok(list.stdout.includes('\\u001b[2J'), list.stdout);
      const listed = JSON.parse((await runCli(['review', 'list', '--json'], root)).stdout) as { reason: string }[];
      assert.equal(listed[0]?.reason, `${ESC} ${C1}`);
      const unknown = await runCli(['review', 'accept', ID, '--kpi', `no such ${BIDI}`, '--segment', 'total', '--reason', 'x'], root);
      assert.ok(unknown.code >= 3, unknown.stdout);
      assert.match(unknown.stderr, /no such bidi \\u202eevil/);
      assert.doesNotMatch(unknown.stderr, ACTIVE);
    });

    it('cutover compare prints a hostile column name as escapes in its table; --json keeps it exactly', async () => {
      const column = `bal${BIDI}${ESC}`;
      writeFileSync(join(root, 'v1.csv'), `id,"${column}"\n1,10\n2,20\n`);
      writeFileSync(join(root, 'v2.csv'), `id,"${column}"\n1,10\n2,25\n`);
      const text = await runCli(['compare', 'v1.csv', 'v2.csv', '--key', 'id'], root);
      assert.equal(text.code, 1, text.stderr);
      assert.ok(text.stdout.includes('balbidi \\u202eevil\\u202cesc \\u001b[2J'), text.stdout);
      assert.doesNotMatch(text.stdout + text.stderr, ACTIVE);
      const json = await runCli(['compare', 'v1.csv', 'v2.csv', '--key', 'id', '--json'], root);
      assert.doesNotMatch(json.stdout, ACTIVE);
      assert.ok(json.stdout.includes('\\u202e'), 'the override is a JSON escape');
      assert.ok(JSON.stringify(JSON.parse(json.stdout)).includes(JSON.stringify(column).slice(1, -1)), 'the parsed JSON holds the exact column name');
    });

    it('cutover readiness prints and writes its Markdown with the names as escapes', async () => {
      writeFileSync(join(root, 'plan.md'), '# Plan\n## Go\n- [ ] Decide\n**Success Criteria:**\n- ✓ Go/no-go is go\n');
      writeFileSync(join(root, 'cutover.json'), JSON.stringify({
        plans: ['plan.md'],
        pipelines: {
          v1: { command: ['node', 'v1.mjs'], outputs: { kpis: { path: 'kpis.parquet' } } },
          v2: { command: ['node', 'v2.mjs'], outputs: { kpis: { path: 'kpis.parquet' } } },
        },
        criteria: { maxAgeHours: 24 * 365 * 10, rules: [{ match: 'Go/no-go is go', rule: { kind: 'gate' } }] },
      }));
      const printed = await runCli(['readiness'], root);
      assert.equal(printed.code, 1, printed.stderr);
      assert.ok(printed.stdout.includes('\\u202eevil'), printed.stdout);
      assert.doesNotMatch(printed.stdout + printed.stderr, ACTIVE);
      const written = await runCli(['readiness', '--out', 'report.md'], root);
      assert.equal(written.code, 1, written.stderr);
      const file = readFileSync(join(root, 'report.md'), 'utf8');
      assert.ok(file.includes('\\u202eevil'), file);
      assert.doesNotMatch(file, ACTIVE);
    });
  });
});
