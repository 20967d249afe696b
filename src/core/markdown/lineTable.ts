/**
 * Line starts of a markdown text, so that offsets can be read from the original text through markdown-it's
 * 0-based `token.map` lines (the plan and runbook parsers both need them).
 */

export interface LineTable {
  readonly starts: readonly number[];
  /** Offset of the end of a 0-based line, before its line ending. */
  endOf(line: number): number;
}

/** Line starts as markdown-it counts lines (its `token.map`): `\r\n`, `\r` and `\n` each end one. */
export function lineTable(text: string): LineTable {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return {
    starts,
    endOf(line) {
      const next = starts[line + 1];
      if (next === undefined) return text.length;
      return text.charCodeAt(next - 2) === 13 && text.charCodeAt(next - 1) === 10 ? next - 2 : next - 1;
    },
  };
}
