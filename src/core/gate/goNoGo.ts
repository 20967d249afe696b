/**
 * The go/no-go of a run: the one decision `cutover gate`, `cutover shadow`'s summary, the evidence recorded with a
 * rollback or roll forward, the Evaluate Go/No-Go command, the rollback confirmation, the notification, the status
 * bar and the Runs view all show. Nothing else evaluates the gate.
 *
 * - Thresholds: cutover.json's `gate` when there is one (the policy now), else those recorded with the run, the
 *   defaults filling any gap.
 * - Reviews: a KPI line that a review in force covers (`.cutover/reviews.json`, same values) is left out of the
 *   variance and listed as accepted; a revoked review counts for nothing.
 * - Missing data, a failed, stopped (cancelled) or interrupted run: the criterion fails with "no data" (evaluate.ts),
 *   never a pass.
 */
import { findConfig, loadConfig } from '../config/load';
import type { GateConfig } from '../config/schema';
import { GateSchema } from '../config/schema';
import { acceptedFor, ReviewStore, type Review } from '../reviews/store';
import type { RunRecord } from '../runs/record';
import type { GateResult } from './evaluate';
import { evaluateGate } from './evaluate';
import { evidenceFromRun } from './evidence';

export interface GoNoGoOptions {
  /** cutover.json's `gate` section; absent when there is no cutover.json. */
  readonly gate?: GateConfig;
  /** Every review of the workspace, revoked ones included (they are ignored). */
  readonly reviews: readonly Review[];
}

export interface GoNoGo extends GateResult {
  readonly runId: string;
  readonly thresholds: GateConfig;
  /** Where the thresholds came from: cutover.json, the run record, or the defaults (a record without valid ones). */
  readonly thresholdsFrom: 'cutover.json' | 'run' | 'defaults';
  /** The reviews in force that left a KPI line out of the variance. */
  readonly accepted: readonly Review[];
}

export function goNoGo(record: RunRecord, options: GoNoGoOptions): GoNoGo {
  const { thresholds, thresholdsFrom } = options.gate !== undefined
    ? { thresholds: options.gate, thresholdsFrom: 'cutover.json' as const }
    : recordedThresholds(record);
  const evidence = evidenceFromRun(record);
  const reviews = acceptedFor(options.reviews, evidence.kpis ?? []);
  return { runId: record.id, ...evaluateGate(evidence, thresholds, reviews), thresholds, thresholdsFrom, accepted: reviews.accepted };
}

/**
 * The go/no-go of runs of the store in `workspaceRoot`, as `cutover gate` run there decides it: the reviews of
 * `<workspaceRoot>/.cutover/reviews.json`; thresholds from `gate` when the caller has loaded cutover.json, else from
 * the cutover.json found from `workspaceRoot` up (an invalid one is a ConfigError, never silently skipped), else
 * those recorded with each run. Both files are read once; the returned function decides each run.
 */
export async function workspaceGoNoGo(workspaceRoot: string, gate?: GateConfig): Promise<(record: RunRecord) => GoNoGo> {
  const reviews = await new ReviewStore(workspaceRoot).list();
  const file = gate === undefined ? findConfig(workspaceRoot) : undefined;
  const thresholds = gate ?? (file !== undefined ? loadConfig(file).config.gate : undefined);
  return (record) => goNoGo(record, { reviews, ...(thresholds !== undefined ? { gate: thresholds } : {}) });
}

/** `workspaceGoNoGo` for one run. */
export async function goNoGoInWorkspace(workspaceRoot: string, record: RunRecord, gate?: GateConfig): Promise<GoNoGo> {
  return (await workspaceGoNoGo(workspaceRoot, gate))(record);
}

function recordedThresholds(record: RunRecord): { thresholds: GateConfig; thresholdsFrom: 'run' | 'defaults' } {
  const recorded = record.thresholds['gate'];
  const parsed = GateSchema.safeParse(recorded ?? {});
  if (recorded !== undefined && parsed.success) return { thresholds: parsed.data, thresholdsFrom: 'run' };
  return { thresholds: GateSchema.parse({}), thresholdsFrom: 'defaults' };
}
