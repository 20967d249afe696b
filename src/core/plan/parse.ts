/**
 * Parses a cutover plan (markdown) into the checklist model: sections from headings, tasks from GFM task list
 * items, success criteria from ✓ bullets. Structure comes from markdown-it's block token stream (CommonMark plus
 * GitHub's tables and HTML blocks, so code fences, HTML, tables and block quotes behave as GitHub renders them);
 * markdown-it has no task list items, so the check `[ ]` is recognised here with GFM's rule, and its offset, like
 * every other offset, is read from the original text through a table of line starts.
 */
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type { LineTable } from '../markdown/lineTable';
import { lineTable } from '../markdown/lineTable';
import type { Checkbox, Plan, PlanCriterion, PlanSection, PlanTask } from './model';
import { sectionTotals, sumTotals } from './progress';

interface TaskDraft {
  text: string;
  boxes: Checkbox[];
  line: number;
  start: number;
  end: number;
  children: TaskDraft[];
  criteria: CriterionDraft[];
}

interface CriterionDraft {
  text: string;
  line: number;
  start: number;
  end: number;
}

interface SectionDraft {
  title: string;
  depth: number;
  line: number;
  /** The title (or an enclosing section's) names success criteria: its plain bullets are criteria. */
  criteriaHeading: boolean;
  tasks: TaskDraft[];
  criteria: CriterionDraft[];
  sections: SectionDraft[];
}

/** Where the items found while walking go: a section, or the task whose list item contains them. */
type Owner = { kind: 'section'; section: SectionDraft } | { kind: 'task'; task: TaskDraft };

/** The parse being walked: the original text, its line table and a cursor into markdown-it's flat token stream. */
interface Walk {
  readonly text: string;
  readonly lines: LineTable;
  readonly tokens: readonly Token[];
  /** markdown-it's environment: the link reference definitions (by normalised label) that make `[x]` a link. */
  readonly env: { references?: Record<string, unknown> };
  /** Index of the next token to read. */
  next: number;
  /** Line and end offset of the last list marker read: a list item can open on its parent's line (`- 1. [ ] x`). */
  markerLine: number;
  markerEnd: number;
}

const CRITERIA_LABEL = /success criteria/i;
/** A label paragraph such as `**Success Criteria:**`; longer prose that merely mentions the words is no label. */
const LABEL_MAX_LENGTH = 80;
const CRITERION_MARK = /^[✓✔]\uFE0F?\s*/u;
/**
 * GFM's task list item check at the start of an item's first paragraph (markdown-it has trimmed the paragraph): a
 * space, tab, `x` or `X` in brackets, then whitespace, which the trim guarantees is followed by more text. So a bare
 * `- [ ]` is a plain bullet, as on GitHub.
 */
const TASK_CHECK = /^\[[ \txX]\][ \t\n]/;
/** `\s` beyond ASCII (no-break and other Unicode spaces), tested only on non-ASCII characters. */
const WHITESPACE = /\s/;
/**
 * The characters inline markdown can start with (markdown-it's rules without typographer, linkify or plugins: line
 * breaks, escapes, code, strikethrough, emphasis, links and images, autolinks and HTML, entities). Text without any
 * is its own plain text, and needs no inline parse.
 */
