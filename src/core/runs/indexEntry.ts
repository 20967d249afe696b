/**
 * One landed run as the run-store index holds it (`.cutover/runs/index.jsonl`, see indexFile.ts): the few figures
 * the cross-run surfaces show (the Dashboard, the Runs view's latest run, the KPI Diff panel's latest reconcile), so
 * they never parse every run.json. Pure and types-only imports: the browser app reads these types too.
 */
import { defaultFailLine, defaultPassLine } from '../engine/judge';
import type { RunRecord } from './record';
import type { ChannelResult, Verdict } from './results';
import { summarizeRun, type RunOutcome } from './summary';

/** Bumped when an entry's shape changes: lines of another version are rebuilt from their run folders. */
export const INDEX_VERSION = 1;

/** How many of a run's reasons an entry keeps (the run's own record has them all). */
const MAX_REASONS = 3;
const MAX_REASON_CHARS = 240;

export interface IndexEntry {
  readonly v: typeof INDEX_VERSION;
  readonly id: string;
  readonly kind: string;
  readonly status: RunRecord['status'];
  readonly outcome: RunOutcome;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly reasons: readonly string[];
  readonly input?: string;
  /** The pass and fail lines the run was judged by (the engine's defaults when it recorded none). */
  readonly lines: { readonly pass: number; readonly fail: number };
  /** Per KPI, the largest |relative variance| over its segments (null: infinite or missing on a side) and its worst verdict. */
  readonly kpis?: Readonly<Record<string, { readonly variance: number | null; readonly verdict: Verdict }>>;
  /** A reconciliation's summary (its days are read from its run.json when shown: they would triple the index). */
  readonly reconcile?: NonNullable<RunRecord['results']['reconcile']>['summary'];
  /** Latency and resources: each pipeline's wall time, and a load or soak run's figures. */
  readonly figures?: {
    readonly pipelineSeconds?: Readonly<Record<string, number>>;
    readonly seconds100k?: number;
    readonly peakRssBytes?: number;
    readonly peakCpuPercent?: number;
    readonly slopeMBPerHour?: number;
  };
  readonly channels?: readonly Pick<ChannelResult, 'channel' | 'side' | 'type' | 'verdict'>[];
  /** The run's pipeline logs, relative to its folder. */
  readonly logs?: readonly { readonly name: string; readonly path: string }[];
}

/** A run folder removed from the store (`RunStore.delete`, or found gone). */
export interface IndexRemoval {
  readonly v: typeof INDEX_VERSION;
  readonly id: string;
  readonly deleted: true;
}

export type IndexLine = IndexEntry | IndexRemoval;

export function removalOf(id: string): IndexRemoval {
  return { v: INDEX_VERSION, id, deleted: true };
}

const VERDICT_RANK: Record<Verdict, number> = { pass: 0, inconclusive: 1, fail: 2 };

export function indexEntryOf(record: RunRecord): IndexEntry {
  const summary = summarizeRun(record);
  const results = record.results;
  const kpis: Record<string, { variance: number | null; verdict: Verdict }> = {};
  for (const k of results.kpis?.kpis ?? []) {
    const variance = k.relVariance === null ? null : Math.abs(k.relVariance);
    const seen = kpis[k.kpi];
    const larger = !seen || (seen.variance !== null && (variance === null || variance > seen.variance));
    const verdict = seen && VERDICT_RANK[seen.verdict] > VERDICT_RANK[k.verdict] ? seen.verdict : k.verdict;
    kpis[k.kpi] = { variance: larger ? variance : seen.variance, verdict };
  }
  const figures = figuresOf(record);
  const logs = record.commands.flatMap((c) => (c.log ? [{ name: c.name, path: c.log }] : []));
  const channels = results.channels?.channels.map((c) => ({ channel: c.channel, side: c.side, type: c.type, verdict: c.verdict }));
  const reasons = (record.verdict?.reasons ?? (record.error ? [record.error.message] : []))
    .slice(0, MAX_REASONS).map((r) => (r.length > MAX_REASON_CHARS ? `${r.slice(0, MAX_REASON_CHARS - 1)}…` : r));
  return {
    v: INDEX_VERSION,
    id: record.id,
    kind: record.kind,
    status: record.status,
    outcome: summary.outcome,
    startedAt: record.startedAt,
    ...(record.endedAt ? { endedAt: record.endedAt } : {}),
    ...(summary.durationMs !== undefined ? { durationMs: summary.durationMs } : {}),
    reasons,
    ...(results.input ? { input: results.input.name ?? results.input.path } : {}),
    lines: judgedLines(record),
    ...(Object.keys(kpis).length > 0 ? { kpis } : {}),
    ...(results.reconcile ? { reconcile: results.reconcile.summary } : {}),
    ...(figures ? { figures } : {}),
    ...(channels && channels.length > 0 ? { channels } : {}),
    ...(logs.length > 0 ? { logs } : {}),
  };
}

/** The lines a run recorded (a reconciliation's thresholds, else its first KPI line's tolerance), else the engine's. */
function judgedLines(record: RunRecord): IndexEntry['lines'] {
  const number = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const tolerance = record.results.kpis?.kpis[0]?.tolerance ?? record.results.reconcile?.kpis[0]?.tolerance;
  return {
    pass: number(record.thresholds['passLine']) ?? tolerance?.passLine ?? defaultPassLine,
    fail: number(record.thresholds['failLine']) ?? tolerance?.failLine ?? defaultFailLine,
  };
}

function figuresOf(record: RunRecord): IndexEntry['figures'] | undefined {
  const { load, soak } = record.results;
  const pipelines = record.commands.filter((c) => c.exitCode === 0);
  const pipelineSeconds = Object.fromEntries(pipelines.slice(0, 8).map((c) => [c.name, c.ms / 1000]));
  const soakPeak = soak?.iterations.reduce<number | null>((m, i) => (i.peakRssBytes !== null && (m === null || i.peakRssBytes > m) ? i.peakRssBytes : m), null) ?? null;
  const soakCpu = soak?.iterations.reduce<number | null>((m, i) => (i.peakCpuPercent !== null && (m === null || i.peakCpuPercent > m) ? i.peakCpuPercent : m), null) ?? null;
  const figures = {
    ...(pipelines.length > 0 ? { pipelineSeconds } : {}),
    ...(load?.summary.seconds100k != null ? { seconds100k: load.summary.seconds100k } : {}),
    ...(load?.summary.peakRssBytes != null ? { peakRssBytes: load.summary.peakRssBytes } : soakPeak !== null ? { peakRssBytes: soakPeak } : {}),
    ...(load?.summary.peakCpuPercent != null ? { peakCpuPercent: load.summary.peakCpuPercent } : soakCpu !== null ? { peakCpuPercent: soakCpu } : {}),
    ...(soak?.summary.worstSlopeMBPerHour != null ? { slopeMBPerHour: soak.summary.worstSlopeMBPerHour } : {}),
  };
  return Object.keys(figures).length > 0 ? figures : undefined;
}

/** A parsed line of the index, or undefined when it is not one of this version (rebuilt from its folder). */
export function parseIndexLine(text: string): IndexLine | undefined {
  const value = JSON.parse(text) as Partial<IndexEntry & IndexRemoval> | null;
  if (typeof value !== 'object' || value === null || value.v !== INDEX_VERSION || typeof value.id !== 'string') return undefined;
  if (value.deleted === true) return value as IndexRemoval;
  return typeof value.kind === 'string' && typeof value.startedAt === 'string' && typeof value.outcome === 'string' ? value as IndexEntry : undefined;
}
