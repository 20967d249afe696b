/**
 * Concurrency: N runs of one kind started at once into one run store → N intact records (each complete, with a
 * verdict), none lost or corrupt, no lock or temp folder left, the index (when the store has one) listing them all.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../../src/core/runs/store';
import { cli, type Figure, figure, storeProblems, tally } from './harness';

/** The command line of each kind of run, in a workspace made by `workspace()` with `withPublishTarget()`. */
export const RUN_KINDS: Readonly<Record<string, readonly string[]>> = {
  shadow: ['shadow'],
  compare: ['compare', 'data/sample-10k.parquet', 'data/sample-10k.parquet', '--key', 'loan_id'],
  reconcile: ['reconcile', '--days', '2'],
  runbook: ['runbook', 'run', 'runbooks/quick.md'],
  channels: ['channels', 'validate'],
  publish: ['publish', '--to', 'local'],
  rollback: ['rollback'],
  load: ['load', '--sizes', '2500', '--pipelines', 'v1'],
  soak: ['soak', '--duration', '3s', '--interval', '1s', '--pipelines', 'v1'],
};

/** Adds a local folder publish target `local` (→ `published/`) to the workspace's cutover.json. */
export function withPublishTarget(ws: string): void {
  const file = join(ws, 'cutover.json');
  const text = readFileSync(file, 'utf8');
  if (text.includes('"published"')) return;
  writeFileSync(file, text.replace('"gate":', '"publish": { "local": { "type": "folder", "path": "published" } },\n  "gate":'));
}

/** Verdict exit codes: a run that ends 0, 1 or 2 decided; 3+ is an error. */
const VERDICT_CODES = new Set([0, 1, 2]);

/** Starts `n` runs of each kind at once (kind by kind) in `ws` and checks the store after each batch. */
export async function concurrency(ws: string, kinds: readonly string[], n: number): Promise<Figure[]> {
  withPublishTarget(ws);
  const store = new RunStore(ws);
  const figures: Figure[] = [];
  // publish and channels work on the latest shadow run: there must be one.
  if (kinds.some((k) => k === 'publish' || k === 'channels')) await cli(['shadow'], ws);
  for (const kind of kinds) {
    const f = figure('Concurrency', `${n} concurrent \`cutover ${RUN_KINDS[kind]!.join(' ')}\``);
    const before = new Set((await store.list()).map((r) => r.id));
    const outcomes = await Promise.all(Array.from({ length: n }, () => cli(RUN_KINDS[kind]!, ws)));
    const added = (await store.list()).filter((r) => !before.has(r.id));
    const storeIssues = await storeProblems(ws);
    outcomes.forEach((o, i) => {
      const problems: string[] = [];
      if (o.code === null || !VERDICT_CODES.has(o.code)) problems.push(`exit ${o.code ?? o.signal}: ${o.stderr.trim().split('\n').slice(-2).join(' ')}`);
      tally(f, `${kind} #${i + 1}`, problems);
    });
    const intact = added.filter((r) => r.status === 'complete' && r.verdict !== undefined);
    const lost = Math.max(0, n - intact.length);
    f.lost += lost;
    if (lost > 0) f.failures.push(`${intact.length} intact records of ${n} (${added.map((r) => r.status).join(', ')})`);
    if (storeIssues.length > 0) {
      f.failures.push(...storeIssues.slice(0, 5));
      f.passed = Math.min(f.passed, f.tried - 1);
    }
    figures.push(f);
  }
  return figures;
}
