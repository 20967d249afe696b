/**
 * The KPI Diff panel's message protocol, shared by the host (panel.ts) and the browser app (app/main.ts).
 * The app posts `ready` once it listens; the host posts nothing before that, and sends `load` again after every
 * `ready` (a hidden panel's webview is rebuilt when shown, a reloaded window restores it from `PanelState`).
 */

import type { ChannelsView } from '../../core/channels/view';
import type { CauseView } from '../../core/explain/format';
import type { AcceptedView, KpiKey, ReconcileView, RunView } from '../../core/runs/viewModel';

export const KPI_DIFF_VIEW_TYPE = 'cutover.kpiDiff';

/** What the webview keeps with `setState`, and the serializer gets back after a reload. */
export interface PanelState {
  readonly runId: string;
  readonly workspaceRoot: string;
}

export type HostMessage =
  /**
   * `reconcile` is the workspace's latest reconcile run (any run's panel shows it), null when there is none.
   * `channels`: the run's channel results (a channels run's own; for a shadow run, the channels runs that validated it).
   */
  /** `causes`: each not-passing line's cause from the latest `cutover explain` of this run (empty without one); `cause` filters to one. */
  | { readonly type: 'load'; readonly run: RunView; readonly state: PanelState; readonly accepted: readonly AcceptedView[]; readonly reconcile: ReconcileView | null; readonly channels: readonly ChannelsView[]; readonly focus?: KpiKey; readonly causes: readonly CauseView[]; readonly cause?: string }
  | { readonly type: 'cause'; readonly cause: string }
  | { readonly type: 'accepted'; readonly accepted: readonly AcceptedView[] }
  /** A reconcile run was recorded (or removed) while the panel is open. */
  | { readonly type: 'reconcile'; readonly reconcile: ReconcileView | null }
  /** A channels run about the shown run was recorded (or removed) while the panel is open. */
  | { readonly type: 'channels'; readonly channels: readonly ChannelsView[] }
  | { readonly type: 'focus'; readonly focus: KpiKey }
  /**
   * A page of the mismatching rows as Arrow IPC (a record batch stream), starting at row `offset`; the file holds
   * `total` rows; `done` on the last page (the panel shows at most `MAX_ROWS`).
   */
  | { readonly type: 'rows'; readonly ipc: Uint8Array; readonly offset: number; readonly total: number; readonly done: boolean }
  | { readonly type: 'rowsError'; readonly message: string };

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'accept'; readonly key: KpiKey }
  | { readonly type: 'reveal'; readonly key: KpiKey }
  | { readonly type: 'loadRows' }
  | { readonly type: 'diffConfigs' };
