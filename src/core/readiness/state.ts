/**
 * The small pure helpers every surface of readiness shares, with no dependency (the Checklist loads them while the
 * extension activates): a plan item's id comment and display text, and when a result counts as met.
 */
import type { CriterionState } from './rules';

const ID_COMMENT = /<!--\s*id:\s*([^\s>]+)\s*-->/;

/** The id a plan item carries in an HTML comment (`<!-- id: rollback-time -->`), if any. */
export function planItemId(text: string): string | undefined {
  return ID_COMMENT.exec(text)?.[1];
}

/** The link Tick with Evidence appends (tick.ts), as the plan parser shows it: `(evidence: run <id>)`. */
const EVIDENCE_LINK = /\(\[?evidence: run [0-9a-f-]+\]?(\([^)]*\))?\)/g;

/** The item's text as a person reads it and rules match it: id comment and evidence links removed, spaces collapsed. */
export function displayText(text: string): string {
  return text.replace(new RegExp(ID_COMMENT.source, 'g'), '').replace(EVIDENCE_LINK, '').replace(/\s+/g, ' ').trim();
}

/** Whether a result counts as met now: met on evidence that is not stale. */
export function isMet(result: { readonly state: CriterionState; readonly stale: boolean }): boolean {
  return result.state === 'met' && !result.stale;
}
