/**
 * The model of a runbook (markdown): an ordered list of steps, each owning the fenced code blocks written under it.
 * Offsets are UTF-16 code-unit offsets into the exact text that was parsed; lines are 0-based like VS Code's.
 */

/** A fenced code block owned by a step. */
export interface RunbookBlock {
  /** First word of the fence's info string, lower-cased; '' when the fence names no language. */
  readonly lang: string;
  /**
   * What runs: the fence's content without container prefixes (`>`, list indentation); for `console` blocks only the
   * command lines, their `$ ` prompts removed (output lines dropped). For blocks that do not run, the content as written.
   */
  readonly code: string;
  /** A shell block (`sh`, `bash`, `shell`, `console`, `zsh` or no language): run by Run Step. Others are only shown. */
  readonly runnable: boolean;
  /** 0-based line of the opening fence. */
  readonly line: number;
  /** Source range from the opening fence's first backtick/tilde to the end of the closing fence line (exclusive). */
  readonly start: number;
  readonly end: number;
}

export type RunbookStepKind = 'heading' | 'item';

export interface RunbookStep {
  /**
   * The step's outline number, which is also its index path: `2` is the second top-level step, `2.1` the first step
   * inside it. Stable as long as no step is inserted or removed above it; the CLI's `--step` takes it.
   */
  readonly id: string;
  /** Heading or list item text with inline markdown stripped. */
  readonly title: string;
  /** 0-based line of the heading or of the list item's first line. */
  readonly line: number;
  /** `heading` (depth ≥ 2, or the `#` title when blocks sit right under it) or a numbered list `item`. */
  readonly kind: RunbookStepKind;
  /** Id of the enclosing step (a shallower heading, or the numbered item this one is nested in). */
  readonly parent?: string;
  /** The blocks this step owns itself, in document order; blocks inside its sub-steps belong to those. */
  readonly blocks: readonly RunbookBlock[];
  /** Owns at least one runnable block. A step that owns none is a manual step: shown, reported `manual`, never run. */
  readonly runnable: boolean;
  /** Owns no block but has sub-steps (a `## Procedure` heading over numbered steps): a folder, neither run nor reported. */
  readonly group: boolean;
}

export interface Runbook {
  /** Text of the first `#` heading, inline markdown stripped; '' when there is none. */
  readonly title: string;
  /** Every step in document order, which is the order Run All follows. */
  readonly steps: readonly RunbookStep[];
}

export type StepState = 'passed' | 'failed' | 'not-run' | 'manual';

export interface StepResult {
  readonly stepId: string;
  readonly title: string;
  readonly state: StepState;
  /** Exit code of the last block that ran (the failing one for a failed step); absent when nothing ran. */
  readonly exitCode?: number;
  /** Wall time of the step's blocks, in milliseconds. */
  readonly ms?: number;
  /** The signal that ended the failing block, e.g. `SIGTERM` after a cancel. */
  readonly signal?: string;
}
