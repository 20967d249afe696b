/**
 * The Dashboard over 10,000 runs: how long the host takes from nothing to the model it posts (first paint: the
 * run-store index read and the view model built, the logs of the latest runs scanned), and from a run landing to a
 * model that shows it (the index read again, only what was appended). Targets (issue 13): both ≤ 1 s.
 * Peer, in the same run on the same store: what the views did before the index, parsing every run.json
 * (`RunStore.scan()`, zod-validated) and building the same model from the records.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { indexEntryOf } from '../src/core/runs/indexEntry';
import { reconcileView } from '../src/core/runs/view';
import { gatherDashboard } from '../src/webviews/dashboard/gather';
import { RunStore } from '../src/core/runs/store';
import { logLines } from '../src/webviews/dashboard/logLines';
import { dashboardModel, recentLogs, type StoreSnapshot } from '../src/webviews/dashboard/model';
import type { DashboardModel } from '../src/webviews/dashboard/protocol';
import { idAt, KPIS, median, SEGMENTS } from './syntheticRuns';

const RUNS = 10_000;
const REPEAT = 5;
const TARGET_MS = 1000;
const KINDS = ['shadow', 'shadow', 'shadow', 'reconcile', 'load', 'channels', 'compare', 'rollback'];

/** 10,000 run folders as the CLI writes them: shadow runs with 30 KPI lines and two logs, reconciliations of 30 days, load figures, channel checks. */
function writeStore(workspace: string): void {
  const start = Date.UTC(2025, 0, 1);
  for (let n = 0; n < RUNS; n++) {
    const at = start + n * 3_600_000;
    const id = idAt(at, n);
    const kind = KINDS[n % KINDS.length]!;
    const dir = path.join(workspace, '.cutover', 'runs', id);
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const rel = (k: number, s: number): number => ((n * 7 + k * 13 + s * 3) % 100) / 20_000;
    const verdictOf = (v: number): 'pass' | 'inconclusive' | 'fail' => (v > 0.01 ? 'fail' : v > 0.001 ? 'inconclusive' : 'pass');
    const lines = KPIS.flatMap((kpi, k) => SEGMENTS.map((segment, s) => {
      const v = rel(k, s);
      return { segment, kpi, v1: 1000, v2: 1000 * (1 + v), delta: 1000 * v, relVariance: v, tolerance: { abs: 0, passLine: 0.001, failLine: 0.01 }, verdict: verdictOf(v), reason: `variance ${(v * 100).toFixed(3)}%` };
    }));
    const results: Record<string, unknown> = {};
    const commands: unknown[] = [];
    if (kind === 'shadow' || kind === 'compare') {
      const count = (v: string): number => lines.filter((l) => l.verdict === v).length;
      results['kpis'] = { verdict: count('fail') > 0 ? 'fail' : 'pass', counts: { total: lines.length, pass: count('pass'), inconclusive: count('inconclusive'), fail: count('fail'), noise: 0 }, kpis: lines };
    }
    if (kind === 'shadow') {
      for (const side of ['v1', 'v2']) {
        fs.writeFileSync(path.join(dir, 'logs', `${side}.log`), `start\n${'row batch written\n'.repeat(200)}WARNING: 3 nulls in dpd\nERROR: rate table missing\ndone\n`);
        commands.push({ name: side, argv: ['node', `${side}.mjs`], cwd: workspace, exitCode: 0, ms: 10_000 + (n % 50) * 100, log: `logs/${side}.log` });
      }
    }
    if (kind === 'reconcile') {
      const days = Array.from({ length: 30 }, (_, i) => ({ day: `2025-01-${String(i + 1).padStart(2, '0')}`, kpis: 30, failing: 0, worstKpi: 'dpd30_rate', worstSegment: 'total', worstRelVariance: rel(i, 0), verdict: verdictOf(rel(i, 0)) }));
      results['reconcile'] = { dateColumn: 'as_of_date', days, kpis: [], summary: { days: 30, daysPassing: 30, worstDay: null, worstKpi: null, verdict: 'pass' } };
    }
    if (kind === 'load') {
      results['load'] = { sizes: [], parallel: 1, measurements: [], judgements: [], corruption: [], summary: { seconds100k: 20 + (n % 10), peakCpuPercent: 70, peakRssBytes: 5e8, corruptionEvents: null } };
    }
    if (kind === 'channels') {
      results['channels'] = { run: id, verdict: 'pass', channels: ['parquet', 'csv'].map((type) => ({ channel: `kpis-${type}`, type, side: 'v2', location: `out/kpis.${type}`, verdict: 'pass', reasons: [], checks: [] })) };
    }
    const record = {
      schemaVersion: 1, id, kind, status: 'complete', startedAt: new Date(at).toISOString(), endedAt: new Date(at + 60_000).toISOString(),
      phases: [{ name: 'compare', ms: 400 }], commands, inputs: [], outputs: [], thresholds: { passLine: 0.001, failLine: 0.01 },
      versions: { cutover: 'bench', node: process.version }, verdict: { verdict: 'pass', reasons: ['bench'] }, results,
    };
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record, null, 2));
  }
}

