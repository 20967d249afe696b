/**
 * A run history for the Dashboard checks (in-host and Playwright): run folders written as the CLI writes them,
 * without an index (so the first read rebuilds it): shadow runs whose delinquency KPI drifts past the fail line,
 * reconciliations, load and soak runs with figures, channel checks, a rollback, and pipeline logs with error and
 * warning lines. One reason carries an HTML payload, which must render as text. No vscode here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const XSS_REASON = '<img src=x onerror=alert(1)> is not a KPI';
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1, 6, 0, 0);

function idAt(ms: number, n: number): string {
  const d = new Date(ms);
  const p = (v: number, w = 2): string => String(v).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${p(d.getUTCMilliseconds(), 3)}-${n.toString(16).padStart(6, '0')}`;
}

const tolerance = { abs: 0, passLine: 0.001, failLine: 0.01 };
const verdictOf = (v: number | null): 'pass' | 'inconclusive' | 'fail' => (v === null || v > 0.01 ? 'fail' : v > 0.001 ? 'inconclusive' : 'pass');

function kpi(name: string, segment: string, rel: number | null) {
  const verdict = verdictOf(rel === null ? null : Math.abs(rel));
  return {
    segment, kpi: name, v1: 1000, v2: rel === null ? null : 1000 * (1 + rel), delta: rel === null ? null : 1000 * rel, relVariance: rel,
    tolerance, verdict, reason: `variance ${rel === null ? 'missing' : (Math.abs(rel) * 100).toFixed(3)}% (${verdict})`,
  };
}

function base(id: string, kind: string, at: number, seconds: number) {
  return {
    schemaVersion: 1, id, kind, status: 'complete', startedAt: new Date(at).toISOString(), endedAt: new Date(at + seconds * 1000).toISOString(),
    phases: [], commands: [] as unknown[], inputs: [], outputs: [], thresholds: {} as Record<string, unknown>,
    versions: { cutover: 'fixture', node: process.version }, results: {} as Record<string, unknown>,
  };
}

function write(workspace: string, record: { readonly id: string } & Record<string, unknown>, logs: Record<string, string> = {}): void {
  const dir = path.join(workspace, '.cutover', 'runs', record.id);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  for (const [name, text] of Object.entries(logs)) fs.writeFileSync(path.join(dir, 'logs', `${name}.log`), text);
  fs.writeFileSync(path.join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/** Writes the history into `workspace`; returns the runs' ids by kind, oldest first. */
