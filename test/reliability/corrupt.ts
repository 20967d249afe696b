/**
 * Corrupt state: run.json, reviews.json, the index and the lock file truncated, garbled or emptied (seeded) →
 * an error that names the file (never a stack trace), and every other run still shown: by `cutover runs` and by
 * the run store's scan, which the extension's Runs view lists from.
 */
import { cpSync, existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexFileOf } from '../../src/core/runs/indexFile';
import { RunStore } from '../../src/core/runs/store';
import { ReviewStore } from '../../src/core/reviews/store';
import { cli, type Figure, figure, hasStackTrace, indexProblems, note, tally } from './harness';
import { seededRandom } from './kills';

type Damage = (text: string, random: () => number) => string;

/** Ways a file gets damaged: a crash mid-write, a bad disk sector, an editor, another tool. */
const DAMAGE: Readonly<Record<string, Damage>> = {
  truncated: (t, r) => t.slice(0, Math.floor(r() * t.length)),
  empty: () => '',
  'byte flipped': (t, r) => {
    const i = Math.floor(r() * t.length);
    return `${t.slice(0, i)}${String.fromCharCode(33 + Math.floor(r() * 90))}${t.slice(i + 1)}`;
  },
  'NUL bytes': (t, r) => `${t.slice(0, Math.floor(r() * t.length))}\0\0\0\0`,
  'not JSON': () => 'this is not json\n',
  'JSON null': () => 'null\n',
  'wrong shape': () => '{"schemaVersion": 99, "id": 7}\n',
  binary: (_t, r) => Buffer.from(Array.from({ length: 64 }, () => Math.floor(r() * 256))).toString('latin1'),
};

interface Listed { readonly total: number; readonly ids: string[]; readonly problems: { id: string; message: string }[] }

async function listed(ws: string): Promise<{ code: number | null; stderr: string; list?: Listed }> {
  const out = await cli(['runs', '--json'], ws);
  if (out.code !== 0) return { code: out.code, stderr: out.stderr };
  const doc = JSON.parse(out.stdout) as { total: number; runs: { id: string }[]; problems: { id: string; message: string }[] };
  return { code: 0, stderr: out.stderr, list: { total: doc.total, ids: doc.runs.map((r) => r.id), problems: doc.problems } };
}

