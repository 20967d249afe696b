import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli';

/** The shared in-process CLI runner, cwd first as the switch tests call it. */
export const cutover = (cwd: string, ...argv: string[]) => runCli(argv, cwd);

/**
 * `node step.mjs LABEL EXIT SLEEP_MS`: prints `LABEL ran`, appends LABEL to trace.txt (so a test can tell what ran
 * without trusting the record), sleeps, exits with EXIT.
 */
const STEP = `import { appendFileSync } from 'node:fs';
const [label, exit, sleep] = process.argv.slice(2);
console.log(label + ' ran');
appendFileSync('trace.txt', label + '\\n');
setTimeout(() => process.exit(Number(exit)), Number(sleep));
`;

const PIPELINES = {
  v1: { command: ['node', 'v1.mjs'], outputs: { kpis: { path: 'kpis.csv' } } },
  v2: { command: ['node', 'v2.mjs'], outputs: { kpis: { path: 'kpis.csv' } } },
};

/** A temp workspace (its name has a space and a quote) with step.mjs and a cutover.json made of `sections`. */
export function workspace(sections: Record<string, unknown>): string {
  const ws = mkdtempSync(join(tmpdir(), "cutover switch 'ws' "));
  writeFileSync(join(ws, 'step.mjs'), STEP);
  writeFileSync(join(ws, 'cutover.json'), `${JSON.stringify({ pipelines: PIPELINES, ...sections }, null, 2)}\n`);
  return ws;
}

export const step = (label: string, exit: number, sleepMs = 0): string[] => ['node', 'step.mjs', label, String(exit), String(sleepMs)];
