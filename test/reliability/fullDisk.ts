/**
 * Full disk: the run store (`.cutover/`) or a publish target on a small tmpfs that fills up during the run →
 * a clear error naming the folder (no stack trace, never a verdict without its record), every earlier run and file
 * intact, the store consistent, and `cutover runs` still listing. Needs root (mount); skipped with a reason otherwise.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { withPublishTarget } from './concurrency';
import { cli, type Figure, figure, hasStackTrace, note, storeProblems, tally } from './harness';

/** Every file under `dir` with its sha256, by path relative to `dir`. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(relative(dir, full), createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

export function canMount(): boolean {
  return process.getuid?.() === 0;
}

function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
}

function unmount(dir: string): void {
  execFileSync('umount', [dir]);
}

/** What is checked, where the small disk is mounted, and the command that fills it. */
const CASES: readonly { readonly kind: string; readonly mount: '.cutover' | 'published'; readonly argv: readonly string[] }[] = [
  { kind: 'shadow', mount: '.cutover', argv: ['shadow'] },
  { kind: 'compare', mount: '.cutover', argv: ['compare', 'data/sample-10k.parquet', 'data/edge/high-delinquency.parquet', '--key', 'loan_id'] },
  { kind: 'runbook', mount: '.cutover', argv: ['runbook', 'run', 'runbooks/quick.md'] },
  { kind: 'publish', mount: 'published', argv: ['publish', '--to', 'local'] },
];

/** Bytes `dir`'s files take on a tmpfs (whole 4 KiB pages). */
function pagesOf(dir: string): number {
  let bytes = 0;
  for (const file of snapshot(dir).keys()) bytes += Math.ceil(statSync(join(dir, file)).size / 4096) * 4096;
  return bytes;
}

/**
 * Each case with each headroom in KiB (the tmpfs is the earlier files' size plus it), so the disk fills at different
 * points of the run.
 */
export async function fullDisk(ws: string, headroomsKiB: readonly number[], kinds?: readonly string[]): Promise<Figure[]> {
  withPublishTarget(ws);
  // Earlier runs that must survive: a runbook run and a shadow run (publish's subject).
  await cli(['runbook', 'run', 'runbooks/quick.md'], ws);
  await cli(['shadow'], ws);
  const figures: Figure[] = [];
  for (const c of CASES.filter((k) => kinds === undefined || kinds.includes(k.kind))) {
    const f = figure('Full disk', `\`cutover ${c.argv.join(' ')}\` with ${c.mount}/ on a tmpfs ${headroomsKiB.join(', ')} KiB from full`);
    for (const headroom of headroomsKiB) {
      const target = join(ws, c.mount);
      const base = join(ws, `${c.mount}.base`);
      rmSync(base, { recursive: true, force: true });
      if (existsSync(target)) cpSync(target, base, { recursive: true });
      else mkdirSync(base);
      const before = snapshot(base);
      rmSync(target, { recursive: true, force: true });
      mountTmpfs(target, String(Math.max(4096, pagesOf(base) + headroom * 1024)));
      const problems: string[] = [];
      let lost = 0;
      try {
        cpSync(base, target, { recursive: true });
        const out = await cli(c.argv, ws);
        const full = /no space|ENOSPC|EDQUOT|EFBIG|disk is full/i.test(`${out.stderr}${out.stdout}`);
        note(f, full ? 'disk filled' : out.code !== null && out.code <= 2 ? 'run fitted' : `exit ${out.code}`);
        if (hasStackTrace(out.stderr)) problems.push(`stack trace: ${out.stderr.trim().split('\n').slice(0, 2).join(' | ')}`);
        // publish reports each target's failure on stdout (✗ name: why), the others on stderr.
        const said = `${out.stderr}\n${out.stdout}`;
        if (out.code !== null && out.code >= 3 && !said.includes(target)) problems.push(`exit ${out.code}, the error does not name ${target}: ${said.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`);
        const listed = await cli(['runs', '--json'], ws);
        if (listed.code !== 0) problems.push(`cutover runs on the full disk: exit ${listed.code}: ${listed.stderr.trim().split('\n')[0]}`);
        const after = snapshot(target);
        for (const [file, sha] of before) {
          // The index may grow (a line appended); every other earlier file must be as it was.
          if (after.get(file) !== sha && !file.endsWith('.jsonl')) { lost += 1; problems.push(`earlier file ${c.mount}/${file} ${after.has(file) ? 'changed' : 'lost'}`); }
        }
      } finally {
        // Back on the roomy disk: what the full one kept is copied out, and the store must then be consistent.
        const kept = join(ws, `${c.mount}.kept`);
        rmSync(kept, { recursive: true, force: true });
        cpSync(target, kept, { recursive: true });
        unmount(target);
        rmSync(target, { recursive: true, force: true });
        cpSync(kept, target, { recursive: true });
        rmSync(kept, { recursive: true, force: true });
        rmSync(base, { recursive: true, force: true });
      }
      if (c.mount === '.cutover') {
        const recovered = await cli(['runs', '--json'], ws);
        if (recovered.code !== 0) problems.push(`cutover runs once space is back: exit ${recovered.code}`);
        problems.push(...(await storeProblems(ws)).map((p) => `after: ${p}`));
      }
      tally(f, `${c.kind} with ${headroom} KiB free`, problems, lost);
    }
    figures.push(f);
  }
  return figures;
}
