/**
 * `npm run test:reliability`: the whole reliability and security suite at full size (about 10 minutes on 2 cores),
 * each check in a fresh copy of the example workspace, then its figures written into RELIABILITY.md between the
 * suite's markers (the soak sections around them are left as they are). Exit 1 when any case failed or lost anything.
 *
 *   npm run test:reliability                      all of it, seed 1
 *   npm run test:reliability -- --seed 7 kills    only the named areas (concurrency, kills, disk, corrupt, fuzz, traversal, secrets, hostile)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { RUN_KINDS, concurrency } from './concurrency';
import { corruptState } from './corrupt';
import { canMount, fullDisk } from './fullDisk';
import { fuzzing } from './fuzz';
import { type Figure, REPO, workspace } from './harness';
import { KILL_KINDS, kills } from './kills';
import { hostile } from './hostile';
import { secrets } from './secrets';
import { traversal } from './traversal';

const BEGIN = '<!-- reliability-suite:begin (written by npm run test:reliability) -->';
const END = '<!-- reliability-suite:end -->';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
const only = args.filter((a, i) => !a.startsWith('--') && (seedAt < 0 || i !== seedAt + 1));

/** Each area at full size: what it runs, in its own workspace. */
const AREAS: Readonly<Record<string, (ws: string) => Promise<Figure[]>>> = {
  concurrency: (ws) => concurrency(ws, Object.keys(RUN_KINDS), 8),
  kills: (ws) => kills(ws, KILL_KINDS, 20, seed),
  disk: async (ws) => (canMount() ? fullDisk(ws, [0, 4, 16, 64, 256, 1024]) : []),
  corrupt: (ws) => corruptState(ws, 64, seed),
  fuzz: () => fuzzing(1000, seed),
  traversal: (ws) => traversal(ws),
  secrets: (ws) => secrets(ws),
  hostile: (ws) => hostile(ws),
};

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A table row's area, tried, passed and lost columns. */
function counts(row: string): { area: string; tried: number; passed: number; lost: number } {
  const cols = row.split(/(?<!\\)\|/).map((c) => c.trim());
  return { area: cols[1] ?? '', tried: Number(cols[3]), passed: Number(cols[4]), lost: Number(cols[5]) };
}

/** The block's table, `figures` in it; with areas named on the command line, the other areas' rows of `previous` stay. */
function markdown(figures: readonly Figure[], seconds: number, load: readonly number[], previous: string): string {
  const node = process.version;
  const duckdb = (JSON.parse(readFileSync(join(REPO, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')) as { version: string }).version;
  const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  const rows = figures.map((f) => {
    const how = Object.entries(f.detail).map(([k, n]) => `${k}: ${n}`).join(', ');
    const failed = f.failures.length > 0 ? ` **Failures:** ${f.failures.slice(0, 3).join('; ')}` : '';
    return `| ${f.area} | ${cell(f.check)} | ${f.tried} | ${f.passed} | ${f.lost} | ${cell(how + failed)} |`;
  });
  const areas = new Set(figures.map((f) => f.area));
  const before = only.length === 0 ? [] : previous.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| area'));
  const kept = before.filter((l) => !areas.has(counts(l).area));
  // The rows of an area re-run take the place of its previous rows, so the table keeps its order of areas.
  const all = before.flatMap((l, i) => {
    const area = counts(l).area;
    if (!areas.has(area)) return [l];
    return before.findIndex((p) => counts(p).area === area) === i ? rows.filter((_, j) => figures[j]!.area === area) : [];
  });
  all.push(...rows.filter((_, j) => !before.some((p) => counts(p).area === figures[j]!.area)));
  const tried = all.reduce((s, r) => s + counts(r).tried, 0);
  const passed = all.reduce((s, r) => s + counts(r).passed, 0);
  const lost = all.reduce((s, r) => s + counts(r).lost, 0);
  return [
    BEGIN,
    `## Reliability and security suite (${new Date().toISOString().slice(0, 10)})`,
    '',
    '```',
    `npm run test:reliability${seed !== 1 ? ` -- --seed ${seed}` : ''}${only.length > 0 ? ` ${only.join(' ')}` : ''}`,
    '```',
    '',
    `Seed ${seed}; ${Math.round(seconds)} s on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${kernel}, Node ${node},`,
    `DuckDB ${duckdb}; load average at the start ${load.map((l) => l.toFixed(2)).join(' / ')} (other engineers' runs shared the cores).`,
    `In all: **${tried} cases tried, ${passed} passed, ${lost} lost**. "Lost" counts run records or files lost or corrupted.`,
    '',
    ...(kept.length > 0 ? [`Rows of ${[...areas].join(', ')} from this run; the others kept from earlier runs of the suite.`, ''] : []),
    '| area | check | tried | passed | lost | how the cases fell |',
    '|---|---|---|---|---|---|',
    ...all,
    END,
  ].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const load = loadavg();
  const figures: Figure[] = [];
  for (const [name, run] of Object.entries(AREAS)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const t = Date.now();
    const ws = workspace(name);
    try {
      const found = await run(ws);
      figures.push(...found);
      for (const f of found) process.stdout.write(`${f.area}: ${f.check}: ${f.passed}/${f.tried} passed, ${f.lost} lost${f.failures.length > 0 ? `\n  ${f.failures.join('\n  ')}` : ''}\n`);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
    process.stdout.write(`(${name}: ${((Date.now() - t) / 1000).toFixed(0)} s)\n`);
  }
  const file = join(REPO, 'RELIABILITY.md');
  const text = readFileSync(file, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const block = markdown(figures, (Date.now() - started) / 1000, load, begin >= 0 && end > begin ? text.slice(begin, end) : '');
  writeFileSync(file, begin >= 0 && end > begin ? `${text.slice(0, begin)}${block}${text.slice(end + END.length)}` : `${text.trimEnd()}\n\n${block}\n`);
  process.stdout.write(`RELIABILITY.md written (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  process.exitCode = figures.every((f) => f.passed === f.tried && f.lost === 0) ? 0 : 1;
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 3;
});