/** `cases` damaged files in turn (run.json, reviews.json, the index, the lock), each checked and then restored. */
export async function corruptState(ws: string, cases: number, seed: number): Promise<Figure[]> {
  const random = seededRandom(seed);
  const store = new RunStore(ws);
  for (let i = 0; i < 4; i++) await cli(['runbook', 'run', 'runbooks/quick.md'], ws);
  const ids = (await store.list()).map((r) => r.id);
  const reviewsFile = new ReviewStore(ws).file;
  if (!existsSync(reviewsFile)) writeFileSync(reviewsFile, '{ "version": 1, "reviews": [] }\n');
  const pristine = join(ws, '.cutover.pristine');
  rmSync(pristine, { recursive: true, force: true });
  cpSync(join(ws, '.cutover'), pristine, { recursive: true });
  const restore = (): void => {
    rmSync(join(ws, '.cutover'), { recursive: true, force: true });
    cpSync(pristine, join(ws, '.cutover'), { recursive: true });
  };
  const names = Object.keys(DAMAGE);
  const figures = {
    run: figure('Corrupt state', 'damaged `run.json`: `cutover runs` and the Runs view\'s store scan'),
    reviews: figure('Corrupt state', 'damaged `reviews.json`: `cutover review list`, `cutover runs`'),
    index: figure('Corrupt state', 'damaged run index: `cutover runs`, the index rebuilt'),
    lock: figure('Corrupt state', 'damaged or stale `.lock`: `cutover runs`, a new run'),
  };
  for (let i = 0; i < cases; i++) {
    const target = (['run', 'reviews', 'index', 'lock'] as const)[i % 4]!;
    const how = names[Math.floor(i / 4) % names.length]!;
    const f = figures[target];
    note(f, how);
    const problems: string[] = [];
    if (target === 'run') {
      const victim = ids[Math.floor(random() * ids.length)]!;
      const file = join(store.runDir(victim), 'run.json');
      writeFileSync(file, DAMAGE[how]!(readFileSync(file, 'utf8'), random));
      const stillValid = await store.read(victim).then(() => true, () => false);
      const out = await listed(ws);
      if (!out.list) problems.push(`cutover runs exit ${out.code}: ${out.stderr.trim()}`);
      else {
        const others = ids.filter((id) => id !== victim);
        const missing = others.filter((id) => !out.list!.ids.includes(id));
        if (missing.length > 0) problems.push(`cutover runs lost ${missing.length} intact runs`);
        if (!stillValid && !out.list.problems.some((p) => p.id === victim && p.message.includes(file))) problems.push(`no problem naming ${file}: ${JSON.stringify(out.list.problems)}`);
        const text = await cli(['runs'], ws);
        if (text.code !== 0 || (!stillValid && !text.stderr.includes(file))) problems.push(`cutover runs (text) exit ${text.code}, its warning does not name the file`);
        if (hasStackTrace(text.stderr)) problems.push('stack trace on stderr');
      }
      const scan = await store.scan();
      if (scan.runs.length < ids.length - 1) problems.push(`the store scan shows ${scan.runs.length} of ${ids.length - 1} intact runs`);
      if (!stillValid && !scan.problems.some((p) => p.message.includes(file))) problems.push('the store scan does not name the file');
    } else if (target === 'reviews') {
      writeFileSync(reviewsFile, DAMAGE[how]!(readFileSync(reviewsFile, 'utf8'), random));
      const valid = await new ReviewStore(ws).list().then(() => true, (error: Error) => {
        if (!error.message.includes(reviewsFile)) problems.push(`ReviewStore error does not name the file: ${error.message}`);
        return false;
      });
      const review = await cli(['review', 'list'], ws);
      if (!valid && (review.code === 0 || !review.stderr.includes(reviewsFile))) problems.push(`cutover review list exit ${review.code}: ${review.stderr.trim().slice(0, 200)}`);
      if (hasStackTrace(review.stderr)) problems.push('stack trace from cutover review list');
      const out = await listed(ws);
      if (out.list?.total !== ids.length) problems.push(`cutover runs shows ${out.list?.total ?? out.stderr.trim()} of ${ids.length} runs`);
    } else if (target === 'index') {
      const file = indexFileOf(store.root);
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      writeFileSync(file, DAMAGE[how]!(text, random));
      const out = await listed(ws);
      if (out.list?.total !== ids.length) problems.push(`cutover runs shows ${out.list?.total ?? out.stderr.trim()} of ${ids.length} runs`);
      if (hasStackTrace(out.stderr)) problems.push('stack trace from cutover runs');
      const { RunIndex } = await import('../../src/core/runs/indexFile');
      const warnings: string[] = [];
      const entries = await new RunIndex(store.root, (id) => store.read(id), (m: string) => { warnings.push(m); }).entries();
      if (entries.length !== ids.length) problems.push(`the index gives ${entries.length} of ${ids.length} runs`);
      problems.push(...indexProblems(store.root, new Set(ids)));
    } else {
      const file = join(store.root, '.lock');
      // A lock left by a process that died (its pid is no longer alive), with its content damaged as well.
      writeFileSync(file, DAMAGE[how]!('999999\n2026-01-01T00:00:00.000Z\n', random));
      const crashed = new Date(Date.now() - 10 * 60_000);
      utimesSync(file, crashed, crashed);
      const out = await listed(ws);
      if (out.list?.total !== ids.length) problems.push(`cutover runs shows ${out.list?.total ?? out.stderr.trim()} of ${ids.length} runs`);
      const run = await cli(['runbook', 'run', 'runbooks/quick.md'], ws);
      if (run.code !== 0) problems.push(`a new run exit ${run.code}: ${run.stderr.trim().split('\n').slice(-1)[0]}`);
      if (existsSync(file) && readFileSync(file, 'utf8').startsWith('999999')) problems.push('the stale lock is still there');
    }
    tally(f, `${target} ${how}`, problems);
    restore();
  }
  rmSync(pristine, { recursive: true, force: true });
  return Object.values(figures);
}
