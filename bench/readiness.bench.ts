/**
 * `cutover readiness` over 2,000 runs: the example's plan and criteria decided on a store of shadow runs (30 KPI
 * lines, on the example's named inputs), reconciliations of 30 days, load and channel checks, rollbacks and roll
 * forwards. Cutover finds the runs its rules look at through the run-store index (core/readiness/gather.ts); with a
 * `runStore` rule ("Zero corrupted run records") it parses every run.json, as that rule asks about all of them.
 * Peer, in the same run on the same store: parsing every run.json (`RunStore.scan()`, zod-validated), which is what
 * the report did for every criteria set before the index.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, type LoadedConfig } from '../src/core/config/load';
import { parsePlan } from '../src/core/plan/parse';
import { readPlanFile } from '../src/core/plan/read';
import type { Readiness } from '../src/core/readiness/report';
import { workspaceReadiness } from '../src/core/readiness/workspace';
import { RunStore } from '../src/core/runs/store';
import { idAt, KPIS, median, SEGMENTS } from './syntheticRuns';

const RUNS = 2_000;
const REPEAT = 5;
const EXAMPLE = path.join(__dirname, '..', 'examples', 'loan-cutover');
const KINDS = ['shadow', 'shadow', 'shadow', 'shadow', 'reconcile', 'load', 'channels', 'rollback', 'forward', 'publish'];
const INPUTS = ['sample-10k', 'portfolio-100k', 'portfolio-1m', 'daily-30d', 'edge-large-25k', 'edge-high-delinquency', 'edge-nulls-outliers', 'edge-boundary-values'];

/** The results part of run `n` of `kind`, shaped as the CLI records it. */
function resultsOf(kind: string, n: number, id: string): Record<string, unknown> {
  const rel = (k: number, s: number): number => ((n * 7 + k * 13 + s * 3) % 100) / 200_000;
  const verdictOf = (v: number): 'pass' | 'inconclusive' | 'fail' => (v > 0.01 ? 'fail' : v > 0.001 ? 'inconclusive' : 'pass');
  switch (kind) {
    case 'shadow': {
      const lines = KPIS.flatMap((kpi, k) => SEGMENTS.map((segment, s) => {
        const v = rel(k, s);
        return { segment, kpi, v1: 1000, v2: 1000 * (1 + v), delta: 1000 * v, relVariance: v, tolerance: { abs: 0, passLine: 0.001, failLine: 0.01 }, verdict: verdictOf(v), reason: `variance ${(v * 100).toFixed(4)}%` };
      }));
      const count = (v: string): number => lines.filter((l) => l.verdict === v).length;
      const counts = { total: lines.length, pass: count('pass'), inconclusive: count('inconclusive'), fail: count('fail'), noise: 0 };
      return {
        input: { name: INPUTS[n % INPUTS.length], path: `data/${INPUTS[n % INPUTS.length]}.csv` },
        kpis: { verdict: counts.fail > 0 ? 'fail' : 'pass', counts, kpis: lines },
        noise: { verdict: 'pass', counts: { total: lines.length, pass: lines.length, inconclusive: 0, fail: 0, noise: 0 }, kpis: [] },
      };
    }
    case 'reconcile': {
      const days = Array.from({ length: 30 }, (_, i) => ({ day: `2025-01-${String(i + 1).padStart(2, '0')}`, kpis: 30, failing: 0, worstKpi: 'dpd30_rate', worstSegment: 'total', worstRelVariance: rel(i, 0), verdict: verdictOf(rel(i, 0)) }));
      return { reconcile: { dateColumn: 'as_of_date', days, kpis: [], summary: { days: 30, daysPassing: 30, worstDay: null, worstKpi: null, verdict: 'pass' } } };
    }
    case 'load':
      return { load: { sizes: [], parallel: 1, measurements: [], judgements: [], corruption: [], summary: { seconds100k: 5 + (n % 4), peakCpuPercent: 70, peakRssBytes: 5e8, corruptionEvents: 0 } } };
    case 'channels':
      return { channels: { run: id, verdict: 'pass', channels: ['parquet', 'csv'].map((type) => ({ channel: `kpis-${type}`, type, side: 'v2', location: `out/kpis.${type}`, verdict: 'pass', reasons: [], checks: [] })) } };
    case 'rollback':
    case 'forward':
      return { direction: kind, totalMs: 40_000 + (n % 10) * 1000, budgetSeconds: 300 };
    default:
      return {};
  }
}

