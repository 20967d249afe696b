import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findLeftovers } from '../../../src/core/load/leftovers';
import { measurePipeline } from '../../../src/core/load/measure';
import type { ProcStat } from '../../../src/core/load/proc';
import { parseStat, readStat, selectTree } from '../../../src/core/load/proc';
import { sampleOf, summarize } from '../../../src/core/load/sampler';

const fixture = (name: string): string => resolve(__dirname, '../../fixtures/load', name);
const MB = 1024 * 1024;

function proc(pid: number, ppid: number, pgid: number, extra: Partial<ProcStat> = {}): ProcStat {
  return { pid, comm: `p${pid}`, state: 'S', ppid, pgid, ticks: 0, threads: 1, rssPages: 0, startTicks: pid * 10, ...extra };
}

describe('load: /proc parsing and tree selection', () => {
  it('parses a stat line whose command name holds spaces and a parenthesis', () => {
    const fields = ['S', '7', '42', '42', '0', '-1', '4194560', '1', '0', '0', '0', '150', '50', '20', '5', '20', '0', '3', '0', '98765', '1000', '2500'];
    const stat = parseStat(`123 (a (weird) name) ${fields.join(' ')} 0 0 0`);
    assert.deepEqual(stat, { pid: 123, comm: 'a (weird) name', state: 'S', ppid: 7, pgid: 42, ticks: 225, threads: 3, startTicks: 98765, rssPages: 2500 });
    assert.equal(parseStat('not a stat line'), undefined);
  });

  it('selects descendants by parent and re-parented members of the root\'s process group, nothing else', () => {
    const procs = [proc(1, 0, 1), proc(10, 1, 10), proc(11, 10, 10), proc(12, 11, 12), proc(13, 1, 10), proc(20, 1, 20)];
    assert.deepEqual(selectTree(procs, 10).map((p) => p.pid).sort((a, b) => a - b), [10, 11, 12, 13]);
  });

  it('sums memory, threads and CPU ticks of the tree; CPU is a share of all cores since the last sample', () => {
    const units = { clockTicksPerSecond: 100, pageBytes: 4096, cpus: 2 };
    const tree = [proc(10, 1, 10, { rssPages: 256, threads: 4, ticks: 100 }), proc(11, 10, 10, { rssPages: 256, threads: 2, ticks: 50 })];
    const first = sampleOf(tree, 9, 0, undefined, units);
    assert.deepEqual({ ...first, ticks: undefined }, { ms: 0, rssBytes: 2 * MB, cpuPercent: null, threads: 6, openFiles: 9, processes: 2, ticks: undefined });
    // 100 ticks = 1 core-second in 1 s on 2 cores: half the machine.
    const second = sampleOf(tree.map((p) => ({ ...p, ticks: p.ticks + 50 })), 9, 1000, { ms: 0, ticks: first.ticks }, units);
    assert.equal(second.cpuPercent, 50);
  });

  it('summarizes peak and mean, and says null (never 0) when there is nothing to measure', () => {
    const s = summarize([
      { ms: 0, rssBytes: 10, cpuPercent: null, threads: 1, openFiles: 3, processes: 1 },
      { ms: 100, rssBytes: 30, cpuPercent: 40, threads: 5, openFiles: 4, processes: 2 },
      { ms: 200, rssBytes: 20, cpuPercent: 20, threads: 2, openFiles: 3, processes: 1 },
    ]);
    assert.deepEqual(s, { samples: 3, peakRssBytes: 30, meanRssBytes: 20, peakCpuPercent: 40, meanCpuPercent: 30, peakThreads: 5, peakOpenFiles: 4, peakProcesses: 2 });
    assert.deepEqual(summarize([]), { samples: 0, peakRssBytes: null, meanRssBytes: null, peakCpuPercent: null, meanCpuPercent: null, peakThreads: null, peakOpenFiles: null, peakProcesses: null });
  });

  it('names a zombie and an orphan of the group, and a process seen in the tree, but not a recycled pid', () => {
    const procs = [proc(11, 1, 10, { state: 'Z' }), proc(12, 1, 10), proc(30, 1, 30, { startTicks: 5 }), proc(40, 1, 40)];
    const seen = [{ pid: 30, startTicks: 999, comm: 'old' }, { pid: 40, startTicks: 400, comm: 'p40' }];
    assert.deepEqual(findLeftovers(procs, 10, seen), [
      { pid: 11, comm: 'p11', kind: 'zombie' },
      { pid: 12, comm: 'p12', kind: 'orphan' },
      { pid: 40, comm: 'p40', kind: 'orphan' },
    ]);
  });
});

describe('load: sampling real process trees', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cutover-load-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (argv: string[], env: Record<string, string> = {}) => measurePipeline(
    { name: 'synthetic', command: [process.execPath, ...argv], values: {}, cwd: dir, env, logFile: join(dir, 'log.txt') },
    { intervalMs: 50, killLeftovers: true },
  );

  it('sees the memory and CPU of a parent and its child together', async () => {
    const one = await run([fixture('busy.mjs'), join(dir, 'one'), '96', '800']);
    const two = await run([fixture('busy.mjs'), join(dir, 'two'), '96', '800'], { CHILD: '1' });
    assert.equal(one.result.exitCode, 0);
    assert.equal(two.result.exitCode, 0);
    assert.ok(one.figures.samples >= 5, `samples: ${one.figures.samples}`);
    assert.ok((one.figures.peakRssBytes ?? 0) > 96 * MB, `one process holds its 96 MB: ${one.figures.peakRssBytes}`);
    assert.ok((two.figures.peakRssBytes ?? 0) > 192 * MB, `two processes hold 2 × 96 MB: ${two.figures.peakRssBytes}`);
    assert.equal(two.figures.peakProcesses, 2);
    // One busy core of two is ≈ 50% of the machine; two busy processes are more than one.
    assert.ok((one.figures.peakCpuPercent ?? 0) > 25, `one core busy: ${one.figures.peakCpuPercent}`);
    assert.ok((two.figures.peakCpuPercent ?? 0) > (one.figures.meanCpuPercent ?? 100), `tree CPU ${two.figures.peakCpuPercent} vs ${one.figures.meanCpuPercent}`);
    assert.ok((one.figures.peakThreads ?? 0) > 1 && (one.figures.peakOpenFiles ?? 0) >= 3);
    assert.deepEqual(one.leftovers, []);
  });

  it('finds the orphan a pipeline leaves behind, and kills it', async () => {
    const measured = await run([fixture('orphan.mjs'), join(dir, 'out')]);
    assert.equal(measured.result.exitCode, 0);
    assert.equal(measured.leftovers.length, 1);
    assert.equal(measured.leftovers[0]?.kind, 'orphan');
    const pid = measured.leftovers[0]?.pid as number;
    await new Promise((r) => setTimeout(r, 200));
    // Killed: gone, or a zombie when the machine's init does not reap (as in some containers).
    assert.ok(['gone', 'Z'].includes(readStat(pid)?.state ?? 'gone'));
  });
});
