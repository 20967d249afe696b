/**
 * Checking and un-checking tasks as minimal text edits (one character per box), refused when the text moved since
 * it was parsed; plus the pure helpers the CLI and "Copy Task as Markdown" need.
 */
import { ConflictError } from '../errors';
import type { PlanTask, TextEdit } from './model';

/**
 * The edits that set `task` to `done`: every box of the item (both boxes of a double box, so the file stays
 * coherent) becomes `x` or ` `; boxes already in that state are left alone. Throws ConflictError when a box is
 * no longer where the parse saw it.
 */
export function toggleEdits(text: string, task: PlanTask, done: boolean): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const box of task.boxes) {
    const found = text.slice(box.offset - 1, box.offset + 2);
    if (!sameBox(found, box.char)) {
      throw new ConflictError(
        `the task "${task.text}" on line ${task.line + 1} changed since it was read (expected "[${box.char}]" at its checkbox, found "${found}"); reload the plan and try again`,
      );
    }
    const checked = box.char !== ' ';
    if (checked !== done) edits.push({ offset: box.offset, length: 1, text: done ? 'x' : ' ' });
  }
  return edits;
}

function sameBox(found: string, char: ' ' | 'x' | 'X'): boolean {
  if (found[0] !== '[' || found[2] !== ']') return false;
  // The parser reads GFM's tab check `[\t]` as an unchecked box.
  return char === ' ' ? found[1] === ' ' || found[1] === '\t' : found[1] === char;
}

/** Applies non-overlapping edits (offsets into the original text) and returns the new text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.offset < at || edit.offset + edit.length > text.length) {
      throw new RangeError(`edit at offset ${edit.offset} overlaps another edit or runs past the end of the text`);
    }
    out += text.slice(at, edit.offset) + edit.text;
    at = edit.offset + edit.length;
  }
  return out + text.slice(at);
}

/**
 * The task's list item as markdown: its source lines from the marker on, with the indentation (or block-quote
 * prefix) that placed the item in the document removed from every line.
 */
export function taskAsMarkdown(text: string, task: PlanTask): string {
  const lineStart = text.lastIndexOf('\n', task.start - 1) + 1;
  const prefix = text.slice(lineStart, task.start);
  const lines = text.slice(task.start, task.end).split(/\r?\n/);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const out = lines.map((line, i) => (i === 0 ? line : dedent(line, prefix)));
  // An item in a block quote can end on a bare `>` line: no trailing blank lines in the copy.
  while (out.length > 1 && out[out.length - 1]!.trim() === '') out.pop();
  return out.join(eol);
}

/** Removes the item's prefix from a continuation line: the same prefix, or as much leading whitespace/`>`. */
function dedent(line: string, prefix: string): string {
  if (line.startsWith(prefix)) return line.slice(prefix.length);
  let i = 0;
  while (i < prefix.length && i < line.length && ' \t>'.includes(line[i]!)) i++;
  return line.slice(i);
}
