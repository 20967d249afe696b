/**
 * Traversal: run ids with `..`, absolute paths and ids that are no ids, given to every option that takes one; and
 * paths in cutover.json (a publish folder, a channel's delivery, a pipeline's output) that leave the workspace with
 * `..`, an absolute path or a symlink → refused with a clear error (exit 3 or 4, no stack trace), nothing written
 * outside. A path typed on the command line (`--out`, `--config`) is the user's own choice and not in scope; a path
 * in a cloned repository's cutover.json is. (A pipeline's output paths are not checked: the pipeline is the user's
 * code, run only in a trusted workspace, and writes where it likes.)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../unit/cli';
import { withPublishTarget } from './concurrency';
import { cli, type Figure, figure, hasStackTrace, note, tally } from './harness';

const HOSTILE_IDS = ['../../outside', '..', '/tmp/outside', '20261201-000000-000-abcdef/../../x', './.tmp-x', '%2e%2e%2f'];

/** Every option or argument that names a run. */
const RUN_ID_USES: readonly ((id: string) => string[])[] = [
  (id) => ['--run-id', id, 'runbook', 'run', 'runbooks/quick.md'],
  (id) => ['gate', id],
  (id) => ['publish', '--run', id, '--to', 'local'],
  (id) => ['channels', 'validate', '--run', id],
  (id) => ['review', 'accept', id, '--kpi', 'dq30', '--segment', 'total', '--reason', 'x'],
  (id) => ['soak', '--resume', id],
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => relative(dir, join(dir, f)));
}

/** Replaces one JSON value of cutover.json by text search: `from` must occur once. */
function editConfig(ws: string, from: string, to: string): () => void {
  const file = join(ws, 'cutover.json');
  const original = readFileSync(file, 'utf8');
  if (!original.includes(from)) throw new Error(`cutover.json has no ${from}`);
  writeFileSync(file, original.replace(from, to));
  return () => writeFileSync(file, original);
}

export async function traversal(ws: string): Promise<Figure[]> {
  withPublishTarget(ws);
  await cli(['shadow'], ws);
  const outside = mkdtempSync(join(tmpdir(), 'cutover elsewhere '));
  const ids = figure('Traversal', `hostile run ids (${HOSTILE_IDS.length}) × every option naming a run (${RUN_ID_USES.length})`);
  for (const use of RUN_ID_USES) {
    for (const id of HOSTILE_IDS) {
      const argv = use(id.replace('/tmp/outside', outside));
      // In this process: each is refused before any work, and 36 processes would cost a minute.
      const out = await runCli(argv, ws);
      const problems: string[] = [];
      note(ids, `exit ${out.code}`);
      if (out.code < 3) problems.push(`exit ${out.code}: accepted`);
      if (hasStackTrace(out.stderr)) problems.push('stack trace');
      if (out.stderr.trim() === '') problems.push('no error message');
      const written = filesUnder(outside);
      if (written.length > 0) problems.push(`wrote outside: ${written.join(', ')}`);
      tally(ids, argv.join(' '), problems);
      rmSync(outside, { recursive: true, force: true });
      mkdirSync(outside);
    }
  }
  const paths = figure('Traversal', 'cutover.json paths leaving the workspace (`..`, absolute, symlink): publish folder, channel delivery');
  const link = join(ws, 'escape');
  symlinkSync(outside, link, 'dir');
  const leaving = { dotdot: relative(ws, outside), absolute: outside, symlink: 'escape' };
  const cases: { name: string; argv: string[]; from: string; to: (p: string) => string }[] = [
    { name: 'publish folder', argv: ['publish', '--to', 'local'], from: '"path": "published"', to: (p) => `"path": ${JSON.stringify(p)}` },
    { name: 'channel delivery', argv: ['channels', 'validate'], from: '"path": "delivery/kpis.parquet"', to: (p) => `"path": ${JSON.stringify(`${p}/kpis.parquet`)}` },
  ];
  for (const c of cases) {
    for (const [how, p] of Object.entries(leaving)) {
      // Something to find outside, so a read of it would succeed if it were not refused.
      writeFileSync(join(outside, 'kpis.parquet'), readFileSync(join(ws, 'delivery', 'kpis.parquet')));
      const before = new Set(filesUnder(outside));
      const restore = editConfig(ws, c.from, c.to(p));
      const problems: string[] = [];
      try {
        const out = await cli(c.argv, ws);
        note(paths, `exit ${out.code}`);
        if (out.code === null || out.code < 3) problems.push(`exit ${out.code}: accepted`);
        else if (!/leaves the workspace/i.test(out.stderr + out.stdout)) problems.push(`exit ${out.code} for another reason: ${(out.stderr.trim() || out.stdout.trim()).split('\n').slice(-1)[0]?.slice(0, 200)}`);
        if (hasStackTrace(out.stderr)) problems.push('stack trace');
        const added = filesUnder(outside).filter((f) => !before.has(f));
        if (added.length > 0) problems.push(`wrote outside: ${added.slice(0, 3).join(', ')}`);
      } finally {
        restore();
      }
      tally(paths, `${c.name} ${how} (${p})`, problems);
    }
  }
  rmSync(link);
  rmSync(outside, { recursive: true, force: true });
  return [ids, paths];
}
