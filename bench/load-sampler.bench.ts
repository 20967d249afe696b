/**
 * The load sampler's own cost: the CPU this process spends sampling a busy two-process tree from /proc every
 * 100 ms (and 50 ms), as a share of one core, against the same process idling for the same time. Peer: polling
 * `ps` for the same tree at the same interval (the `top`/`ps` way), its child processes' CPU included.
 * Target: ≤ 1% of a core at 100 ms.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machineUnits, readStat, snapshot } from '../src/core/load/proc';
import { TreeSampler } from '../src/core/load/sampler';

const SECONDS = 15;
const TARGET_PERCENT = 1;

/** CPU seconds of this process and the children it has waited for. */
function selfCpuSeconds(): number {
  const stat = readStat(process.pid);
  if (!stat) throw new Error('cannot read /proc/self/stat');
  return stat.ticks / machineUnits().clockTicksPerSecond;
}

async function costOf(every: (() => void) | undefined, intervalMs: number): Promise<number> {
  const cpu0 = selfCpuSeconds();
  const t0 = performance.now();
  const timer = every ? setInterval(every, intervalMs) : undefined;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  if (timer) clearInterval(timer);
  return (100 * (selfCpuSeconds() - cpu0)) / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-sampler-'));
  const tree = spawn(process.execPath, [resolve(__dirname, '../test/fixtures/load/busy.mjs'), join(dir, 'out'), '64', String((SECONDS * 6 + 5) * 1000)], {
    env: { ...process.env, CHILD: '1' }, stdio: 'ignore', detached: true,
  });
  const root = tree.pid as number;
  await new Promise((r) => setTimeout(r, 500));
  const processes = snapshot().length;
  const idle = await costOf(undefined, 100);
  const rows: string[][] = [];
  for (const intervalMs of [100, 50]) {
    const sampler = new TreeSampler(root, { intervalMs });
    const cpu0 = selfCpuSeconds();
    const t0 = performance.now();
    sampler.start();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const samples = sampler.stop();
    const percent = (100 * (selfCpuSeconds() - cpu0)) / ((performance.now() - t0) / 1000);
    rows.push([`Cutover TreeSampler (/proc), ${intervalMs} ms`, String(samples.length), percent.toFixed(2), intervalMs === 100 ? (percent <= TARGET_PERCENT ? 'met' : 'MISSED') : '']);
  }
  const ps = await costOf(() => void spawnSync('ps', ['-o', 'rss=,pcpu=,nlwp=', '-g', String(root)]), 100);
  rows.push(['peer: `ps -o rss,pcpu,nlwp -g PGID`, 100 ms', '—', ps.toFixed(2), '']);
  process.kill(-root, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });

  const out = [
    '### Load sampler: its own cost (`cutover load`, `cutover soak`)',
    '',
    `The sampler reads /proc for a busy two-process tree (node parent + child, 64 MB each) for ${SECONDS} s. Cost: the whole`,
    `benchmark process's CPU while sampling (own + waited-for children, from /proc/self/stat; 10 ms ticks), idle`,
    `overhead included, so an upper bound: the same process idling ${SECONDS} s used ${idle.toFixed(2)}% of a core. ${processes} processes`,
    'on the machine; the whole of /proc is scanned every 5 s (≈ 7 ms here), only the tree\'s own files in between.',
    `Target: ≤ ${TARGET_PERCENT}% of a core at 100 ms.`,
    '',
    '| sampler | samples | CPU, % of one core | target |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

void main();
