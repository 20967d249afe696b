/**
 * A run record in a few words, for lists (the Runs view, the status bar, `cutover runs`): its outcome, the worst
 * KPI variance and the KPIs that did not pass (for a reconciliation, on which day). `results` is free-form JSON on disk, so every part is checked, never assumed.
 */
import type { RunRecord } from './record';

export type RunOutcome = 'pass' | 'inconclusive' | 'fail' | 'error' | 'interrupted' | 'running';

export interface KpiLine {
  readonly segment: string;
  readonly kpi: string;
  readonly v1: number | null;
  readonly v2: number | null;
  readonly relVariance: number | null;
  readonly verdict: string;
  readonly reason: string;
  /** The day of a day-by-day reconciliation's line. */
  readonly day?: string;
}

export interface RunSummary {
  readonly outcome: RunOutcome;
  /** Largest finite relative KPI variance, when the run compared KPIs. */
  readonly worstVariance?: number;
  readonly worstKpi?: string;
  readonly durationMs?: number;
  /** KPIs whose verdict is not pass, fails first. */
  readonly notPassing: readonly KpiLine[];
}

/** The KPI lines of a comparison (`results.kpis`), or the not-passing lines of a reconciliation, each with its day. */
function kpiLines(results: Record<string, unknown>): KpiLine[] {
  const part = (results['kpis'] ?? results['reconcile']) as { kpis?: unknown } | undefined;
  if (!part || !Array.isArray(part.kpis)) return [];
  return part.kpis.flatMap((k: unknown) => {
    const r = k as Partial<KpiLine>;
    if (typeof r.kpi !== 'string' || typeof r.verdict !== 'string') return [];
    return [{
      segment: typeof r.segment === 'string' ? r.segment : '',
      kpi: r.kpi,
      v1: typeof r.v1 === 'number' ? r.v1 : null,
      v2: typeof r.v2 === 'number' ? r.v2 : null,
      relVariance: typeof r.relVariance === 'number' ? r.relVariance : null,
      verdict: r.verdict,
      reason: typeof r.reason === 'string' ? r.reason : '',
      ...(typeof r.day === 'string' ? { day: r.day } : {}),
    }];
  });
}

const SEVERITY: Record<string, number> = { fail: 0, error: 0, inconclusive: 1 };

export function summarizeRun(record: RunRecord): RunSummary {
  const outcome: RunOutcome = record.status === 'running' ? 'running'
    : record.status === 'interrupted' ? 'interrupted'
      : record.verdict?.verdict ?? 'error';
  const kpis = kpiLines(record.results);
  let worst: KpiLine | undefined;
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
      .sort((a, b) => (SEVERITY[a.verdict] ?? 2) - (SEVERITY[b.verdict] ?? 2) || (b.relVariance ?? Infinity) - (a.relVariance ?? Infinity)),
  };
}
