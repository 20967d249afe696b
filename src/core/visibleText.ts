/**
 * Data text (KPI names, segments, reasons, file names) made safe to show where control characters act: a terminal
 * obeys escape sequences and C0/C1 controls (clear the screen, set the title, move the cursor), and a terminal or a
 * Markdown renderer obeys bidi overrides and isolates, which reorder the rest of the line. Each such character is
 * written as the visible escape `\uXXXX` (valid inside a JSON string too, where it parses back to the same
 * character); tab, newline and every other character (accents, emoji and their joiners, CJK) stay as they are.
 */

/** C0 controls but tab and newline, DEL, C1 controls, the bidi marks, embeddings, overrides and isolates, and the line and paragraph separators. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

export function visibleText(text: string): string {
  return text.replace(ACTIVE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