function writeStore(workspace: string): void {
  const start = Date.UTC(2025, 0, 1);
  for (let n = 0; n < RUNS; n++) {
    const at = start + n * 3_600_000;
    const id = idAt(at, n);
    const kind = KINDS[n % KINDS.length]!;
    const dir = path.join(workspace, '.cutover', 'runs', id);
    fs.mkdirSync(dir, { recursive: true });
    const commands = kind === 'rollback' || kind === 'forward'
      ? [{ name: 'command', argv: ['node', 'switch.mjs'], cwd: workspace, exitCode: 0, ms: 30_000 }, { name: 'verify', argv: ['node', 'verify.mjs'], cwd: workspace, exitCode: 0, ms: 10_000 }]
      : [];
    const record = {
      schemaVersion: 1, id, kind, status: 'complete', startedAt: new Date(at).toISOString(), endedAt: new Date(at + 60_000).toISOString(),
      phases: [{ name: 'compare', ms: 400 }], commands, inputs: [], outputs: [], thresholds: { passLine: 0.001, failLine: 0.01 },
      versions: { cutover: 'bench', node: process.version }, verdict: { verdict: 'pass', reasons: ['bench'] }, results: resultsOf(kind, n, id),
    };
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record, null, 2));
  }
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-readiness-bench-'));
  try {
    writeStore(workspace);
    // The store's index exists once any run has landed or any view has read it; built here once, outside the timings.
    await new RunStore(workspace).index().entries();
    const example = loadConfig(path.join(EXAMPLE, 'cutover.json'));
    const withIndex: LoadedConfig = {
      ...example,
      config: { ...example.config, criteria: { ...example.config.criteria, rules: example.config.criteria.rules.filter((m) => m.rule?.kind !== 'runStore') } },
    };
    const plans = [{ file: 'cutover/plan.md', plan: parsePlan(await readPlanFile(path.join(EXAMPLE, 'cutover', 'plan.md'))) }];
    const report = (loaded: LoadedConfig): Promise<Readiness> => workspaceReadiness(workspace, loaded, plans);

    const indexed: number[] = [];
    const everyRule: number[] = [];
    const peer: number[] = [];
    let decided: Readiness | undefined;
    for (let i = 0; i < REPEAT; i++) {
      const r = await time(() => report(withIndex));
      indexed.push(r.ms);
      decided = r.value;
      everyRule.push((await time(() => report(example))).ms);
      const scan = await time(() => new RunStore(workspace).scan());
      if (scan.value.runs.length !== RUNS) throw new Error(`the scan read ${scan.value.runs.length} runs, not ${RUNS}`);
      peer.push(scan.ms);
    }
    const met = decided?.criteria.filter((c) => c.state === 'met').length ?? 0;
    if (met === 0) throw new Error('no criterion met on the bench store: the report did not read its runs');

    const ms = (v: number): string => v.toFixed(v < 10 ? 1 : 0);
    const ratio = (v: number): string => `${(v / median(peer)).toFixed(2)}×`;
    const load = os.loadavg().map((l) => l.toFixed(1)).join(', ');
    process.stdout.write([
      '### Readiness report over 2,000 runs (run-store index)',
      '',
      `${RUNS.toLocaleString('en-US')} run folders (shadow runs with ${KPIS.length * SEGMENTS.length} KPI lines on the example's ${INPUTS.length} inputs, reconciliations`,
      'of 30 days, load and channel checks, rollbacks, roll forwards, publishes), decided by the example\'s plan and',
      `criteria (${met} of ${decided?.criteria.length ?? 0} criteria met here). Each figure is \`workspaceReadiness\` (what \`cutover readiness\`,`,
      'the Readiness Report and the Checklist compute, without rendering): the evidence read and every criterion decided.',
      'Without a `runStore` rule the runs come through `.cutover/runs/index.jsonl`, one run.json per run a rule looks at;',
      'the example\'s "Zero corrupted run records" (`runStore`) asks about every record, so with it the report parses them',
      `all. The peer parses and validates every run.json (\`RunStore.scan()\`). Median of ${REPEAT}.`,
      '',
      '| measure | ms | vs parsing every run.json |',
      '|---|---:|---:|',
      `| report, the example's criteria without \`runStore\` (index) | ${ms(median(indexed))} | ${ratio(median(indexed))} |`,
      `| report, the example's criteria with \`runStore\` (every run.json) | ${ms(median(everyRule))} | ${ratio(median(everyRule))} |`,
      `| peer: parsing every run.json | ${ms(median(peer))} | 1.00× |`,
      '',
      `Load average during the run: ${load} (other engineers' work shares the 2 cores).`,
      '',
    ].join('\n'));
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

void main();