/** Cutover: what the panel does (gather.ts): the index, the runs in progress, the latest reconciliation, the logs, the model. */
function fromIndex(store: RunStore): Promise<DashboardModel> {
  return gatherDashboard([store]);
}

/** Peer: every run.json parsed and validated, then the same model. */
async function fromRecords(store: RunStore): Promise<DashboardModel> {
  const { runs } = await store.scan();
  const snapshots: StoreSnapshot[] = [{ root: store.root, entries: runs.map(indexEntryOf), running: (await store.running()).map(indexEntryOf) }];
  const logs = await logLines(recentLogs(snapshots).map((r) => ({ ...r, root: store.root })));
  const latest = runs.find((r) => r.kind === 'reconcile' && r.status === 'complete');
  return dashboardModel(snapshots, { reconcile: latest ? reconcileView(latest) : null, logs, problems: [] });
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-dashboard-bench-'));
  try {
    const written = await time(async () => writeStore(workspace));
    process.stderr.write(`wrote ${RUNS} runs in ${(written.ms / 1000).toFixed(1)} s\n`);
    // The first reader of a store without an index builds it from the folders (once per store).
    const built = await time(() => new RunStore(workspace).index().entries());
    const indexBytes = fs.statSync(path.join(workspace, '.cutover', 'runs', 'index.jsonl')).size;

    const first: number[] = [];
    let model: DashboardModel | undefined;
    for (let i = 0; i < REPEAT; i++) {
      const r = await time(() => fromIndex(new RunStore(workspace)));
      first.push(r.ms);
      model = r.value;
    }
    if (model?.total !== RUNS) throw new Error(`the model has ${model?.total} runs, not ${RUNS}`);
    const posted = Buffer.byteLength(JSON.stringify(model));

    const peer: number[] = [];
    for (let i = 0; i < 2; i++) peer.push((await time(() => fromRecords(new RunStore(workspace)))).ms);

    // A run lands while the Dashboard is open: the open panel's store object reads only the appended line.
    const open = new RunStore(workspace);
    await fromIndex(open);
    const landed: number[] = [];
    const peerLanded: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const run = await open.begin('shadow');
      await run.finish({ verdict: { verdict: 'pass', reasons: ['landed'] } });
      const r = await time(() => fromIndex(open));
      if (r.value.runs[0]?.id !== run.id) throw new Error(`the new run ${run.id} is not first in the model`);
      landed.push(r.ms);
      if (i < 2) peerLanded.push((await time(() => fromRecords(open))).ms);
    }

    const ms = (v: number): string => v.toFixed(v < 10 ? 1 : 0);
    const met = (v: number): string => (v <= TARGET_MS ? 'yes' : 'NO');
    const load = os.loadavg().map((l) => l.toFixed(1)).join(', ');
    process.stdout.write([
      '### Dashboard over 10,000 runs (run-store index)',
      '',
      `${RUNS.toLocaleString('en-US')} run folders (shadow and compare runs with ${KPIS.length * SEGMENTS.length} KPI lines, reconciliations of 30 days, load`,
      'figures, channel checks; two logs per shadow run). "First paint" is the host from nothing to the model it posts:',
      'a new store object reads `.cutover/runs/index.jsonl` whole, checks it against the run folders (one readdir), lists',
      'the runs in progress, scans the logs of the 8 latest runs and builds the view model. "New run" is an open',
      'Dashboard after a run landed: the index read again (only the appended line) and the model rebuilt. The peer is',
      'what the views did before: `RunStore.scan()` parsing and validating every run.json, then the same model.',
      `Median of ${REPEAT} (peer: of 2). The webview's own render of the model is not in these figures.`,
      '',
      '| measure | Cutover (index) ms | peer (every run.json) ms | target | met |',
      '|---|---:|---:|---|---|',
      `| first paint: model for ${RUNS.toLocaleString('en-US')} runs | ${ms(median(first))} | ${ms(median(peer))} | ≤ ${TARGET_MS} ms | ${met(median(first))} |`,
      `| a new run appears: landed → model with it | ${ms(median(landed))} | ${ms(median(peerLanded))} | ≤ ${TARGET_MS} ms | ${met(median(landed))} |`,
      `| building the index from the folders (once per store) | ${ms(built.ms)} | — | — | — |`,
      '',
      `Index file ${(indexBytes / 2 ** 20).toFixed(1)} MB; the model posted to the webview ${(posted / 2 ** 20).toFixed(1)} MB of JSON. Load average during the run: ${load} (other engineers' work shares the 2 cores).`,
      '',
    ].join('\n'));
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

void main();