const INLINE_SYNTAX = /[\n\\`~*_[<&]/;

/**
 * Block structure only: inline content is parsed on demand (titles, items' first paragraphs, label candidates),
 * which is cheaper than parsing every paragraph and lets a task's text be parsed without its check.
 * `html: true` makes HTML blocks (comments, `<details>`) blocks, as on GitHub.
 */
const markdown = new MarkdownIt({ html: true });
markdown.core.ruler.enableOnly(['normalize', 'block']);

export function parsePlan(text: string): Plan {
  const env: Walk['env'] = {};
  const walk: Walk = { text, lines: lineTable(text), tokens: markdown.parse(text, env), env, next: 0, markerLine: -1, markerEnd: 0 };
  const root: SectionDraft = { title: '', depth: 0, line: 0, criteriaHeading: false, tasks: [], criteria: [], sections: [] };
  const topLevel: SectionDraft[] = [];
  const stack: SectionDraft[] = [root];
  const flow = { label: false };

  while (walk.next < walk.tokens.length) {
    const token = walk.tokens[walk.next]!;
    if (token.type === 'heading_open') {
      const depth = Number(token.tag.slice(1));
      while (stack.length > 1 && stack[stack.length - 1]!.depth >= depth) stack.pop();
      const parent = stack[stack.length - 1]!;
      const title = inlineText(walk, walk.tokens[walk.next + 1]!.content);
      const section: SectionDraft = {
        title,
        depth,
        line: token.map![0],
        criteriaHeading: CRITERIA_LABEL.test(title) || parent.criteriaHeading,
        tasks: [],
        criteria: [],
        sections: [],
      };
      (parent === root ? topLevel : parent.sections).push(section);
      stack.push(section);
      flow.label = false;
      walk.next += 3; // heading_open, inline, heading_close
      continue;
    }
    const section = stack[stack.length - 1]!;
    walkBlock(walk, { kind: 'section', section }, section.criteriaHeading, flow);
  }

  const drafts = root.tasks.length > 0 || root.criteria.length > 0 ? [root, ...topLevel] : topLevel;
  const sections = drafts.map((draft, i) => freezeSection(draft, `s${i}`));
  return {
    sections,
    totals: sumTotals(sections.map(sectionTotals)),
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

/**
 * Visits the block at the cursor in a flow container (the document, a block quote, a list item) and moves past it.
 * `flow.label` remembers whether the previous block was a "Success Criteria" label paragraph, so the list right
 * after it holds criteria. Returns the offset where the block ends (the end of its last line).
 */
function walkBlock(walk: Walk, owner: Owner, criteriaHeading: boolean, flow: { label: boolean }): number {
  const token = walk.tokens[walk.next]!;
  switch (token.type) {
    case 'paragraph_open': {
      const label = inlineText(walk, walk.tokens[walk.next + 1]!.content);
      flow.label = label.length <= LABEL_MAX_LENGTH && CRITERIA_LABEL.test(label);
      walk.next += 3; // paragraph_open, inline, paragraph_close
      return blockEnd(walk, token);
    }
    case 'bullet_list_open':
    case 'ordered_list_open':
      return walkList(walk, owner, criteriaHeading || flow.label);
    case 'blockquote_open': {
      // GitHub shows checkboxes inside quotes, so their tasks count; headings inside quotes are not sections.
      const inner = { label: false };
      walk.next++;
      while (walk.tokens[walk.next]!.type !== 'blockquote_close') walkBlock(walk, owner, criteriaHeading, inner);
      walk.next++;
      flow.label = false;
      return blockEnd(walk, token);
    }
    default:
      // Code, HTML (comments included), tables, headings in containers, thematic breaks: no checklist items, ends a
      // label.
      flow.label = false;
      skipBlock(walk);
      return blockEnd(walk, token);
  }
}

/** Walks the list at the cursor; returns where its last item ends. */
function walkList(walk: Walk, owner: Owner, plainBulletsAreCriteria: boolean): number {
  let end = 0;
  walk.next++;
  while (walk.tokens[walk.next]!.type === 'list_item_open') end = walkItem(walk, owner, plainBulletsAreCriteria);
  walk.next++;
  return end;
}

/** Walks the list item at the cursor: a task, a criterion, or a plain bullet whose nested items keep the owner. */
function walkItem(walk: Walk, owner: Owner, plainBulletsAreCriteria: boolean): number {
  const item = walk.tokens[walk.next]!;
  const line = item.map![0];
  const start = readMarker(walk, line);
  walk.next++;
  // An item without content ends with its line (trailing whitespace included); otherwise with its last block.
  const range = { line, start, end: walk.lines.endOf(line) };

  let draft: TaskDraft | CriterionDraft | undefined;
  let contentOwner = owner;
  const first = walk.tokens[walk.next]!;
  if (first.type === 'paragraph_open') {
    const content = walk.tokens[walk.next + 1]!.content;
    const task = TASK_CHECK.test(content) ? taskDraft(walk, first.map![0], content, range) : undefined;
    if (task) {
      (owner.kind === 'section' ? owner.section.tasks : owner.task.children).push(task);
      draft = task;
      contentOwner = { kind: 'task', task };
    } else {
      const itemText = inlineText(walk, content);
      const marked = CRITERION_MARK.test(itemText);
      if (marked || (plainBulletsAreCriteria && owner.kind === 'section' && itemText !== '')) {
        draft = { text: itemText.replace(CRITERION_MARK, ''), ...range };
        (owner.kind === 'section' ? owner.section.criteria : owner.task.criteria).push(draft);
      }
    }
    walk.next += 3; // the first paragraph is the item's text, read above
    range.end = blockEnd(walk, first);
  }

  // The blocks after the first paragraph; a plain bullet can still group task lists below it ("- Phase 1" /
  // "  - [ ] …"), so they keep the plain bullet's owner.
  const flow = { label: false };
  while (walk.tokens[walk.next]!.type !== 'list_item_close') range.end = walkBlock(walk, contentOwner, false, flow);
  walk.next++;
  if (draft) draft.end = range.end;
  return range.end;
}

/**
 * The task of an item whose first paragraph (starting on `paragraphLine`, content trimmed by markdown-it) begins
 * with a check. Undefined if the source does not show the check where the content does, a safeguard so that a box
 * offset can only ever point between brackets.
 */
function taskDraft(
  walk: Walk,
  paragraphLine: number,
  content: string,
  range: { line: number; start: number; end: number },
): TaskDraft | undefined {
  const first = boxAt(walk, paragraphLine === range.line ? walk.markerEnd : walk.lines.starts[paragraphLine]!);
  if (!first) return undefined;
  const second = secondBox(walk, first.offset + 2);
  const last = second ?? first;
  // The text follows the last box and the whitespace after it, parsed without the boxes as GFM does. On the box line
  // the content matches the source from the first `[` on, so a source offset maps to a content index directly.
  const text = inlineText(walk, content.slice(last.offset + 3 - (first.offset - 1)));
  return { text, boxes: second ? [first, second] : [first], ...range, children: [], criteria: [] };
}

/**
 * Reads the list marker (`-`, `*`, `+`, `1.`, `1)`) of an item opening on `line`: after the indentation and block
 * quote `>`s, or after the marker of a parent item that opened on the same line. Returns where it starts; where it
 * ends is left in `walk.markerEnd`.
 */
function readMarker(walk: Walk, line: number): number {
  const { text } = walk;
  let i = walk.markerLine === line ? walk.markerEnd : walk.lines.starts[line]!;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '>') i++;
  const start = i;
  if (text[i] === '-' || text[i] === '*' || text[i] === '+') i++;
  else {
    while (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    i++; // `.` or `)`
  }
  walk.markerLine = line;
  walk.markerEnd = i;
  return start;
}

/** The check `[ ]` at the first character after `from` that is no space, tab or block quote `>`. */
function boxAt(walk: Walk, from: number): Checkbox | undefined {
  const { text } = walk;
  let i = from;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '>') i++;
  if (text[i] !== '[' || text[i + 2] !== ']') return undefined;
  const char = boxChar(text[i + 1]);
  return char === undefined ? undefined : { offset: i + 1, char };
}

/**
 * The seed's double box `- [ ] [ ] Test CSV export`: a second `[ ]` right after the first, on the same line, then
 * whitespace or the end. Not a box when a link reference `[x]: …` is defined, which makes `[x]` a link.
 */
function secondBox(walk: Walk, firstClose: number): Checkbox | undefined {
  const { text } = walk;
  let i = firstClose + 1;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== '[' || text[i + 2] !== ']') return undefined;
  const after = text[i + 3];
  if (after !== undefined && !' \t\r\n'.includes(after)) return undefined;
  const char = boxChar(text[i + 1]);
  // markdown-it keys references by their upper-cased label: `[x]` and `[X]` both link to `X`.
  if (char === undefined || (char !== ' ' && walk.env.references?.['X'] !== undefined)) return undefined;
  return { offset: i + 1, char };
}

function boxChar(c: string | undefined): Checkbox['char'] | undefined {
  if (c === 'x' || c === 'X') return c;
  // GFM also accepts a tab as the empty check; it reads as unchecked and is written back as a space.
  return c === ' ' || c === '\t' ? ' ' : undefined;
}

/** Moves the cursor past the block at it: one token, or an open token and everything up to its matching close. */
function skipBlock(walk: Walk): void {
  let depth = 0;
  do depth += walk.tokens[walk.next++]!.nesting;
  while (depth > 0);
}

/**
 * Where a block ends: the end of its last line, before the line ending. An unclosed fence or HTML block runs over
 * the blank lines after it in markdown-it's map; it ends at its last non-blank line.
 */
function blockEnd(walk: Walk, token: Token): number {
  const [first, after] = token.map!;
  const { starts } = walk.lines;
  let last = after - 1;
  while (last > first && walk.text.slice(starts[last], walk.lines.endOf(last)).trim() === '') last--;
  return walk.lines.endOf(last);
}

/**
 * Inline markdown stripped (the text of text, code, HTML and image alt), soft and hard line breaks and runs of
 * whitespace folded to one space.
 */
function inlineText(walk: Walk, content: string): string {
  if (!INLINE_SYNTAX.test(content)) return folded(content);
  const tokens: Token[] = [];
  markdown.inline.parse(content, markdown, walk.env, tokens);
  return folded(textOf(tokens));
}

function textOf(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
      case 'text_special': // a backslash escape or an entity, already decoded
      case 'code_inline':
      case 'html_inline':
        out += token.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        out += ' ';
        break;
      case 'image':
        out += textOf(token.children ?? []);
        break;
      default:
      // Link, emphasis and strikethrough open/close tokens carry no text.
    }
  }
  return out;
}

/** Runs of whitespace (`\s`) folded to one space, the ends trimmed. */
function folded(text: string): string {
  // Checking first is much cheaper than a regexp replace on thousands of short strings that need none.
  return isFolded(text) ? text : text.replace(/\s+/g, ' ').trim();
}

/** No whitespace at the ends and only single spaces inside, as most titles and task texts are. */
function isFolded(text: string): boolean {
  let afterSpace = true; // so that a leading space counts as a run
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (afterSpace) return false;
      afterSpace = true;
    } else if ((c >= 9 && c <= 13) || (c >= 0xa0 && WHITESPACE.test(text[i]!))) {
      return false;
    } else {
      afterSpace = false;
    }
  }
  return !afterSpace || text === '';
}

function freezeSection(draft: SectionDraft, id: string): PlanSection {
  return {
    kind: 'section',
    id,
    title: draft.title,
    depth: draft.depth,
    line: draft.line,
    tasks: draft.tasks.map((t, i) => freezeTask(t, `${id}.t${i}`)),
    criteria: draft.criteria.map((c, i) => freezeCriterion(c, `${id}.c${i}`)),
    sections: draft.sections.map((s, i) => freezeSection(s, `${id}.s${i}`)),
  };
}

function freezeTask(draft: TaskDraft, id: string): PlanTask {
  return {
    kind: 'task',
    id,
    text: draft.text,
    done: draft.boxes[0]!.char !== ' ',
    boxes: draft.boxes,
    line: draft.line,
    start: draft.start,
    end: draft.end,
    children: draft.children.map((t, i) => freezeTask(t, `${id}.t${i}`)),
    criteria: draft.criteria.map((c, i) => freezeCriterion(c, `${id}.c${i}`)),
  };
}

function freezeCriterion(draft: CriterionDraft, id: string): PlanCriterion {
  return { kind: 'criterion', id, ...draft };
}
