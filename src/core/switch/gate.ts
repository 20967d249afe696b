/**
 * The go/no-go of the latest shadow run at the moment a switch starts, kept in the switch's record as the evidence
 * of why it happened: the same decision every surface shows (`goNoGo`, reviews applied). No shadow run is a valid
 * answer (an incident is reason enough to roll back) and is said so.
 */
import type { GateConfig } from '../config/schema';
import type { Criterion, GateVerdict } from '../gate/evaluate';
import { goNoGoInWorkspace } from '../gate/goNoGo';
import type { Review } from '../reviews/store';
import type { RunStatus } from '../runs/record';
import type { RunStore } from '../runs/store';

export type GateAtStart =
  | {
      readonly runId: string;
      readonly runStatus: RunStatus;
      readonly startedAt: string;
      readonly verdict: GateVerdict;
      readonly criteria: readonly Criterion[];
      /** The reviewed discrepancies that were left out of the KPI variance. */
      readonly accepted: readonly Review[];
    }
  | { readonly runId: null; readonly verdict: null; readonly reason: string };

export async function gateAtStart(store: RunStore, thresholds: GateConfig): Promise<GateAtStart> {
  const latest = await store.latest('shadow');
  if (!latest) return { runId: null, verdict: null, reason: `no shadow run recorded in ${store.root}` };
  const { verdict, criteria, accepted } = await goNoGoInWorkspace(store.workspaceRoot, latest, thresholds);
  return { runId: latest.id, runStatus: latest.status, startedAt: latest.startedAt, verdict, criteria, accepted };
}
