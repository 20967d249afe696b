/** Run records of every kind the readiness rules read, built by hand (parsed through the one run schema). */
import { RunRecord } from '../../../src/core/runs/record';
import type { KpiDiscrepancy, RunResults } from '../../../src/core/runs/results';
import type { Evidence } from '../../../src/core/readiness/rules';
import type { Review } from '../../../src/core/reviews/store';

let counter = 0;

/** A run id at `iso` (sortable by time, as the store's ids are). */
export function idAt(iso: string): string {
  const d = new Date(iso);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  counter++;
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${p(d.getUTCMilliseconds(), 3)}-${counter.toString(16).padStart(6, '0')}`;
}

export interface RecordSpec {
  readonly kind: string;
  readonly at: string;
  readonly status?: RunRecord['status'];
  readonly verdict?: 'pass' | 'inconclusive' | 'fail' | 'error';
  readonly results?: Record<string, unknown>;
  readonly commands?: RunRecord['commands'];
}

export function record(spec: RecordSpec): RunRecord {
  const end = new Date(Date.parse(spec.at) + 5000).toISOString();
  return RunRecord.parse({
    schemaVersion: 1, id: idAt(spec.at), kind: spec.kind, status: spec.status ?? 'complete',
    startedAt: spec.at, endedAt: end, phases: [], inputs: [], outputs: [], commands: spec.commands ?? [],
    thresholds: {}, versions: { cutover: 'test', node: process.version },
    ...(spec.verdict ? { verdict: { verdict: spec.verdict, reasons: [] } } : {}),
    results: (spec.results ?? {}) as RunResults,
  });
}

export function evidence(runs: readonly RunRecord[], extra: Partial<Evidence> = {}): Evidence {
  // Newest first, as the store lists them.
  const sorted = [...runs].sort((a, b) => (a.id < b.id ? 1 : -1));
  return { runs: sorted, corrupted: [], reviews: [], logScans: {}, ...extra };
}

const tolerance = { abs: 0, passLine: 0.001, failLine: 0.01 };

export function line(day: string, segment: string, kpi: string, v1: number, v2: number) {
  const relVariance = Math.abs(v2 - v1) / Math.abs(v1);
  const verdict = relVariance <= 0.001 ? 'pass' as const : relVariance > 0.01 ? 'fail' as const : 'inconclusive' as const;
  return { day, segment, kpi, v1, v2, delta: v2 - v1, relVariance, tolerance, verdict, reason: 'test' };
}

/** A reconcile run of `days` days; `lines` are the lines that did not pass (each day's worst among them). */
export function reconcileRecord(at: string, days: number, lines: ReturnType<typeof line>[], status: RunRecord['status'] = 'complete'): RunRecord {
  const dayList = Array.from({ length: days }, (_, i) => `2025-11-${String(i + 1).padStart(2, '0')}`);
  const dayParts = dayList.map((day) => {
    const own = lines.filter((l) => l.day === day).sort((a, b) => b.relVariance - a.relVariance);
    const worst = own[0];
    return { day, kpis: 10, failing: own.length, worstKpi: worst?.kpi ?? 'loan_count', worstSegment: worst?.segment ?? 'total', worstRelVariance: worst?.relVariance ?? 0.0001, verdict: worst ? worst.verdict : 'pass' };
  });
  return record({
    kind: 'reconcile', at, status, verdict: lines.length > 0 ? 'fail' : 'pass',
    results: { reconcile: { dateColumn: 'as_of_date', days: dayParts, summary: { days, daysPassing: days - new Set(lines.map((l) => l.day)).size, worstDay: null, worstKpi: null, verdict: 'pass' }, kpis: lines } },
  });
}

export function review(l: KpiDiscrepancy, revoked = false): Review {
  return {
    runId: '20251201-000000-000-aaaaaa', segment: l.segment, kpi: l.kpi, v1: l.v1, v2: l.v2, relVariance: l.relVariance,
    reason: 'intended definition change', who: 'Ada', when: '2025-12-01T00:00:00.000Z',
    ...(revoked ? { revoked: { who: 'Bob', when: '2025-12-02T00:00:00.000Z', reason: 'values moved' } } : {}),
  };
}

export function channelsRecord(at: string, channels: { channel: string; type: 'parquet' | 'csv' | 'azureBlob' | 'supabase' | 'manifest'; verdict: 'pass' | 'fail' | 'inconclusive' }[]): RunRecord {
  return record({
    kind: 'channels', at, verdict: channels.every((c) => c.verdict === 'pass') ? 'pass' : 'fail',
    results: { channels: { run: 'x', verdict: 'pass', channels: channels.map((c) => ({ ...c, side: 'v2', location: c.channel, reasons: [], checks: [] })) } },
  });
}

export function loadRecord(at: string, m: { size: string; wall: number; cpu: number | null; exitCode?: number; corruption?: number | null }[]): RunRecord {
  const measurements = m.map((x) => ({
    pipeline: 'v2', size: x.size, rows: 100000, copy: 0, exitCode: x.exitCode ?? 0, wallSeconds: x.wall, rowsPerSecond: null, samples: 10,
    peakRssBytes: null, meanRssBytes: null, peakCpuPercent: x.cpu, meanCpuPercent: null, peakThreads: null, peakOpenFiles: null, peakProcesses: null, leftovers: [], log: 'logs/x.log',
  }));
  return record({
    kind: 'load', at, verdict: 'pass',
    results: { load: { sizes: [], parallel: 2, measurements, judgements: [], corruption: [], summary: { seconds100k: null, peakCpuPercent: null, peakRssBytes: null, corruptionEvents: m[0]?.corruption === undefined ? 0 : m[0].corruption } } },
  });
}

export function soakRecord(at: string, hours: number, slope: number | null, summary: Partial<{ zombies: number; orphans: number; failures: number; unrecovered: number }> = {}): RunRecord {
  return record({
    kind: 'soak', at, verdict: 'pass',
    results: { soak: {
      pipelines: ['v2'], input: 'x', durationSeconds: hours * 3600, intervalSeconds: 60, injectFailures: 0, seed: 1, elapsedSeconds: hours * 3600,
      sessions: 1, stopped: false, iterations: [], leaks: [], failures: [],
      summary: { worstSlopeMBPerHour: slope, zombies: 0, orphans: 0, failures: 0, unrecovered: 0, ...summary },
    } },
  });
}

export function switchRecord(kind: 'rollback' | 'forward', at: string, totalMs: number, verifyExit: number | null, verdict: 'pass' | 'fail' = 'pass'): RunRecord {
  const commands = [{ name: 'command', argv: ['x'], cwd: '/', exitCode: 0, ms: totalMs / 2 }];
  if (verifyExit !== null) commands.push({ name: 'verify', argv: ['y'], cwd: '/', exitCode: verifyExit, ms: totalMs / 2 });
  return record({ kind, at, verdict, commands, results: { direction: kind, totalMs, budgetSeconds: 300 } });
}
