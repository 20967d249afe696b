/**
 * A run store's figures as metric samples (pure: records in, samples out). For each run kind the latest finished
 * run speaks (a run in progress has nothing final to say); the last-success time comes from the newest passing run.
 * The go/no-go figures are the gate's own (`goNoGo`, passed in), never recomputed here.
 *
 * Label cardinality is bounded: run kinds, pipelines, criteria, channels and sizes come from cutover.json and the
 * code; KPI segments are capped at `maxSegments` per run (the worst segments by variance are kept, the number
 * left out is exported), so a KPI table with thousands of segments cannot flood Prometheus.
 */
import type { CriterionVerdict, GateResult } from '../gate/evaluate';
import type { RunKpiLine } from '../runs/results';
import type { RunRecord } from '../runs/record';
import { METRICS, type MetricKey } from './catalog';
import type { MetricFamily, Sample } from './exposition';

export interface CollectOptions {
  /** The `workspace` label of every sample (cutover.json monitoring.workspace, else the workspace folder's name). */
  readonly workspace: string;
  /** Most KPI segments exported per run (cutover.json monitoring.maxSegments). */
  readonly maxSegments: number;
  /** The go/no-go of a shadow run, as every surface decides it. */
  readonly gate: (record: RunRecord) => GateResult;
}

export interface Collected {
  /** The families in catalog order, each with its samples (possibly none). */
  readonly families: readonly { readonly family: MetricFamily; readonly samples: readonly Sample[] }[];
  /** The run kinds that have samples: one Pushgateway group each. */
  readonly kinds: readonly string[];
}

const RUN_VERDICTS = ['pass', 'inconclusive', 'fail', 'error'] as const;
const CRITERION_VERDICTS: readonly CriterionVerdict[] = ['pass', 'fail', 'inconclusive'];
const GATE_VERDICTS = ['go', 'no-go', 'inconclusive'] as const;

const seconds = (iso: string | undefined): number | undefined => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
};

/** The variance of a KPI line as the gate counts it: a missing side or a non-finite variance is infinite. */
export function lineVariance(k: Pick<RunKpiLine, 'v1' | 'v2' | 'relVariance' | 'nonFinite'>): number {
  if (k.v1 === null || k.v2 === null || k.relVariance === null || k.nonFinite?.relVariance !== undefined) return Infinity;
  return Math.abs(k.relVariance);
}

