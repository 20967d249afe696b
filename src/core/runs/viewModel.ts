/**
 * A run as Cutover's surfaces show it (the KPI Diff panel, the CodeLens, the commands): plain JSON-safe data, built
 * from a run record by `view.ts`. Types only, so the browser app can import them without Node.
 */
import type { ColumnProfile, ReconcileDay, TableProfile } from '../engine/types';
import type { PerformanceView } from '../load/view';
import type { RunKpiLine, Verdict } from './results';

export type KpiVerdict = Verdict;

export interface KpiKey {
  readonly segment: string;
  readonly kpi: string;
}

/** A KPI line of the run (runs/results.ts), `noise` made explicit; a reconciliation's line carries its day. */
export type KpiRow = RunKpiLine & { readonly noise: boolean };

export interface ColumnSummary {
  readonly name: string;
  readonly compareAs: string;
  readonly mismatches: number;
  readonly nullMismatches: number;
  readonly maxAbsDiff: number | null;
  readonly maxRelDiff: number | null;
}

export interface RowsView {
  readonly keys: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  readonly columns: readonly ColumnSummary[];
  /** The mismatch Parquet file's row count, when the run wrote one. */
  readonly mismatchRows: number | null;
}

export interface RunView {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  /** The run's verdict (pass, inconclusive, fail, error) or its status when it has none. */
  readonly verdict: string;
  readonly reasons: readonly string[];
  readonly startedAt: string;
  readonly input: { readonly name?: string; readonly path: string } | null;
  /** Total, each pipeline and each phase, in ms. */
  readonly durations: readonly { readonly name: string; readonly ms: number }[];
  readonly counts: { readonly total: number; readonly pass: number; readonly inconclusive: number; readonly fail: number; readonly noise: number };
  /** The largest relative variance; `infinite` when a KPI is missing or V1 is 0. */
  readonly worst: { readonly relVariance: number | null; readonly infinite: boolean; readonly label: string } | null;
  /** V1 against V1′ when the run measured it: how many KPIs moved and by how much at most. */
  readonly noiseFloor: { readonly total: number; readonly moved: number; readonly maxRelVariance: number } | null;
  readonly kpis: readonly KpiRow[];
  readonly rows: RowsView | null;
  readonly declarative: { readonly verdict: string; readonly counts: Readonly<Record<string, number>> } | null;
  /** The declarative KPIs (computed by the engine from both loan-level outputs) that did not pass, worst first. */
  readonly declarativeKpis: readonly KpiRow[];
  /** The data-quality profile of each side's loan-level output, when the run made one. */
  readonly quality: { readonly v1: TableQuality | null; readonly v2: TableQuality | null } | null;
  /** A load or soak run's figures (core/load/view.ts); null for other runs. */
  readonly performance: PerformanceView | null;
}

/** A column's and a table's data-quality profile, exactly as the engine records them. */
export type ColumnQuality = ColumnProfile;
export type TableQuality = TableProfile;

export interface AcceptedView extends KpiKey {
  readonly who: string;
  readonly when: string;
  readonly runId: string;
  readonly reason: string;
}

/** One day of the latest `reconcile` run, exactly as the engine reports it (worst KPI by verdict, then variance). */
export type ReconcileDayView = ReconcileDay;

/** The workspace's latest `cutover reconcile` run, as the chart needs it. */
export interface ReconcileView {
  readonly runId: string;
  readonly startedAt: string;
  readonly dateColumn: string;
  readonly passLine: number;
  readonly failLine: number;
  readonly days: readonly ReconcileDayView[];
  readonly summary: { readonly days: number; readonly daysPassing: number; readonly worstDay: string | null; readonly worstKpi: string | null; readonly verdict: KpiVerdict };
}
