/**
 * `cutover explain` on the example workspace (5 differing configuration keys → 6 V2 runs, each compared with the
 * shadow run's V1 output), as a whole CLI process, on the 10k and 100k inputs: with its default parallelism (the
 * cores) and with `--parallel 1`, against the peer a person would script by hand: the same 6 V2 runs one after the
 * other, nothing compared. Medians of 3. The machine's load average is printed beside the figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyWorkspace, REPO_ROOT } from '../test/host/workspace';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const RUNS = 3;
const SIZES = [{ input: 'sample-10k', rows: '10000' }, { input: 'portfolio-100k', rows: '100000' }];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function timed(argv: string[], cwd: string, okCodes: number[]): number {
  const t0 = performance.now();
  const r = spawnSync(argv[0] as string, argv.slice(1), { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status === null || !okCodes.includes(r.status)) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

function main(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const ws = copyWorkspace('examples/loan-cutover');
  const load = os.loadavg()[0] ?? 0;
  const rows: string[] = [];
  try {
    for (const size of SIZES) {
      execFileSync(process.execPath, ['scripts/generate-data.mjs', '--rows', size.rows], { cwd: ws, stdio: 'ignore' });
      timed([process.execPath, CLI, 'shadow', '--input', size.input], ws, [0, 1, 2]);
      const input = path.join(ws, 'data', `${size.input === 'sample-10k' ? 'sample-10k' : 'portfolio-100k'}.parquet`);
      const keys = 5;
      const parallel: number[] = [];
      const serial: number[] = [];
      const peer: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        parallel.push(timed([process.execPath, CLI, 'explain'], ws, [0]));
        serial.push(timed([process.execPath, CLI, 'explain', '--parallel', '1'], ws, [0]));
        const out = fs.mkdtempSync(path.join(os.tmpdir(), 'explain-bench-peer-'));
        const t0 = performance.now();
        for (let run = 0; run <= keys; run++) {
          timed([process.execPath, 'pipelines/v2/pipeline.mjs', '--input', input, '--output', path.join(out, `r${run}`), '--config', 'pipelines/v2/pipeline.config.json'], ws, [0]);
        }
        peer.push((performance.now() - t0) / 1000);
        fs.rmSync(out, { recursive: true, force: true });
      }
      const row = (what: string, runs: number[]): string =>
        `| ${size.input} | ${what} | ${median(runs).toFixed(2)} | ${runs.map((r) => r.toFixed(2)).join(', ')} | ${(median(runs) / median(peer)).toFixed(2)} |`;
      rows.push(row('cutover explain (parallel: cores)', parallel), row('cutover explain --parallel 1', serial), row('peer: 6 V2 runs one after the other, no comparison', peer));
    }
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
  process.stdout.write([
    '### cutover explain (examples/loan-cutover: 5 differing keys → 6 V2 runs)',
    '',
    `Whole CLI processes, medians of ${RUNS}. Each explain also compares every run's outputs with the shadow run's V1`,
    'output (KPI tables, loan-level rows, declarative KPIs, profiles); the peer only runs the pipelines.',
    `Load average when the run started: ${load.toFixed(1)} on ${os.cpus().length} cores${load > os.cpus().length ? ' (above the core count: other work shared the machine)' : ''}.`,
    '',
    '| input | measure | median s | runs (s) | × peer |',
    '|---|---|---:|---|---:|',
    ...rows,
  ].join('\n') + '\n');
}

main();
