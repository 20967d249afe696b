/**
 * The Dashboard's view model, built from the run-store index (pure: no vscode, no file system; the bench times it).
 * Everything here comes from index entries, so 10,000 runs cost one pass over small objects, never 10,000 run.json.
 */
import { defaultFailLine, defaultPassLine } from '../../core/engine/judge';
import type { IndexEntry } from '../../core/runs/indexEntry';
import type { Verdict } from '../../core/runs/results';
import type { ReconcileView } from '../../core/runs/viewModel';
import type { ChannelHealth, DashboardModel, KpiDrift, LatestOfKind, LogLine, TimelineRun, Trend, TrendPoint } from './protocol';

/** Runs per KPI drift chart and per trend: enough to see a drift, few enough to read each point. */
export const TREND_RUNS = 40;
/** KPIs with a drift chart, the worst first. */
export const DRIFT_KPIS = 12;
/** A channel's health counts its last this many checks. */
export const CHANNEL_CHECKS = 10;

export interface StoreSnapshot {
  readonly root: string;
  /** Landed runs, newest first (RunIndex.entries()). */
  readonly entries: readonly IndexEntry[];
  /** Runs in progress, as index entries. */
  readonly running: readonly IndexEntry[];
}

function timelineRun(store: number, e: IndexEntry): TimelineRun {
  return { store, id: e.id, kind: e.kind, outcome: e.outcome, at: Date.parse(e.startedAt), durationMs: e.durationMs ?? null, reason: e.reasons[0] ?? '' };
}

type Placed = { readonly store: number; readonly entry: IndexEntry };

/** Every store's entries, newest first (run ids sort by start time). */
function merged(stores: readonly StoreSnapshot[]): Placed[] {
  const all = stores.flatMap((s, store) => s.entries.map((entry) => ({ store, entry })));
  if (stores.length > 1) all.sort((a, b) => (a.entry.id < b.entry.id ? 1 : a.entry.id > b.entry.id ? -1 : 0));
  return all;
}

/** The latest complete reconciliation (its run.json read: the index keeps only its summary), the logs' lines, and runs left out. */
export interface DashboardExtras {
  readonly reconcile: ReconcileView | null;
  readonly logs: readonly LogLine[];
  readonly problems: readonly string[];
}

export function dashboardModel(stores: readonly StoreSnapshot[], { reconcile, logs, problems }: DashboardExtras): DashboardModel {
  const all = merged(stores);
  const runs = all.map((p) => timelineRun(p.store, p.entry));
  const latest = new Map<string, { run: TimelineRun; runs: number }>();
  runs.forEach((run) => {
    const seen = latest.get(run.kind);
    if (seen) latest.set(run.kind, { ...seen, runs: seen.runs + 1 });
    else latest.set(run.kind, { run, runs: 1 });
  });
  const comparing = all.find((p) => p.entry.kpis || p.entry.reconcile);
  const lines = comparing?.entry.lines ?? { pass: defaultPassLine, fail: defaultFailLine };
  return {
    stores: stores.map((s) => s.root),
    total: runs.length,
    runs,
    kinds: [...latest.keys()].sort(),
    latest: [...latest.entries()].map(([kind, l]): LatestOfKind => ({ kind, run: l.run, runs: l.runs })).sort((a, b) => a.kind.localeCompare(b.kind)),
    live: stores.flatMap((s, store) => s.running.map((e) => timelineRun(store, e))),
    lines,
    drift: kpiDrift(all),
    reconcile,
    trends: trends(all),
    logs,
    channels: channelHealth(all),
    problems,
  };
}

const SEVERITY: Record<Verdict, number> = { fail: 0, inconclusive: 1, pass: 2 };

