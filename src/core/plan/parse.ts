/**
 * Parses a cutover plan (markdown) into the checklist model: sections from headings, tasks from GFM task list
 * items, success criteria from ✓ bullets. Structure comes from micromark's GFM parser (so code fences, HTML,
 * tables and block quotes behave as GitHub renders them); only the bytes of a checkbox are read from the source.
 */
import type { BlockContent, DefinitionContent, List, ListItem, Nodes, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString } from 'mdast-util-to-string';
import { gfm } from 'micromark-extension-gfm';
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

const CRITERIA_LABEL = /success criteria/i;
/** A label paragraph such as `**Success Criteria:**`; longer prose that merely mentions the words is no label. */
const LABEL_MAX_LENGTH = 80;
const CRITERION_MARK = /^[✓✔]\uFE0F?\s*/u;
const BOX_TEXT = /^\[[ \txX]\]\s*/;

export function parsePlan(text: string): Plan {
  const tree = fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const root: SectionDraft = { title: '', depth: 0, line: 0, criteriaHeading: false, tasks: [], criteria: [], sections: [] };
  const topLevel: SectionDraft[] = [];
  const stack: SectionDraft[] = [root];
  const flow = { label: false };

  for (const node of tree.children) {
    if (node.type === 'heading') {
      while (stack.length > 1 && stack[stack.length - 1]!.depth >= node.depth) stack.pop();
      const parent = stack[stack.length - 1]!;
      const title = plainText(node);
      const section: SectionDraft = {
        title,
        depth: node.depth,
        line: startLine(node),
        criteriaHeading: CRITERIA_LABEL.test(title) || parent.criteriaHeading,
        tasks: [],
        criteria: [],
        sections: [],
      };
      (parent === root ? topLevel : parent.sections).push(section);
      stack.push(section);
      flow.label = false;
      continue;
    }
    const section = stack[stack.length - 1]!;
    walkBlock(text, node, { kind: 'section', section }, section.criteriaHeading, flow);
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
 * Visits one block of a flow container (the document, a block quote, a list item). `flow.label` remembers
 * whether the previous block was a "Success Criteria" label paragraph, so the list right after it holds criteria.
 */
function walkBlock(
  text: string,
  node: RootContent | BlockContent | DefinitionContent,
  owner: Owner,
  criteriaHeading: boolean,
  flow: { label: boolean },
): void {
  switch (node.type) {
    case 'paragraph': {
      const label = plainText(node);
      flow.label = label.length <= LABEL_MAX_LENGTH && CRITERIA_LABEL.test(label);
      return;
    }
    case 'list':
      walkList(text, node, owner, criteriaHeading || flow.label);
      return;
    case 'blockquote': {
      // GitHub shows checkboxes inside quotes, so their tasks count; headings inside quotes are not sections.
      const inner = { label: false };
      for (const child of node.children) walkBlock(text, child, owner, criteriaHeading, inner);
      flow.label = false;
      return;
    }
    default:
      // Code, HTML (comments included), tables, thematic breaks, definitions: no checklist items, ends a label.
      flow.label = false;
  }
}

function walkList(text: string, list: List, owner: Owner, plainBulletsAreCriteria: boolean): void {
  for (const item of list.children) {
    const task = typeof item.checked === 'boolean' ? taskDraft(text, item) : undefined;
    if (task) {
      (owner.kind === 'section' ? owner.section.tasks : owner.task.children).push(task);
      walkItemContent(text, item, { kind: 'task', task });
      continue;
    }
    const itemText = firstParagraphText(item);
    const marked = CRITERION_MARK.test(itemText);
    if (marked || (plainBulletsAreCriteria && owner.kind === 'section' && itemText !== '')) {
      const criterion: CriterionDraft = { text: itemText.replace(CRITERION_MARK, ''), ...range(item) };
      (owner.kind === 'section' ? owner.section.criteria : owner.task.criteria).push(criterion);
    }
    // A plain bullet can still group task lists below it ("- Phase 1" / "  - [ ] …"): keep their owner.
    walkItemContent(text, item, owner);
  }
}

/** Walks the blocks of a list item after its own first paragraph (the item's text, already read). */
function walkItemContent(text: string, item: ListItem, owner: Owner): void {
  const flow = { label: false };
  item.children.forEach((child, i) => {
    if (i > 0 || child.type !== 'paragraph') walkBlock(text, child, owner, false, flow);
  });
}

function taskDraft(text: string, item: ListItem): TaskDraft | undefined {
  const first = boxAfterMarker(text, item.position!.start.offset!);
  if (!first) return undefined;
  const boxes = [first];
  let label = firstParagraphText(item);
  const second = secondBox(text, first.offset + 2);
  if (second && BOX_TEXT.test(label)) {
    boxes.push(second);
    label = label.replace(BOX_TEXT, '');
  }
  return { text: label, boxes, ...range(item), children: [], criteria: [] };
}

/**
 * The GFM check `[ ]` follows the list marker (`-`, `*`, `+`, `1.`, `1)`) after spaces, tabs, or a line ending
 * and the container prefixes (`>`) of the next line. Returns undefined for a check whose inside is a line ending
 * (`[` and `]` on two lines): GitHub renders it, but toggling it cannot be a one-character edit.
 */
function boxAfterMarker(text: string, itemStart: number): Checkbox | undefined {
  let i = itemStart;
  if (text[i] === '-' || text[i] === '*' || text[i] === '+') i++;
  else {
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    i++; // `.` or `)`
  }
  while (i < text.length && ' \t\r\n>'.includes(text[i]!)) i++;
  if (text[i] !== '[' || text[i + 2] !== ']') return undefined;
  const char = boxChar(text[i + 1]);
  return char === undefined ? undefined : { offset: i + 1, char };
}

/** The seed's double box `- [ ] [ ] Test CSV export`: a second `[ ]` right after the first, on the same line. */
function secondBox(text: string, firstClose: number): Checkbox | undefined {
  let i = firstClose + 1;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== '[' || text[i + 2] !== ']') return undefined;
  const after = text[i + 3];
  if (after !== undefined && !' \t\r\n'.includes(after)) return undefined;
  const char = boxChar(text[i + 1]);
  return char === undefined ? undefined : { offset: i + 1, char };
}

function boxChar(c: string | undefined): Checkbox['char'] | undefined {
  if (c === 'x' || c === 'X') return c;
  // GFM also accepts a tab as the empty check; it reads as unchecked and is written back as a space.
  return c === ' ' || c === '\t' ? ' ' : undefined;
}

function firstParagraphText(item: ListItem): string {
  const first = item.children[0];
  return first?.type === 'paragraph' ? plainText(first) : '';
}

/** Inline markdown stripped, soft line breaks and runs of whitespace folded to one space. */
function plainText(node: Nodes): string {
  return toString(node).replace(/\s+/g, ' ').trim();
}

function startLine(node: Nodes): number {
  return node.position!.start.line - 1;
}

function range(node: Nodes): { line: number; start: number; end: number } {
  return { line: startLine(node), start: node.position!.start.offset!, end: node.position!.end.offset! };
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