export function writeHistory(workspace: string, days = 20): Record<string, string[]> {
  const ids: Record<string, string[]> = {};
  let n = 0;
  const add = (kind: string, id: string): void => { (ids[kind] ??= []).push(id); };
  for (let d = 0; d < days; d++) {
    const at = START + d * DAY;
    // Shadow: dpd30 drifts from 0.02% to past 1%; balance stays tiny; default_rate goes missing once.
    const drift = 0.0002 * 1.25 ** d;
    const kpis = [kpi('total_balance', 'total', 0.00001 * (d % 3)), kpi('dpd30_rate', 'total', drift), kpi('dpd30_rate', 'product=auto', drift / 2),
      kpi('default_rate', 'total', d === days - 3 ? null : 0.0004)];
    const worst = kpis.some((k) => k.verdict === 'fail') ? 'fail' : kpis.some((k) => k.verdict === 'inconclusive') ? 'inconclusive' : 'pass';
    const shadowId = idAt(at, ++n);
    const shadow = base(shadowId, 'shadow', at, 40 + d);
    shadow.commands = [
      { name: 'v1', argv: ['node', 'v1.mjs'], cwd: workspace, exitCode: 0, ms: 12_000 + d * 150, log: 'logs/v1.log' },
      { name: 'v2', argv: ['node', 'v2.mjs'], cwd: workspace, exitCode: 0, ms: 9_000 + d * 400, log: 'logs/v2.log' },
    ];
    const counts = { total: kpis.length, pass: kpis.filter((k) => k.verdict === 'pass').length, inconclusive: kpis.filter((k) => k.verdict === 'inconclusive').length, fail: kpis.filter((k) => k.verdict === 'fail').length, noise: 0 };
    shadow.results = { input: { name: 'sample-10k', path: 'data/sample-10k.parquet' }, kpis: { verdict: worst, counts, kpis } };
    const reasons = worst === 'pass' ? ['every KPI within the pass line'] : [`${counts.fail} KPIs fail, ${counts.inconclusive} inconclusive`];
    write(workspace, { ...shadow, verdict: { verdict: worst, reasons: d === 4 ? [XSS_REASON] : reasons } }, {
      v1: `reading data/sample-10k.parquet\n10000 loans\nWARNING: column dpd has 3 nulls\nwrote kpis\n`,
      v2: `reading data/sample-10k.parquet\nERROR: segment product=auto: rate table missing, using default\n10000 loans\nwrote kpis\n`,
    });
    add('shadow', shadowId);
    if (d % 5 === 4) {
      const recId = idAt(at + 3_600_000, ++n);
      const rec = base(recId, 'reconcile', at + 3_600_000, 90);
      const recDays = Array.from({ length: 10 }, (_, i) => {
        const v = i === 7 ? 0.02 : i === 3 ? 0.004 : 0.0002;
        return { day: `2026-10-${String(i + 10).padStart(2, '0')}`, kpis: 12, failing: v > 0.01 ? 1 : 0, worstKpi: 'dpd30_rate', worstSegment: 'total', worstRelVariance: v, verdict: verdictOf(v) };
      });
      rec.thresholds = { dateColumn: 'as_of_date', passLine: 0.001, failLine: 0.01 };
      rec.results = { reconcile: { dateColumn: 'as_of_date', days: recDays, kpis: [{ ...kpi('dpd30_rate', 'total', 0.02), day: '2026-10-17' }], summary: { days: 10, daysPassing: 8, worstDay: '2026-10-17', worstKpi: 'dpd30_rate (total)', verdict: 'fail' } } };
      write(workspace, { ...rec, verdict: { verdict: 'fail', reasons: ['1 of 10 days fails'] } });
      add('reconcile', recId);
    }
    if (d % 4 === 1) {
      const loadId = idAt(at + 7_200_000, ++n);
      const load = base(loadId, 'load', at + 7_200_000, 300);
      const seconds = 20 + d * 0.6;
      load.results = { load: {
        sizes: [{ size: '100k', rows: 100_000, input: 'data/100k.parquet' }], parallel: 1, measurements: [], judgements: [], corruption: [],
        summary: { seconds100k: seconds, peakCpuPercent: 60 + d, peakRssBytes: (400 + d * 12) * 2 ** 20, corruptionEvents: null },
      } };
      write(workspace, { ...load, verdict: { verdict: 'pass', reasons: [`100k rows in ${seconds.toFixed(1)} s`] } });
      add('load', loadId);
    }
    if (d % 6 === 2) {
      const chId = idAt(at + 5_400_000, ++n);
      const ch = base(chId, 'channels', at + 5_400_000, 8);
      const verdict = d > 10 ? 'fail' : 'pass';
      ch.results = { channels: { run: shadowId, verdict, channels: [
        { channel: 'kpis-parquet', type: 'parquet', side: 'v2', location: 'out/kpis.parquet', verdict: 'pass', reasons: ['matches'], checks: [] },
        { channel: 'warehouse', type: 'supabase', side: 'v2', location: 'public.kpis', verdict, reasons: [verdict === 'pass' ? 'matches' : '12 rows missing'], checks: [] },
      ] } };
      write(workspace, { ...ch, verdict: { verdict, reasons: [verdict === 'pass' ? 'every channel matches' : 'warehouse: 12 rows missing'] } });
      add('channels', chId);
    }
  }
  const soakAt = START + (days - 2) * DAY + 10_800_000;
  const soakId = idAt(soakAt, ++n);
  const soak = base(soakId, 'soak', soakAt, 3600);
  soak.results = { soak: {
    pipelines: ['v2'], input: 'data/sample-10k.parquet', durationSeconds: 3600, intervalSeconds: 60, injectFailures: 0, seed: 1,
    elapsedSeconds: 3600, sessions: 1, stopped: false, iterations: [], leaks: [], failures: [],
    summary: { worstSlopeMBPerHour: 1.5, zombies: 0, orphans: 0, failures: 0, unrecovered: 0 },
  } };
  write(workspace, { ...soak, verdict: { verdict: 'pass', reasons: ['memory slope 1.5 MB/h within 10 MB/h'] } });
  add('soak', soakId);
  const rbAt = START + (days - 1) * DAY + 14_400_000;
  const rbId = idAt(rbAt, ++n);
  write(workspace, { ...base(rbId, 'rollback', rbAt, 42), verdict: { verdict: 'pass', reasons: ['rolled back to V1 in 42.0 s'] } });
  add('rollback', rbId);
  return ids;
}
