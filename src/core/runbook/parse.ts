/**
 * Parses a runbook (markdown) into steps and their code blocks. Structure comes from markdown-it's token stream
 * (CommonMark + GitHub's HTML blocks and tables), so fences inside block quotes and lists, HTML, CRLF and tabs behave
 * as GitHub renders them; offsets are computed against the original text.
 *
 * Ownership: a heading of depth ≥ 2 is a step and owns the blocks under it until the next heading. A numbered list
 * (`1.` / `1)`) is a list of steps when any of its items holds a code block, however deeply: then each of its items is
 * a step (the ones without a block are manual steps) and owns the blocks inside it that no nested step owns. Bullet
 * lists and block quotes are transparent. Blocks right under the `#` title (or before any heading) make a step of
 * their own.
 */
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type { LineTable } from '../markdown/lineTable';
import { lineTable } from '../markdown/lineTable';
import type { Runbook, RunbookBlock, RunbookStep, RunbookStepKind } from './model';

/** Fence languages that run in a shell; '' is a fence without a language. */
const SHELL_LANGS: ReadonlySet<string> = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh']);
/** A `console` command line: `$ cmd` (or a bare `$`), after optional indentation. */
const PROMPT = /^[ \t]*\$(?:[ \t]|$)(.*)$/;

type Entry = { readonly kind: 'block'; readonly block: RunbookBlock } | { readonly kind: 'list'; readonly items: ItemDraft[] };

interface ItemDraft {
  title: string | undefined;
  readonly line: number;
  readonly entries: Entry[];
}

/** The stretch of the document under one heading (or before the first heading). */
interface ScopeDraft {
  readonly heading: { readonly title: string; readonly line: number; readonly depth: number } | undefined;
  readonly entries: Entry[];
}

interface StepDraft {
  readonly id: string;
  readonly title: string;
  readonly line: number;
  readonly kind: RunbookStepKind;
  readonly parent: StepDraft | undefined;
  readonly blocks: RunbookBlock[];
  children: number;
}

// html: true so that a fence right after `<details>` without a blank line is swallowed by the HTML block, as on GitHub.
const markdown = new MarkdownIt({ html: true });

export function parseRunbook(text: string): Runbook {
  const tokens = markdown.parse(text, {});
  const lines = lineTable(text);
  const { title, scopes } = collect(tokens, text, lines);
  return { title, steps: buildSteps(scopes) };
}

/** Pass 1: headings split the document into scopes; ordered lists and fences are kept as a tree, the rest dropped. */
function collect(tokens: readonly Token[], text: string, lines: LineTable): { title: string; scopes: ScopeDraft[] } {
  let title: string | undefined;
  const scopes: ScopeDraft[] = [{ heading: undefined, entries: [] }];
  /** Where entries go: the current scope's list, or an ordered item's. */
  const targets: Entry[][] = [scopes[0]!.entries];
  /** One per open list: the ordered list's items, or undefined for a bullet list. */
  const lists: (ItemDraft[] | undefined)[] = [];
  let titleOf: ItemDraft | undefined;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    switch (token.type) {
      case 'heading_open': {
        // Headings inside quotes or list items are text, not structure.
        if (token.level !== 0) break;
        const depth = Number(token.tag.slice(1));
        const headingTitle = inlineText(tokens[i + 1]);
        title ??= depth === 1 ? headingTitle : undefined;
        const scope: ScopeDraft = { heading: { title: headingTitle, line: token.map![0], depth }, entries: [] };
        scopes.push(scope);
        targets.length = 0;
        targets.push(scope.entries);
        break;
      }
      case 'ordered_list_open': {
        const items: ItemDraft[] = [];
        targets[targets.length - 1]!.push({ kind: 'list', items });
        lists.push(items);
        break;
      }
      case 'bullet_list_open':
        lists.push(undefined);
        break;
      case 'ordered_list_close':
      case 'bullet_list_close':
        lists.pop();
        break;
      case 'list_item_open': {
        const items = lists[lists.length - 1];
        if (!items) break;
        const item: ItemDraft = { title: undefined, line: token.map![0], entries: [] };
        items.push(item);
        targets.push(item.entries);
        // The item's text is its first child when that child is a paragraph.
        titleOf = tokens[i + 1]?.type === 'paragraph_open' ? item : undefined;
        break;
      }
      case 'list_item_close':
        if (lists[lists.length - 1]) targets.pop();
        break;
      case 'inline':
        if (titleOf) {
          titleOf.title = firstSentence(inlineText(token));
          titleOf = undefined;
        }
        break;
      case 'fence':
        targets[targets.length - 1]!.push({ kind: 'block', block: blockOf(token, text, lines) });
        break;
      default:
        break;
    }
  }
  return { title: title ?? '', scopes };
}

