/**
 * A run record in a few words, for lists (the Runs view, the status bar, `cutover runs`): its outcome, the worst
 * KPI variance and the KPIs that did not pass (for a reconciliation, on which day). Types only from the schema, so
 * the views that use it do not load zod while the extension activates.
 */
import type { RunRecord } from './record';
import type { KpiLine, RunKpiLine, RunResults } from './results';

export type RunOutcome = 'pass' | 'inconclusive' | 'fail' | 'error' | 'stopped' | 'interrupted' | 'running';

/** The KPI lines of a run: its comparison's, or a reconciliation's not-passing lines with their days. */
export function kpiLinesOf(results: RunResults): readonly RunKpiLine[] {
  return results.kpis?.kpis ?? results.reconcile?.kpis ?? [];
}

export interface RunSummary {
  readonly outcome: RunOutcome;
  /** Largest finite relative KPI variance, when the run compared KPIs. */
  readonly worstVariance?: number;
  readonly worstKpi?: string;
  readonly durationMs?: number;
  /** KPIs whose verdict is not pass, fails first. */
  readonly notPassing: readonly RunKpiLine[];
}

const SEVERITY: Record<KpiLine['verdict'], number> = { fail: 0, inconclusive: 1, pass: 2 };

export function summarizeRun(record: RunRecord): RunSummary {
  const outcome: RunOutcome = record.status === 'running' ? 'running'
    : record.status === 'interrupted' ? 'interrupted'
      : record.status === 'stopped' ? 'stopped'
      : record.verdict?.verdict ?? 'error';
  const kpis = kpiLinesOf(record.results);
  let worst: RunKpiLine | undefined;
  for (const k of kpis) {
    if (k.relVariance !== null && Number.isFinite(k.relVariance) && (!worst || k.relVariance > (worst.relVariance ?? -1))) worst = k;
  }
  const started = Date.parse(record.startedAt);
  const ended = record.endedAt ? Date.parse(record.endedAt) : NaN;
  return {
    outcome,
    ...(worst ? { worstVariance: worst.relVariance!, worstKpi: `${worst.segment ? `${worst.kpi} (${worst.segment})` : worst.kpi}${worst.day ? ` on ${worst.day}` : ''}` } : {}),
    ...(Number.isFinite(ended - started) ? { durationMs: ended - started } : {}),
    notPassing: kpis.filter((k) => k.verdict !== 'pass')
      .sort((a, b) => SEVERITY[a.verdict] - SEVERITY[b.verdict] || (b.relVariance ?? Infinity) - (a.relVariance ?? Infinity)),
  };
}
