/**
 * Every metric Cutover exports, declared once: the collector fills them, the alert rules and the Grafana dashboard
 * may name only these (unit tests hold both to this list). All are gauges: each is a snapshot of the latest run of
 * a kind, so none ends in `_total` (that suffix is for counters). Every sample carries `workspace` and `kind` (the
 * run kind), the Pushgateway's grouping key.
 */
import type { MetricFamily } from './exposition';

const family = (name: string, help: string, unit?: string): MetricFamily => ({ name: `cutover_${name}`, help, ...(unit ? { unit } : {}) });

export const METRICS = {
  runInfo: family('run_info', 'The latest run of a kind: 1, with its id, status and verdict as labels (its record: .cutover/runs/RUN_ID/run.json).'),
  runVerdict: family('run_verdict', 'Verdict of the latest run of a kind: 1 for its verdict, 0 for the others (pass, inconclusive, fail, error; none while unjudged).'),
  runStart: family('run_start_timestamp_seconds', 'When the latest run of a kind started, Unix time.', 'seconds'),
  runDuration: family('run_duration_seconds', 'Wall time of the latest run of a kind.', 'seconds'),
  phaseDuration: family('phase_duration_seconds', 'Wall time of each phase of the latest run of a kind.', 'seconds'),
  pipelineDuration: family('pipeline_duration_seconds', 'Wall time of each pipeline (v1, v2) in the latest run of a kind.', 'seconds'),
  pipelineExitCode: family('pipeline_exit_code', 'Exit code of each pipeline (v1, v2) in the latest run of a kind; -1 when killed by a signal or not started.'),
  lastSuccess: family('last_success_timestamp_seconds', 'When the newest run of a kind that completed with verdict pass ended, Unix time; 0 when no run of the kind ever passed.', 'seconds'),
  kpiValue: family('kpi_value', 'A KPI value per side (v1, v2) and segment in the latest run of a kind (segments capped: monitoring.maxSegments).'),
  kpiVariance: family('kpi_variance_ratio', 'Relative variance |v2 - v1| / |v1| of a KPI per segment; +Inf when a side is missing or not comparable.', 'ratio'),
  kpiLines: family('kpi_lines', 'KPI lines of the latest run of a kind by verdict.'),
  kpiSegmentsDropped: family('kpi_segments_dropped', 'Segments left out of the per-segment KPI metrics by the cap (monitoring.maxSegments); the worst segments are kept.'),
  gateVerdict: family('gate_verdict', 'Go/no-go of the latest shadow run: 1 for its verdict (go, no-go, inconclusive), 0 for the others.'),
  gateCriterionVerdict: family('gate_criterion_verdict', 'Each go/no-go criterion of the latest shadow run: 1 for its verdict (pass, fail, inconclusive), 0 for the others. A criterion without data fails.'),
  gateNoData: family('gate_criterion_no_data', 'Each go/no-go criterion of the latest shadow run: 1 when it had no data to judge (it then fails), else 0.'),
  gateKpiVariance: family('gate_kpi_variance_ratio', 'Worst KPI relative variance of the latest shadow run, accepted discrepancies left out; +Inf when a KPI is missing on one side.', 'ratio'),
  gateErrorRate: family('gate_error_ratio', 'Share of V1 loan-level rows V2 did not reproduce in the latest shadow run; 1 when a pipeline failed.', 'ratio'),
  gateLatency: family('gate_latency_seconds', 'V2 pipeline wall time in the latest shadow run.', 'seconds'),
  gateNullRate: family('gate_null_ratio', 'Worst null rate over V2 output columns in the latest shadow run.', 'ratio'),
  reconcileDays: family('reconcile_days', 'Days in the latest reconciliation by verdict.'),
  reconcileWorstVariance: family('reconcile_worst_variance_ratio', 'Worst KPI relative variance over the days of the latest reconciliation.', 'ratio'),
  resourcePeakRss: family('peak_rss_bytes', 'Peak resident memory of a pipeline\'s process tree (load: per size, largest copy; soak: over the iterations).', 'bytes'),
  resourcePeakCpu: family('peak_cpu_ratio', 'Peak CPU of a pipeline\'s process tree as a share of the whole machine (load: per size; soak: over the iterations).', 'ratio'),
  loadWall: family('load_wall_seconds', 'Slowest wall time of a pipeline per input size in the latest load run.', 'seconds'),
  soakRssGrowth: family('soak_rss_growth_bytes_per_second', 'Upper 95% bound of the growth of peak memory over the latest soak, per pipeline.', 'bytes_per_second'),
  soakFailures: family('soak_unrecovered_failures', 'Pipeline failures in the latest soak that the next iteration did not recover from.'),
  channelVerdict: family('channel_verdict', 'Each output channel and side of the latest channels run: 1 for its verdict (pass, inconclusive, fail), 0 for the others.'),
} as const satisfies Record<string, MetricFamily>;

export type MetricKey = keyof typeof METRICS;

/** The names of every exported metric: what a PromQL query of Cutover's may name. */
export function exportedMetricNames(): string[] {
  return Object.values(METRICS).map((m) => m.name);
}
