/**
 * Kills: `kill -9` of the `cutover` process at seeded random points of a run → the next start (`cutover runs`)
 * marks the run interrupted (or finds it whole, when the kill came after it landed), no partial file in a final
 * location (the run store, a published copy, the channel deliveries), no process left behind, and a rerun succeeds.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { newRunId } from '../../src/core/runs/id';
import { RunIndex } from '../../src/core/runs/indexFile';
import { RunStore } from '../../src/core/runs/store';
import { RUN_KINDS, withPublishTarget } from './concurrency';
import { cli, type CliProcess, type Figure, figure, note, settleProcesses, sleep, startCli, storeProblems, tally } from './harness';

/** The kinds of run the issue names: shadow, reconcile, runbook run, publish (local folder) and soak. */
export const KILL_KINDS = ['shadow', 'reconcile', 'runbook', 'publish', 'soak'] as const;

/** A small seeded generator (mulberry32): the same seed kills at the same points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Published copies (`published/<run id>/`) whose files do not match their manifest's checksums. */
function partialPublished(ws: string): string[] {
  const root = join(ws, 'published');
  if (!existsSync(root)) return [];
  const problems: string[] = [];
  for (const name of readdirSync(root).filter((n) => !n.startsWith('.'))) {
    const dir = join(root, name);
    const manifestFile = join(dir, 'manifest.json');
    if (!existsSync(manifestFile)) { problems.push(`published/${name} has no manifest`); continue; }
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: { name: string; sha256: string }[] };
    for (const f of manifest.files) {
      const file = join(dir, f.name);
      if (!existsSync(file) || createHash('sha256').update(readFileSync(file)).digest('hex') !== f.sha256) problems.push(`published/${name}/${f.name} is partial`);
    }
  }
  return problems;
}

/** Parquet deliveries of the example's V2 (delivery/*.parquet) that DuckDB cannot read whole. */
async function partialDeliveries(ws: string): Promise<string[]> {
  const root = join(ws, 'delivery');
  if (!existsSync(root)) return [];
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const problems: string[] = [];
  try {
    for (const name of readdirSync(root).filter((n) => n.endsWith('.parquet'))) {
      try {
        await conn.run(`SELECT count(*) FROM read_parquet('${join(root, name).replaceAll("'", "''")}')`);
      } catch (error) {
        problems.push(`delivery/${name} unreadable: ${(error as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return problems;
}

/** Resolves once the run `id` has begun (its temp folder exists) or the process ended; false when it ended first. */
async function begun(store: RunStore, id: string, p: CliProcess): Promise<boolean> {
  for (;;) {
    if (existsSync(join(store.root, `.tmp-${id}`)) || existsSync(store.runDir(id))) return true;
    if (p.child.exitCode !== null || p.child.signalCode !== null) return false;
    await sleep(5);
  }
}

/** One undisturbed run of `kind`: how long until it began and how long it then ran, in ms (kills are spread over both). */
async function timing(ws: string, kind: string): Promise<{ startMs: number; runMs: number }> {
  const store = new RunStore(ws);
  const id = newRunId();
  const started = Date.now();
  const p = startCli(['--run-id', id, ...RUN_KINDS[kind]!], ws);
  await begun(store, id, p);
  const startMs = Date.now() - started;
  await p.done;
  return { startMs, runMs: Date.now() - started - startMs };
}

/** `perKind` kills of each kind at seeded points; one figure per kind. */
export async function kills(ws: string, kinds: readonly string[], perKind: number, seed: number): Promise<Figure[]> {
  withPublishTarget(ws);
  const random = seededRandom(seed);
  const store = new RunStore(ws);
  await cli(['shadow'], ws); // publish needs a shadow run
  const figures: Figure[] = [];
  for (const kind of kinds) {
    const f = figure('Kills', `\`kill -9\` during \`cutover ${RUN_KINDS[kind]!.join(' ')}\``);
    const { startMs, runMs } = await timing(ws, kind);
    for (let i = 0; i < perKind; i++) {
      const id = newRunId();
      const p = startCli(['--run-id', id, ...RUN_KINDS[kind]!], ws);
      // One kill in five while the CLI starts, the others spread over the run itself.
      const early = random() < 0.2;
      const at = Math.round(random() * (early ? startMs : runMs));
      if (!early) await begun(store, id, p);
      await sleep(at);
      const killedEarly = p.child.exitCode === null;
      p.child.kill('SIGKILL');
      await p.done;
      const problems: string[] = [];
      const leftovers = await settleProcesses(ws, 10_000);
      if (leftovers.length > 0) problems.push(`processes left: ${leftovers.join(' | ')}`);
      const listed = await cli(['runs', '--json'], ws);
      if (listed.code !== 0) problems.push(`cutover runs exit ${listed.code}: ${listed.stderr.trim()}`);
      const landed = (await store.list()).find((r) => r.id === id);
      let lost = 0;
      if (landed && killedEarly && landed.status !== 'interrupted' && landed.status !== 'complete') problems.push(`run is ${landed.status} after the kill, not interrupted`);
      const temp = join(store.root, `.tmp-${id}`);
      if (existsSync(temp) && existsSync(join(temp, 'pid'))) { problems.push('its temp folder was not recovered'); lost += 1; }
      else if (existsSync(temp)) note(f, 'killed before its pid was written (recovered after a minute)');
      // A run killed after it landed but before its index line was appended is added by the next reader of the index
      // (indexFile.ts): read it once, as the extension does at start, then the file must be whole.
      const indexed = await new RunIndex(store.root, (runId) => store.read(runId), (message: string) => { note(f, `index repaired: ${message.slice(0, 60)}`); }).entries();
      if (indexed.length !== (await store.list()).length) problems.push(`the index gives ${indexed.length} runs, the store holds ${(await store.list()).length}`);
      problems.push(...await storeProblems(ws), ...partialPublished(ws), ...await partialDeliveries(ws));
      const rerun = await cli(RUN_KINDS[kind]!, ws);
      if (rerun.code === null || rerun.code > 2) problems.push(`rerun exit ${rerun.code}: ${rerun.stderr.trim().split('\n').slice(-2).join(' ')}`);
      note(f, landed?.status ?? 'not begun');
      tally(f, `${kind} killed ${at} ms into its ${early ? 'start' : 'run'} (${landed?.status ?? 'not begun'})`, problems, lost);
    }
    figures.push(f);
  }
  return figures;
}
