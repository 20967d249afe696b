/**
 * The checklist model of a cutover plan (markdown). Offsets are UTF-16 code-unit offsets into the exact text that
 * was parsed (what JavaScript strings and VS Code's `TextDocument.positionAt` use); lines are 0-based like VS Code's.
 */

/** One `[ ]` / `[x]` / `[X]` box: `offset` points at the single character between the brackets. */
export interface Checkbox {
  readonly offset: number;
  readonly char: ' ' | 'x' | 'X';
}

export interface PlanTask {
  readonly kind: 'task';
  /** Stable within one parse: the path of indices from the plan root, e.g. `s2.s0.t1.t0`. */
  readonly id: string;
  /** Text with inline markdown stripped, the second box of a double-box item removed. */
  readonly text: string;
  readonly done: boolean;
  /** The item's boxes: one, or two for the seed's `- [ ] [ ] Test CSV export`. The first box is the state. */
  readonly boxes: readonly Checkbox[];
  /** 0-based line of the item's first line. */
  readonly line: number;
  /** Source range of the whole list item (start inclusive, end exclusive). */
  readonly start: number;
  readonly end: number;
  readonly children: readonly PlanTask[];
  /** Non-task list items nested under this task (plain notes), kept so nothing in the file is invisible. */
  readonly criteria: readonly PlanCriterion[];
}

/** A success criterion (`- ✓ V2 pipeline running in staging` under "Success Criteria"): shown, never checkable. */
export interface PlanCriterion {
  readonly kind: 'criterion';
  readonly id: string;
  /** Text with the leading ✓/✔ mark and inline markdown stripped. */
  readonly text: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

export interface PlanSection {
  readonly kind: 'section';
  readonly id: string;
  /** Heading text, inline markdown stripped. */
  readonly title: string;
  /** Heading depth 1–6. */
  readonly depth: number;
  readonly line: number;
  readonly tasks: readonly PlanTask[];
  readonly criteria: readonly PlanCriterion[];
  /** Sections nested under this one (deeper headings until the next heading of this depth or shallower). */
  readonly sections: readonly PlanSection[];
}

export interface PlanTotals {
  readonly tasks: number;
  readonly done: number;
  readonly criteria: number;
}

export interface Plan {
  /** Tasks and criteria before the first heading live in a root section with depth 0 and an empty title. */
  readonly sections: readonly PlanSection[];
  readonly totals: PlanTotals;
  /** `\r\n` when the file uses CRLF line endings. */
  readonly eol: '\n' | '\r\n';
}

/** A minimal text edit: replace `length` characters at `offset` with `text`. */
export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}
