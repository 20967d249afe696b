/**
 * `npm run bench [NAME…]`: runs every bench/*.bench.ts (or those named) as its own process, so one benchmark's
 * memory does not colour the next. Each prints a markdown section, kept in bench/results/<name>.md with the date
 * and machine it was measured on; BENCHMARKS.md is rebuilt from all kept sections. Each benchmark measures its
 * peers in the same run; targets and whether they are met are in its section.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0] ?? '';
  } catch {
    return 'not available';
  }
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const pkg = (name: string): string => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; DuckDB (@duckdb/node-api) ${pkg('@duckdb/node-api')}; pandas: ${version('/usr/bin/python3', ['-c', 'import pandas; print(pandas.__version__)'])}`,
  ].join('\n');
}

function main(): void {
  const only = process.argv.slice(2);
  // Opt-in benchmarks (hours of disk and CPU) run only when named exactly; their kept section stays in BENCHMARKS.md.
  const optIn = new Set(['compare-100m.bench.ts']);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).sort()
    .filter((f) => (optIn.has(f) ? only.some((o) => `${o}.bench.ts` === f) : only.length === 0 || only.some((o) => f.includes(o))));
  const results = path.join(__dirname, 'results');
  fs.mkdirSync(results, { recursive: true });
  let failed = 0;
  for (const file of files) {
    process.stderr.write(`▶ ${file}\n`);
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(__dirname, file)], {
      cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20,
    });
    if (result.status !== 0) {
      failed += 1;
      process.stderr.write(`✗ ${file} failed (exit ${result.status}); its previous section is kept\n`);
      continue;
    }
    const section = `${result.stdout.trim()}\n\nMeasured on:\n${machine()}\n`;
    fs.writeFileSync(path.join(results, file.replace(/\.bench\.ts$/, '.md')), section);
  }
  const sections = fs.readdirSync(results).filter((f) => f.endsWith('.md')).sort()
    .map((f) => fs.readFileSync(path.join(results, f), 'utf8').trim());
  const doc = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts) from `bench/results/`; do not edit by hand. Each section measures',
    'Cutover and its peers in the same run on the same files, as whole processes where the section says so, and',
    'names the machine and the date it was measured on.',
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), doc);
  process.stderr.write(`BENCHMARKS.md written (${sections.length} section(s))\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main();