/** The segments kept under the cap: the worst first (by their worst KPI variance), then by name for a stable set. */
export function keptSegments(lines: readonly RunKpiLine[], maxSegments: number): { kept: Set<string>; dropped: number } {
  const worst = new Map<string, number>();
  for (const k of lines) worst.set(k.segment, Math.max(worst.get(k.segment) ?? 0, lineVariance(k)));
  const ranked = [...worst.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { kept: new Set(ranked.slice(0, maxSegments).map(([s]) => s)), dropped: Math.max(0, ranked.length - maxSegments) };
}

/** One-hot samples: 1 for `value`, 0 for each other state (how Prometheus shows an enum). */
function oneHot(labels: Record<string, string>, name: string, states: readonly string[], value: string | undefined): Sample[] {
  return states.map((s) => ({ labels: { ...labels, [name]: s }, value: s === value ? 1 : 0 }));
}

/** The latest finished run of each kind, newest first as the store lists them. */
function latestByKind(runs: readonly RunRecord[]): Map<string, RunRecord> {
  const latest = new Map<string, RunRecord>();
  for (const r of runs) if (r.status !== 'running' && !latest.has(r.kind)) latest.set(r.kind, r);
  return latest;
}

export function collectMetrics(runs: readonly RunRecord[], options: CollectOptions): Collected {
  const samples = new Map<MetricKey, Sample[]>(Object.keys(METRICS).map((k) => [k as MetricKey, []]));
  const add = (key: MetricKey, labels: Record<string, string>, value: number | null | undefined): void => {
    if (value === null || value === undefined) return;
    samples.get(key)?.push({ labels, value });
  };

  const lastPass = new Map<string, RunRecord>();
  for (const r of runs) if (r.status === 'complete' && r.verdict?.verdict === 'pass' && !lastPass.has(r.kind)) lastPass.set(r.kind, r);

  const latest = latestByKind(runs);
  for (const [kind, run] of latest) {
    const base = { workspace: options.workspace, kind };
    add('runInfo', { ...base, run_id: run.id, status: run.status, verdict: run.verdict?.verdict ?? 'none' }, 1);
    for (const s of oneHot(base, 'verdict', RUN_VERDICTS, run.verdict?.verdict)) add('runVerdict', s.labels, s.value);
    const start = seconds(run.startedAt);
    const end = seconds(run.endedAt);
    add('runStart', base, start);
    if (start !== undefined && end !== undefined) add('runDuration', base, end - start);
    for (const p of run.phases) add('phaseDuration', { ...base, phase: p.name }, p.ms / 1000);
    for (const c of run.commands.filter((x) => x.name === 'v1' || x.name === 'v2')) {
      add('pipelineDuration', { ...base, pipeline: c.name }, c.ms / 1000);
      add('pipelineExitCode', { ...base, pipeline: c.name }, c.exitCode ?? -1);
    }
    kpiSamples(run, base, options.maxSegments, add);
    if (kind === 'shadow') gateSamples(options.gate(run), base, add);
    resultSamples(run, base, add);
  }
  // A kind that has run and never passed says so with 0 (the Pushgateway convention), so its staleness alerts.
  for (const kind of latest.keys()) add('lastSuccess', { workspace: options.workspace, kind }, lastPass.has(kind) ? seconds(lastPass.get(kind)?.endedAt) : 0);

  const families = (Object.keys(METRICS) as MetricKey[]).map((k) => ({ family: METRICS[k], samples: samples.get(k) ?? [] }));
  const kinds = [...new Set(families.flatMap((f) => f.samples.map((s) => s.labels['kind'] ?? '')))].filter((k) => k !== '').sort();
  return { families, kinds };
}

type Add = (key: MetricKey, labels: Record<string, string>, value: number | null | undefined) => void;

function kpiSamples(run: RunRecord, base: Record<string, string>, maxSegments: number, add: Add): void {
  const comparison = run.results.kpis;
  if (!comparison) return;
  for (const v of ['pass', 'inconclusive', 'fail'] as const) add('kpiLines', { ...base, verdict: v }, comparison.counts[v]);
  const { kept, dropped } = keptSegments(comparison.kpis, maxSegments);
  add('kpiSegmentsDropped', base, dropped);
  for (const k of comparison.kpis) {
    if (!kept.has(k.segment)) continue;
    const labels = { ...base, kpi: k.kpi, segment: k.segment };
    add('kpiValue', { ...labels, side: 'v1' }, k.v1);
    add('kpiValue', { ...labels, side: 'v2' }, k.v2);
    add('kpiVariance', labels, lineVariance(k));
  }
}

function gateSamples(gate: GateResult, base: Record<string, string>, add: Add): void {
  for (const s of oneHot(base, 'verdict', GATE_VERDICTS, gate.verdict)) add('gateVerdict', s.labels, s.value);
  const key = { kpiVariance: 'gateKpiVariance', errorRate: 'gateErrorRate', latency: 'gateLatency', nullRate: 'gateNullRate' } as const;
  for (const c of gate.criteria) {
    for (const s of oneHot({ ...base, criterion: c.name }, 'verdict', CRITERION_VERDICTS, c.verdict)) add('gateCriterionVerdict', s.labels, s.value);
    add(key[c.name], base, c.infinite ? Infinity : c.value);
    add('gateNoData', { ...base, criterion: c.name }, c.value === null && !c.infinite ? 1 : 0);
  }
}

const MIB = 2 ** 20;

/** The larger of two figures, either of which may be missing. */
const max = (a: number | null | undefined, b: number | null): number | null => (a === null || a === undefined ? b : b === null ? a : Math.max(a, b));

function resultSamples(run: RunRecord, base: Record<string, string>, add: Add): void {
  const { reconcile, load, soak, channels } = run.results;
  if (reconcile) {
    const passing = reconcile.days.filter((d) => d.verdict === 'pass').length;
    const failing = reconcile.days.filter((d) => d.verdict === 'fail').length;
    add('reconcileDays', { ...base, verdict: 'pass' }, passing);
    add('reconcileDays', { ...base, verdict: 'fail' }, failing);
    add('reconcileDays', { ...base, verdict: 'inconclusive' }, reconcile.days.length - passing - failing);
    const worst = reconcile.days.reduce<number | undefined>((w, d) => {
      const v = d.worstNonFinite !== undefined ? Infinity : d.worstRelVariance;
      return v === null ? w : Math.max(w ?? 0, Math.abs(v));
    }, undefined);
    add('reconcileWorstVariance', base, worst);
  }
  if (load) {
    const bySize = new Map<string, { pipeline: string; size: string; rss: number | null; cpu: number | null; wall: number }>();
    for (const m of load.measurements) {
      const id = `${m.pipeline}\u0000${m.size}`;
      const prev = bySize.get(id);
      bySize.set(id, { pipeline: m.pipeline, size: m.size, rss: max(prev?.rss, m.peakRssBytes), cpu: max(prev?.cpu, m.peakCpuPercent), wall: Math.max(prev?.wall ?? 0, m.wallSeconds) });
    }
    for (const m of bySize.values()) {
      const labels = { ...base, pipeline: m.pipeline, size: m.size };
      add('resourcePeakRss', labels, m.rss);
      add('resourcePeakCpu', labels, m.cpu === null ? null : m.cpu / 100);
      add('loadWall', labels, m.wall);
    }
  }
  if (soak) {
    for (const pipeline of soak.pipelines) {
      const its = soak.iterations.filter((i) => i.pipeline === pipeline);
      const labels = { ...base, pipeline, size: 'soak' };
      const rss = its.map((i) => i.peakRssBytes).filter((v): v is number => v !== null);
      const cpu = its.map((i) => i.peakCpuPercent).filter((v): v is number => v !== null);
      if (rss.length > 0) add('resourcePeakRss', labels, Math.max(...rss));
      if (cpu.length > 0) add('resourcePeakCpu', labels, Math.max(...cpu) / 100);
      const leak = soak.leaks.find((l) => l.pipeline === pipeline);
      add('soakRssGrowth', { ...base, pipeline }, leak?.highMBPerHour == null ? null : (leak.highMBPerHour * MIB) / 3600);
      add('soakFailures', { ...base, pipeline }, soak.failures.filter((f) => f.pipeline === pipeline && f.recovered === false).length);
    }
  }
  if (channels) {
    for (const c of channels.channels) {
      for (const s of oneHot({ ...base, channel: c.channel, side: c.side }, 'verdict', ['pass', 'inconclusive', 'fail'], c.verdict)) add('channelVerdict', s.labels, s.value);
    }
  }
}
