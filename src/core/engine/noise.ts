/**
 * The noise floor (the Diffy / Scientist method): V1 run twice (V1, V1′) shows how much a KPI moves with no code
 * change. A V2 difference within it is noise, not a regression: when |Δ(V1,V2)| ≤ |Δ(V1,V1′)| + abs, a
 * non-passing KPI becomes `pass` with `noise: true` and a reason saying so. Missing, null and non-finite KPIs
 * are never reclassified.
 *
 * API: `applyNoiseFloor(v2Comparison, noiseComparison)` → KpiComparison (pure).
 */
import { summarize } from './judge';
import type { KpiComparison, KpiResult } from './types';

function short(value: number): string {
  return String(Number(value.toPrecision(6)));
}

export function applyNoiseFloor(comparison: KpiComparison, noise: KpiComparison): KpiComparison {
  const floor = new Map(noise.kpis.map((k) => [`${k.segment}\u0000${k.kpi}`, k]));
  const kpis = comparison.kpis.map((k): KpiResult => {
    const n = floor.get(`${k.segment}\u0000${k.kpi}`);
    if (k.verdict === 'pass' || k.delta === null || n === undefined || n.delta === null) return k;
    const allowed = Math.abs(n.delta) + k.tolerance.abs;
    if (Math.abs(k.delta) > allowed) return k;
    return { ...k, verdict: 'pass', noise: true, reason: `noise: |Δ| ${short(Math.abs(k.delta))} ≤ V1/V1′ |Δ| ${short(Math.abs(n.delta))} + abs ${short(k.tolerance.abs)} (was ${k.verdict}: ${k.reason})` };
  });
  return summarize(kpis);
}
