/**
 * The Dashboard's message protocol and view model, shared by the host (panel.ts, model.ts) and the browser app
 * (app/main.ts). The app posts `ready` once it listens; the host posts nothing before that, and `model` again after
 * every `ready` (a hidden panel's webview is rebuilt when shown; a reloaded window restores the panel through its
 * serializer) and whenever a run lands.
 */
import type { RunOutcome } from '../../core/runs/summary';
import type { ReconcileView } from '../../core/runs/viewModel';
import type { Verdict } from '../../core/runs/results';

export const DASHBOARD_VIEW_TYPE = 'cutover.dashboard';

/** One run on the timeline. `store` is its workspace folder's index in `DashboardModel.stores`. */
export interface TimelineRun {
  readonly store: number;
  readonly id: string;
  readonly kind: string;
  readonly outcome: RunOutcome;
  /** Start, ms since the epoch. */
  readonly at: number;
  readonly durationMs: number | null;
  /** The run's first reason (its verdict's, or its error). */
  readonly reason: string;
}

/** A point of a trend across runs. */
export interface TrendPoint {
  readonly store: number;
  readonly id: string;
  readonly at: number;
  readonly value: number;
}

export interface Trend {
  readonly name: string;
  readonly unit: 'seconds' | 'bytes' | 'percent' | 'MB/h';
  /** Oldest first. */
  readonly points: readonly TrendPoint[];
}

export interface KpiDrift {
  readonly kpi: string;
  /** The KPI's worst |variance| over its segments in each run that compared it, oldest first. */
  readonly points: readonly { readonly store: number; readonly id: string; readonly at: number; readonly variance: number | null; readonly verdict: Verdict }[];
}

export interface LogLine {
  readonly store: number;
  readonly runId: string;
  readonly kind: string;
  /** The log, relative to its run folder. */
  readonly log: string;
  /** 1-based. */
  readonly line: number;
  readonly level: 'error' | 'warning';
  readonly text: string;
}

export interface ChannelHealth {
  readonly channel: string;
  readonly side: string;
  readonly type: string;
  readonly verdict: Verdict;
  readonly store: number;
  readonly runId: string;
  readonly at: number;
  /** Of the channel's last checks (at most `checks`), how many did not pass. */
  readonly notPassing: number;
  readonly checks: number;
}

export interface LatestOfKind {
  readonly kind: string;
  readonly run: TimelineRun;
  readonly runs: number;
}

export interface DashboardModel {
  /** The workspace folders' roots, in order (a run names its folder by index). */
  readonly stores: readonly string[];
  readonly total: number;
  /** All landed runs, newest first. */
  readonly runs: readonly TimelineRun[];
  readonly kinds: readonly string[];
  /** The latest run of each kind, and the runs in progress. */
  readonly latest: readonly LatestOfKind[];
  readonly live: readonly TimelineRun[];
  /** The pass and fail lines the newest comparing run was judged by (the engine's defaults when none). */
  readonly lines: { readonly pass: number; readonly fail: number };
  readonly drift: readonly KpiDrift[];
  /** The latest complete reconciliation, as the KPI Diff panel shows it. */
  readonly reconcile: ReconcileView | null;
  readonly trends: readonly Trend[];
  readonly logs: readonly LogLine[];
  readonly channels: readonly ChannelHealth[];
  /** Run folders left out (their run.json is unreadable), with why. */
  readonly problems: readonly string[];
}

/** What the webview keeps with `setState` (so a reload or a hidden panel keeps them): the timeline's filters. */
export interface DashboardState {
  readonly kind: string;
  readonly outcome: string;
  readonly text: string;
}

export type HostMessage = { readonly type: 'model'; readonly model: DashboardModel };

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'openRun'; readonly store: number; readonly id: string }
  | { readonly type: 'openLog'; readonly store: number; readonly runId: string; readonly log: string; readonly line: number };
