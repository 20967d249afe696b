/**
 * `cutover load` on the example workspace's real pipelines (examples/loan-cutover: V1 and V2, DuckDB under Node),
 * as a user runs it: the CLI as a whole process, 10k (the sample input) and 100k (scaled from it by perturb), then
 * both at 100k with 2 copies at once. Target (the plan): < 10 s end-to-end for 100k rows, CPU < 80% at peak,
 * zero corruption events. `CUTOVER_LOAD_SIZES=10k,100k,1m` adds the 1M size (opt-in: about a minute more).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { LoadResults } from '../src/core/runs/results';

const EXAMPLE = resolve(__dirname, '../examples/loan-cutover');
const CLI = resolve(__dirname, '../src/cli/main.ts');
const TSX = resolve(__dirname, '../node_modules/.bin/tsx');
const MB = 2 ** 20;

function load(args: string[]): { load: LoadResults; verdict: { verdict: string; reasons: string[] }; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(TSX, [CLI, 'load', ...args, '--json'], { cwd: EXAMPLE, encoding: 'utf8', maxBuffer: 64 * MB });
  if (r.status === null || r.status > 2) throw new Error(`cutover load ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as { load: LoadResults; verdict: { verdict: string; reasons: string[] } }), seconds: (performance.now() - t0) / 1000 };
}

const fixed = (v: number | null, d: number): string => (v === null ? '–' : v.toFixed(d));

function main(): void {
  const sizes = process.env.CUTOVER_LOAD_SIZES ?? '10k,100k';
  const alone = load(['--sizes', sizes]);
  const parallel = load(['--sizes', '100k', '--parallel', '2']);
  const rows = [...alone.load.measurements, ...parallel.load.measurements.filter((m) => m.copy > 0)].map((m) => [
    m.pipeline, m.size, m.copy === 0 ? 'alone' : `copy ${m.copy} of 2`, fixed(m.wallSeconds, 2), m.rowsPerSecond === null ? '–' : Math.round(m.rowsPerSecond).toLocaleString('en-US'),
    fixed(m.peakRssBytes === null ? null : m.peakRssBytes / MB, 0), fixed(m.meanRssBytes === null ? null : m.meanRssBytes / MB, 0),
    fixed(m.peakCpuPercent, 1), fixed(m.meanCpuPercent, 1), String(m.samples), String(m.leftovers.length),
  ]);
  const s = alone.load.summary;
  const out = [
    '### cutover load on the example pipelines (examples/loan-cutover)',
    '',
    `\`cutover load --sizes ${sizes}\` (whole CLI ${alone.seconds.toFixed(1)} s, scaling the input included) and \`--sizes 100k --parallel 2\``,
    `(${parallel.seconds.toFixed(1)} s). Each pipeline (node + DuckDB) sampled every 100 ms as a process tree; CPU is % of the whole`,
    'machine (2 cores = 100%). Thresholds from the example\'s cutover.json `performance`: 10k ≤ 5 s, 100k ≤ 10 s, CPU ≤ 80%, RSS ≤ 2048 MB.',
    '',
    '| pipeline | size | run | wall s | rows/s | peak RSS MB | mean RSS MB | peak CPU % | mean CPU % | samples | leftovers |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Plan's criteria from the record: 100k slowest ${fixed(s.seconds100k, 2)} s (target < 10 s: ${s.seconds100k !== null && s.seconds100k < 10 ? 'met' : 'MISSED'}),`,
    `CPU peak ${fixed(s.peakCpuPercent, 1)}% (target < 80%: ${s.peakCpuPercent !== null && s.peakCpuPercent < 80 ? 'met' : 'MISSED'}), corruption events with 2 copies: ${parallel.load.summary.corruptionEvents}.`,
    `Verdicts: alone ${alone.verdict.verdict.toUpperCase()}, parallel ${parallel.verdict.verdict.toUpperCase()}${[...alone.verdict.reasons, ...parallel.verdict.reasons].filter((r) => !/≤/.test(r)).map((r) => `; ${r}`).join('')}.`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
