/**
 * What the benches that build a synthetic run store share: the KPI names and segments of their shadow runs, run ids
 * in the store's own format (reproducible), and the median of repeated timings.
 */
import { newRunId } from '../src/core/runs/id';

export const KPIS = ['total_balance', 'dpd30_rate', 'dpd60_rate', 'dpd90_rate', 'default_rate', 'weighted_rate'];
export const SEGMENTS = ['total', 'product=auto', 'product=mortgage', 'region=north', 'region=south'];

/** Run `n`'s id, started at `ms`: the tail is `n` in hex, so a store is the same on every bench run. */
export function idAt(ms: number, n: number): string {
  return newRunId(new Date(ms), n.toString(16).padStart(6, '0'));
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
