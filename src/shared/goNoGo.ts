/**
 * The go/no-go the editor shows (the status bar, the Runs view, Evaluate Go/No-Go, the rollback confirmation, the
 * notification): core's `goNoGo` with the run's workspace cutover.json and reviews, so it is what `cutover gate`
 * says for that run. Its modules (zod schemas) load on first use, not while the extension activates.
 */
import { formatAccepted, formatCriterion } from '../core/gate/format';
import type { GoNoGo } from '../core/gate/goNoGo';
import type { RunRecord } from '../core/runs/record';
import type { RunStore } from '../core/runs/store';
import type { RunRef } from './runStores';

/** What a list shows for a run: its go/no-go, or why it could not be decided (an invalid cutover.json or reviews file). */
export type GoNoGoShown = { readonly goNoGo: GoNoGo } | { readonly error: string };

/** The go/no-go of one run. */
export async function goNoGoOf(ref: RunRef): Promise<GoNoGo> {
  const { goNoGoInWorkspace } = await import('../core/gate/goNoGo');
  return goNoGoInWorkspace(ref.store.workspaceRoot, ref.record);
}

/** Decides every run of `store` with the same cutover.json and reviews, read once. */
export async function goNoGoDecider(store: RunStore): Promise<(record: RunRecord) => GoNoGo> {
  const { workspaceGoNoGo } = await import('../core/gate/goNoGo');
  return workspaceGoNoGo(store.workspaceRoot);
}

/** The verdict as the status bar and the Runs view print it: GO, NO-GO, INCONCLUSIVE, or "GO/NO-GO ?" when undecided. */
export function goNoGoLabel(shown: GoNoGoShown): string {
  return 'goNoGo' in shown ? shown.goNoGo.verdict.toUpperCase() : 'GO/NO-GO ?';
}

/** The verdict, each criterion and each accepted discrepancy, one line each, as `cutover gate` prints them. */
export function goNoGoLines(shown: GoNoGoShown): string[] {
  if (!('goNoGo' in shown)) return [`Go/no-go not decided: ${shown.error}`];
  const g = shown.goNoGo;
  return [`Go/no-go on run ${g.runId}: ${g.verdict.toUpperCase()}`, ...g.criteria.map(formatCriterion), ...g.accepted.map(formatAccepted)];
}
