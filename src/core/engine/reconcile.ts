/**
 * Reconciliation over dated data: for a date column (a hive partition like `as_of_date=…` or a plain column),
 * the KPI comparison per day for the last N days present on either side. A day present on one side only has all
 * its KPIs missing on the other, so it fails.
 *
 * API: `reconcile(engine, v1, v2, { dateColumn, days, layout? | declarative?, judge? })` → Reconciliation with
 * per-day worst relVariance / worst KPI / verdict and a summary { days, daysPassing, worstDay, worstKpi, verdict }.
 * KPI tables are compared by `layout` (segment columns must not include the date column); loan-level tables by
 * `declarative` KPIs computed per day.
 */
import { ConfigError } from '../errors';
import { declarativeRelation } from './declarative';
import type { Engine } from './duckdb';
import { badness, worstVerdict } from './judge';
import { compareKpiRelations, kpiRelation } from './kpis';
import { literal } from './sql';
import type { DeclarativeKpis, KpiJudgeOptions, KpiResult, KpiTableLayout, LoadedTable, ReconcileDay, Reconciliation } from './types';

export interface ReconcileOptions {
  readonly dateColumn: string;
  /** The last N days present (default 30). */
  readonly days?: number;
  readonly layout?: KpiTableLayout;
  readonly declarative?: DeclarativeKpis;
  readonly judge?: KpiJudgeOptions;
}

function worse(a: KpiResult, b: KpiResult): boolean {
  const [sa, ra] = badness(a);
  const [sb, rb] = badness(b);
  return sa !== sb ? sa > sb : ra > rb;
}

export async function reconcile(engine: Engine, v1: LoadedTable, v2: LoadedTable, options: ReconcileOptions): Promise<Reconciliation> {
  const n = options.days ?? 30;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`days must be a positive integer, got ${n}`);
  const relation = async (t: LoadedTable): Promise<string> =>
    options.declarative
      ? declarativeRelation(engine, t, options.declarative, options.dateColumn)
      : kpiRelation(t, options.layout ?? {}, options.dateColumn);
  const sql1 = await relation(v1);
  const sql2 = await relation(v2);
  const dayRows = await engine.rows(
    `SELECT DISTINCT "__day" FROM (SELECT "__day" FROM (${sql1}) UNION ALL SELECT "__day" FROM (${sql2})) WHERE "__day" IS NOT NULL ORDER BY "__day" DESC LIMIT ${n}`,
  );
  const days = dayRows.map((r) => String(r['__day'])).sort();
  const inDays = days.length === 0 ? 'false' : `"__day" IN (${days.map(literal).join(', ')})`;
  const results = (await compareKpiRelations(
    engine,
    `SELECT * FROM (${sql1}) WHERE ${inDays}`,
    `SELECT * FROM (${sql2}) WHERE ${inDays}`,
    options.judge ?? {},
    true,
  )) as (KpiResult & { day: string })[];

  const perDay: ReconcileDay[] = days.map((day) => {
    const kpis = results.filter((r) => r.day === day);
    let worst: KpiResult | undefined;
    for (const k of kpis) if (worst === undefined || worse(k, worst)) worst = k;
    const nonFinite = worst?.nonFinite?.relVariance;
    return {
      day,
      kpis: kpis.length,
      failing: kpis.filter((k) => k.verdict === 'fail').length,
      worstKpi: worst?.kpi ?? null,
      worstSegment: worst?.segment ?? null,
      worstRelVariance: worst?.relVariance ?? null,
      ...(nonFinite ? { worstNonFinite: nonFinite } : {}),
      verdict: kpis.length === 0 ? 'inconclusive' : worstVerdict(kpis.map((k) => k.verdict)),
    };
  });
  let worstDay: { day: string; kpi: KpiResult } | undefined;
  for (const r of results) if (worstDay === undefined || worse(r, worstDay.kpi)) worstDay = { day: r.day, kpi: r };
  return {
    dateColumn: options.dateColumn,
    days: perDay,
    summary: {
      days: perDay.length,
      daysPassing: perDay.filter((d) => d.verdict === 'pass').length,
      worstDay: worstDay?.day ?? null,
      worstKpi: worstDay ? `${worstDay.kpi.kpi} (${worstDay.kpi.segment})` : null,
      verdict: perDay.length === 0 ? 'inconclusive' : worstVerdict(perDay.map((d) => d.verdict)),
    },
    kpis: results,
  };
}