/** Pass 2: scopes and step lists become steps, numbered as an outline. */
function buildSteps(scopes: readonly ScopeDraft[]): RunbookStep[] {
  const drafts: StepDraft[] = [];
  let topLevel = 0;
  const newStep = (kind: RunbookStepKind, title: string, line: number, parent: StepDraft | undefined): StepDraft => {
    const id = parent ? `${parent.id}.${++parent.children}` : String(++topLevel);
    const step: StepDraft = { id, title, line, kind, parent, blocks: [], children: 0 };
    drafts.push(step);
    return step;
  };

  const walk = (entries: readonly Entry[], owner: StepDraft | undefined): void => {
    for (const entry of entries) {
      if (entry.kind === 'block') {
        owner?.blocks.push(entry.block);
        continue;
      }
      if (!entry.items.some(holdsBlock)) continue;
      for (const item of entry.items) {
        const step = newStep('item', item.title ?? untitled(item), item.line, owner);
        walk(item.entries, step);
      }
    }
  };

  const headings: { depth: number; step: StepDraft }[] = [];
  for (const scope of scopes) {
    const { heading } = scope;
    if (heading === undefined || heading.depth === 1) {
      // The title (or the top of the file) is a step only when blocks sit right under it.
      headings.length = 0;
      const first = scope.entries.find((e) => e.kind === 'block');
      const owner = first?.kind === 'block'
        ? newStep('heading', heading?.title ?? '(before the first heading)', heading?.line ?? first.block.line, undefined)
        : undefined;
      walk(scope.entries, owner);
      continue;
    }
    while (headings.length > 0 && headings[headings.length - 1]!.depth >= heading.depth) headings.pop();
    const step = newStep('heading', heading.title, heading.line, headings[headings.length - 1]?.step);
    headings.push({ depth: heading.depth, step });
    walk(scope.entries, step);
  }

  return drafts.map((d) => ({
    id: d.id,
    title: d.title,
    line: d.line,
    kind: d.kind,
    ...(d.parent && { parent: d.parent.id }),
    blocks: d.blocks,
    runnable: d.blocks.some((b) => b.runnable),
    group: d.blocks.length === 0 && d.children > 0,
  }));
}

function holdsBlock(item: ItemDraft): boolean {
  return item.entries.some((e) => e.kind === 'block' || e.items.some(holdsBlock));
}

/** An item that starts with its code block: named after the first line of that code. */
function untitled(item: ItemDraft): string {
  const first = item.entries.find((e) => e.kind === 'block');
  const line = first?.kind === 'block' ? first.block.code.split('\n').find((l) => l.trim() !== '') : undefined;
  return line?.trim() ?? '(untitled step)';
}

function blockOf(token: Token, text: string, lines: LineTable): RunbookBlock {
  const [startLine, endLine] = token.map!;
  // Strip Runme-style attributes (```sh {"name":"x"}) along with anything after the language.
  const lang = (token.info.trim().split(/[\s{]/, 1)[0] ?? '').toLowerCase();
  const runnable = SHELL_LANGS.has(lang);
  const lineStart = lines.starts[startLine]!;
  const fenceAt = text.indexOf(token.markup, lineStart);
  return {
    lang,
    code: lang === 'console' ? consoleCommands(token.content) : token.content,
    runnable,
    line: startLine,
    start: fenceAt >= 0 ? fenceAt : lineStart,
    end: lines.endOf(endLine - 1),
  };
}

/**
 * The commands of a `console` transcript: lines with a `$ ` prompt (the prompt removed) and the continuation lines
 * of a command ending in `\`; everything else is output. A transcript without any prompt is all commands.
 */
function consoleCommands(content: string): string {
  const lines = content.replace(/\n$/, '').split('\n');
  if (!lines.some((l) => PROMPT.test(l))) return content;
  const commands: string[] = [];
  let continued = false;
  for (const line of lines) {
    const prompt = PROMPT.exec(line);
    if (prompt) commands.push(prompt[1]!);
    else if (continued) commands.push(line);
    else continue;
    continued = commands[commands.length - 1]!.endsWith('\\');
  }
  return `${commands.join('\n')}\n`;
}

/**
 * An item's title: its text up to the first sentence end (`.`, `!`, `?`, `:` before a space), so that
 * "2. Verify V1: the switch took, and …" is titled "Verify V1". Common abbreviations (e.g., i.e.) and ends inside parentheses do not count.
 */
function firstSentence(text: string): string {
  for (const match of text.matchAll(/[.!?:](?=\s)/g)) {
    const before = text.slice(0, match.index);
    if (/(?:^|\s)(?:e\.g|i\.e|etc|vs|cf|approx|min|max)$/i.test(before)) continue;
    if (before.split('(').length > before.split(')').length) continue;
    return before.trim();
  }
  return text.replace(/[.:]$/, '');
}

/** Inline markdown stripped (emphasis, links, code spans keep their text), whitespace folded. */
function inlineText(token: Token | undefined): string {
  if (token?.type !== 'inline') return '';
  const parts: string[] = [];
  const visit = (children: readonly Token[]): void => {
    for (const child of children) {
      if (child.type === 'text' || child.type === 'text_special' || child.type === 'code_inline') parts.push(child.content);
      else if (child.type === 'softbreak' || child.type === 'hardbreak') parts.push(' ');
      else if (child.type === 'image') visit(child.children ?? []);
    }
  };
  visit(token.children ?? []);
  return parts.join('').replace(/\s+/g, ' ').trim();
}