/** Per KPI, its worst variance in each of the last TREND_RUNS runs that compared KPIs; the KPIs worst now first. */
function kpiDrift(all: readonly Placed[]): KpiDrift[] {
  const recent = all.filter((p) => p.entry.kpis).slice(0, TREND_RUNS).reverse();
  const byKpi = new Map<string, KpiDrift['points'][number][]>();
  for (const { store, entry } of recent) {
    for (const [kpi, k] of Object.entries(entry.kpis ?? {})) {
      const points = byKpi.get(kpi) ?? [];
      points.push({ store, id: entry.id, at: Date.parse(entry.startedAt), variance: k.variance, verdict: k.verdict });
      byKpi.set(kpi, points);
    }
  }
  const worstNow = (d: KpiDrift): [number, number] => {
    const last = d.points.at(-1);
    return [last ? SEVERITY[last.verdict] : 3, last ? (last.variance === null ? Infinity : last.variance) : -1];
  };
  return [...byKpi.entries()].map(([kpi, points]) => ({ kpi, points }))
    .sort((a, b) => {
      const [sa, va] = worstNow(a);
      const [sb, vb] = worstNow(b);
      return sa - sb || vb - va || a.kpi.localeCompare(b.kpi);
    })
    .slice(0, DRIFT_KPIS);
}

/** Latency (each pipeline's wall time in shadow runs, load's 100k-row time) and resources (load and soak) over runs. */
function trends(all: readonly Placed[]): Trend[] {
  const series = new Map<string, { unit: Trend['unit']; points: TrendPoint[] }>();
  const add = (name: string, unit: Trend['unit'], p: Placed, value: number | undefined): void => {
    if (value === undefined || !Number.isFinite(value)) return;
    const s = series.get(name) ?? { unit, points: [] };
    if (s.points.length >= TREND_RUNS) return;
    s.points.push({ store: p.store, id: p.entry.id, at: Date.parse(p.entry.startedAt), value });
    series.set(name, s);
  };
  for (const p of all) {
    const f = p.entry.figures;
    if (!f) continue;
    if (p.entry.kind === 'shadow') for (const [pipeline, seconds] of Object.entries(f.pipelineSeconds ?? {})) add(`${pipeline} latency (shadow)`, 'seconds', p, seconds);
    if (p.entry.kind === 'load') add('100k rows (load)', 'seconds', p, f.seconds100k);
    if (p.entry.kind === 'load' || p.entry.kind === 'soak') {
      add(`peak RSS (${p.entry.kind})`, 'bytes', p, f.peakRssBytes);
      add(`peak CPU (${p.entry.kind})`, 'percent', p, f.peakCpuPercent);
    }
    if (p.entry.kind === 'soak') add('memory slope (soak)', 'MB/h', p, f.slopeMBPerHour);
  }
  return [...series.entries()].map(([name, s]) => ({ name, unit: s.unit, points: s.points.reverse() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Each channel and side as its latest check found it, with how many of its recent checks did not pass. */
function channelHealth(all: readonly Placed[]): ChannelHealth[] {
  const health = new Map<string, { latest: ChannelHealth; notPassing: number; checks: number }>();
  for (const { store, entry } of all) {
    for (const c of entry.channels ?? []) {
      const key = `${c.channel}\0${c.side}`;
      const seen = health.get(key);
      if (seen && seen.checks >= CHANNEL_CHECKS) continue;
      const failed = c.verdict === 'pass' ? 0 : 1;
      if (seen) health.set(key, { ...seen, notPassing: seen.notPassing + failed, checks: seen.checks + 1 });
      else {
        const latest: ChannelHealth = { channel: c.channel, side: c.side, type: c.type, verdict: c.verdict, store, runId: entry.id, at: Date.parse(entry.startedAt), notPassing: 0, checks: 0 };
        health.set(key, { latest, notPassing: failed, checks: 1 });
      }
    }
  }
  return [...health.values()].map((h) => ({ ...h.latest, notPassing: h.notPassing, checks: h.checks }))
    .sort((a, b) => SEVERITY[a.verdict] - SEVERITY[b.verdict] || a.channel.localeCompare(b.channel) || a.side.localeCompare(b.side));
}

/** The runs whose logs the Dashboard scans for error and warning lines: the newest that have logs. */
export function recentLogs(stores: readonly StoreSnapshot[], runs = 8): { store: number; entry: IndexEntry }[] {
  return merged(stores).filter((p) => p.entry.logs && p.entry.logs.length > 0).slice(0, runs);
}
