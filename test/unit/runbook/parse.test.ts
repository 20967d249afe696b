import assert from 'node:assert/strict';
import type { RunbookStep } from '../../../src/core/runbook/model';
import { parseRunbook } from '../../../src/core/runbook/parse';
import { fixture, lineOf } from './helpers';

/** id, kind, title, parent, runnable, group — the shape of a step without its blocks. */
function outline(steps: readonly RunbookStep[]): [string, string, string, string, boolean, boolean][] {
  return steps.map((s) => [s.id, s.kind, s.title, s.parent ?? '', s.runnable, s.group]);
}

describe('parseRunbook', () => {
  it('an empty file has no title and no steps', () => {
    assert.deepEqual(parseRunbook(''), { title: '', steps: [] });
  });

  it('prose without step headings or blocks has no steps', () => {
    const runbook = parseRunbook(fixture('no-steps.md'));
    assert.equal(runbook.title, 'Just prose');
    assert.equal(runbook.steps.length, 0);
  });

  it('headings of depth ≥ 2 are steps; the # heading is the title; inline markdown is stripped', () => {
    const text = fixture('headings.md');
    const runbook = parseRunbook(text);
    assert.equal(runbook.title, 'Deploy the service');
    assert.deepEqual(outline(runbook.steps), [
      ['1', 'heading', 'Prepare staging', '', true, false],
      ['2', 'heading', 'Check the dashboard', '', false, true],
      ['2.1', 'heading', 'Build V2', '2', true, false],
      ['3', 'heading', 'Other shells', '', true, false],
    ]);
    assert.deepEqual(runbook.steps.map((s) => s.line), [
      lineOf(text, '## Prepare `staging`'),
      lineOf(text, '## Check the dashboard'),
      lineOf(text, '### Build [V2](https://example.com)'),
      lineOf(text, '## Other shells'),
    ]);
  });

  it('shell languages and fences without a language run; json and yaml are shown only; indented code is no block', () => {
    const text = fixture('headings.md');
    const [prepare, , build, shells] = parseRunbook(text).steps;
    assert.deepEqual(prepare!.blocks.map((b) => [b.lang, b.runnable, b.code]), [
      ['sh', true, 'echo prepare\n'],
      ['json', false, '{ "not": "run" }\n'],
    ]);
    assert.deepEqual(build!.blocks.map((b) => [b.lang, b.runnable, b.code]), [
      ['bash', true, 'echo build\n'],
      ['', true, 'echo no-lang\n'],
    ]);
    // The Runme-style attributes after the language are not part of it; the indented block is no fence.
    assert.deepEqual(shells!.blocks.map((b) => [b.lang, b.runnable]), [
      ['shell', true], ['zsh', true], ['yaml', false], ['sh', true],
    ]);
    assert.deepEqual(shells!.blocks.map((b) => b.line), [
      lineOf(text, '```shell'), lineOf(text, '```zsh'), lineOf(text, '```yaml'), lineOf(text, '```sh {"name":"attrs"}'),
    ]);
  });

  it('block offsets span the fence from its opening backticks to the end of the closing fence line', () => {
    const text = fixture('headings.md');
    const block = parseRunbook(text).steps[0]!.blocks[1]!;
    assert.equal(text.slice(block.start, block.end), '```json\n{ "not": "run" }\n```');
  });

  it('numbered items that hold blocks are steps with their siblings; plain numbered lists are not', () => {
    const text = fixture('numbered.md');
    const runbook = parseRunbook(text);
    assert.deepEqual(outline(runbook.steps), [
      ['1', 'heading', 'Preconditions', '', false, false],
      ['2', 'heading', 'Procedure', '', false, true],
      ['2.1', 'item', 'Stop the writers', '2', true, false],
      ['2.2', 'item', 'Tell the channel', '2', false, false],
      ['2.3', 'item', 'wrong marker starts a new list', '2', true, false],
      ['3', 'heading', 'Nested', '', true, false],
      ['3.1', 'item', 'Inner one', '3', true, false],
      ['3.2', 'item', 'Inner two', '3', false, true],
      ['3.2.1', 'item', 'Deep a', '3.2', true, false],
      ['3.2.2', 'item', 'Deep b (manual)', '3.2', false, false],
    ]);
    const byId = new Map(runbook.steps.map((s) => [s.id, s]));
    assert.equal(byId.get('2.1')!.line, lineOf(text, '1. Stop the writers. They must be idle.'));
    assert.equal(byId.get('3.2.1')!.line, lineOf(text, '1. Deep a'));
    // The heading keeps the blocks outside its numbered steps, including one in a bullet list after them.
    assert.deepEqual(byId.get('3')!.blocks.map((b) => b.code), ['echo heading-own\n', 'echo bullet-block\n']);
    assert.deepEqual(byId.get('3.2.1')!.blocks.map((b) => [b.lang, b.code, b.line]), [['bash', 'echo deep-a\n', lineOf(text, '```bash')]]);
    assert.deepEqual(byId.get('3.1')!.blocks.map((b) => b.code), ['echo inner-one\n']);
  });

  it('console blocks keep only the commands, prompts removed, continuation lines kept', () => {
    const [transcript, plain] = parseRunbook(fixture('console.md')).steps;
    assert.equal(transcript!.blocks[0]!.code, 'echo one\necho two \\\n    three\necho indented-prompt\n\n');
    // Without any prompt the whole block is commands.
    assert.equal(plain!.blocks[0]!.code, 'echo plain\n');
  });

  it('a fence inside a block quote counts; one swallowed by an HTML block does not (as GitHub renders them)', () => {
    const text = fixture('blockquote.md');
    const runbook = parseRunbook(text);
    assert.deepEqual(runbook.steps.map((s) => [s.title, s.blocks.map((b) => b.code)]), [
      ['Quoted step', ['echo quoted\n']],
      ['Inside details', ['echo after-blank-line\n']],
    ]);
    const quoted = runbook.steps[0]!.blocks[0]!;
    assert.equal(quoted.line, lineOf(text, '> ```sh'));
    assert.equal(text.slice(quoted.start, quoted.end), '```sh\n> echo quoted\n> ```');
  });

  it('CRLF and tabs: same steps, lines and code as LF; offsets point into the CRLF text', () => {
    const lf = fixture('numbered.md');
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = parseRunbook(lf);
    const b = parseRunbook(crlf);
    assert.deepEqual(outline(b.steps), outline(a.steps));
    assert.deepEqual(b.steps.map((s) => s.line), a.steps.map((s) => s.line));
    assert.deepEqual(b.steps.flatMap((s) => s.blocks.map((x) => x.code)), a.steps.flatMap((s) => s.blocks.map((x) => x.code)));
    const block = b.steps.find((s) => s.id === '2.1')!.blocks[0]!;
    assert.equal(crlf.slice(block.start, block.end), '```sh\r\n   echo stop\r\n   ```');

    const tabbed = '# T\r\n\r\n1.\tTabbed step\r\n\t```sh\r\n\techo\ttab\r\n\t```\r\n';
    const [step] = parseRunbook(tabbed).steps;
    assert.equal(step!.title, 'Tabbed step');
    assert.equal(step!.blocks[0]!.code, 'echo\ttab\n');
    assert.equal(step!.blocks[0]!.line, 3);
  });

  it('blocks right under the title form a step of their own', () => {
    const runbook = parseRunbook('# Quick fix\n\n```sh\necho fix\n```\n\n## Then\n\n```sh\necho then\n```\n');
    assert.deepEqual(outline(runbook.steps), [
      ['1', 'heading', 'Quick fix', '', true, false],
      ['2', 'heading', 'Then', '', true, false],
    ]);
    assert.equal(runbook.steps[0]!.line, 0);
  });

  it('an item title is its first sentence; abbreviations and parentheses do not end it', () => {
    const text = '1. Verify V1: the switch took.\n   ```sh\n   true\n   ```\n2. Use e.g. the sample (see: README). Then wait.\n3. Record the evidence (a NO-GO exits 1: expected)\n';
    assert.deepEqual(parseRunbook(text).steps.map((s) => s.title), [
      'Verify V1',
      'Use e.g. the sample (see: README)',
      'Record the evidence (a NO-GO exits 1: expected)',
    ]);
  });
});
