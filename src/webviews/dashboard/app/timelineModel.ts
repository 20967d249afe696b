/**
 * The Dashboard's timeline (pure, no DOM, unit-tested): the runs that pass the filters, and a compact minimap of
 * them like GitLens' commit-graph minimap: one lane per kind, time in at most BUCKETS columns, each cell coloured by
 * the worst outcome that fell into it, so 10,000 runs draw as a few hundred cells.
 */
import type { RunOutcome } from '../../../core/runs/summary';
import type { TimelineRun } from '../protocol';

export const BUCKETS = 96;

export interface TimelineFilter {
  readonly kind: string;
  readonly outcome: string;
  readonly text: string;
  /** A time range picked on the minimap, ms since the epoch, inclusive. */
  readonly range?: { readonly from: number; readonly to: number } | undefined;
}

export const ALL = 'all';

export function filterRuns(runs: readonly TimelineRun[], f: TimelineFilter): TimelineRun[] {
  const text = f.text.trim().toLowerCase();
  return runs.filter((r) => (f.kind === ALL || r.kind === f.kind)
    && (f.outcome === ALL || r.outcome === f.outcome)
    && (!f.range || (r.at >= f.range.from && r.at <= f.range.to))
    && (text === '' || r.id.includes(text) || r.kind.toLowerCase().includes(text) || r.reason.toLowerCase().includes(text)));
}

/** Worst first: what a cell shows when several runs fall into it. */
const RANK: Record<RunOutcome, number> = { fail: 0, error: 1, inconclusive: 2, interrupted: 3, stopped: 4, running: 5, pass: 6 };

export interface MinimapCell {
  readonly lane: number;
  readonly bucket: number;
  readonly count: number;
  readonly worst: RunOutcome;
  readonly from: number;
  readonly to: number;
}

export interface Minimap {
  readonly lanes: readonly string[];
  readonly buckets: number;
  readonly from: number;
  readonly to: number;
  readonly cells: readonly MinimapCell[];
}

export function minimap(runs: readonly TimelineRun[], kinds: readonly string[]): Minimap {
  const lanes = kinds.filter((k) => runs.some((r) => r.kind === k));
  let from = Infinity;
  let to = -Infinity;
  for (const r of runs) {
    if (r.at < from) from = r.at;
    if (r.at > to) to = r.at;
  }
  if (runs.length === 0) return { lanes, buckets: BUCKETS, from: 0, to: 0, cells: [] };
  const span = Math.max(to - from, 1);
  const width = span / BUCKETS;
  const cells = new Map<string, { lane: number; bucket: number; count: number; worst: RunOutcome }>();
  const laneOf = new Map(lanes.map((k, i) => [k, i]));
  for (const r of runs) {
    const lane = laneOf.get(r.kind);
    if (lane === undefined) continue;
    const bucket = Math.min(BUCKETS - 1, Math.floor((r.at - from) / width));
    const key = `${lane}:${bucket}`;
    const cell = cells.get(key);
    if (!cell) cells.set(key, { lane, bucket, count: 1, worst: r.outcome });
    else {
      cell.count += 1;
      if (RANK[r.outcome] < RANK[cell.worst]) cell.worst = r.outcome;
    }
  }
  return {
    lanes,
    buckets: BUCKETS,
    from,
    to,
    cells: [...cells.values()].map((c) => ({
      ...c,
      from: from + c.bucket * width,
      // The last cell ends at the newest run itself.
      to: c.bucket === BUCKETS - 1 ? to : from + (c.bucket + 1) * width,
    })),
  };
}
