/**
 * Samples a process tree from /proc every `intervalMs` (default 100 ms): the tree's summed resident memory, its CPU
 * as a share of the whole machine, its threads and open files. `summarize` turns the samples into the figures a
 * load run records (peak and mean RSS and CPU). The arithmetic is pure (`sampleOf`, `summarize`); only `TreeSampler`
 * touches /proc and a timer.
 *
 * CPU: the tree's summed ticks (own + reaped children's, so a child that exits inside the tree keeps its time in its
 * parent) between two samples, over the elapsed time × the machine's CPUs. Time of a process reaped by a parent
 * outside the tree (the root, reaped by us) is lost, which is why the sampler stops once the root is gone.
 */
import type { MachineUnits, ProcStat } from './proc';
import { machineUnits, openFiles, selectTree, snapshot, walkTree } from './proc';

/**
 * How often the whole of /proc is scanned to find members the children lists miss (re-parented group members,
 * children of a thread other than the main one). A scan reads every process's stat (≈ 7 ms for 140 processes
 * here), the walk between scans only the tree's (≈ 35 µs for two): see bench/load-sampler.bench.ts.
 */
const FULL_SCAN_MS = 5000;

export interface LoadSample {
  /** Milliseconds since sampling started. */
  readonly ms: number;
  readonly rssBytes: number;
  /** CPU of the tree since the previous sample, % of the whole machine (100 = every core busy); null on the first. */
  readonly cpuPercent: number | null;
  readonly threads: number;
  readonly openFiles: number;
  readonly processes: number;
}

/** A process seen in the tree: pid and start time, which name it across pid reuse. */
export interface SeenProcess {
  readonly pid: number;
  readonly startTicks: number;
  readonly comm: string;
}

interface Previous {
  readonly ms: number;
  readonly ticks: number;
}

/** One sample from the tree's processes (`files`: their open descriptors, summed) and the previous sample. */
export function sampleOf(tree: readonly ProcStat[], files: number, ms: number, previous: Previous | undefined, units: MachineUnits): LoadSample & { ticks: number } {
  let rssPages = 0;
  let threads = 0;
  let ticks = 0;
  for (const p of tree) {
    rssPages += p.rssPages;
    threads += p.threads;
    ticks += p.ticks;
  }
  const elapsed = previous ? (ms - previous.ms) / 1000 : 0;
  const cpuPercent = previous && elapsed > 0
    ? (100 * Math.max(0, ticks - previous.ticks)) / units.clockTicksPerSecond / (elapsed * units.cpus)
    : null;
  return { ms, rssBytes: rssPages * units.pageBytes, cpuPercent, threads, openFiles: files, processes: tree.length, ticks };
}

export interface LoadFigures {
  readonly samples: number;
  readonly peakRssBytes: number | null;
  readonly meanRssBytes: number | null;
  readonly peakCpuPercent: number | null;
  readonly meanCpuPercent: number | null;
  readonly peakThreads: number | null;
  readonly peakOpenFiles: number | null;
  readonly peakProcesses: number | null;
}

/** Peak and mean of the samples; null where there is nothing to measure (no sample, or no CPU interval). */
export function summarize(samples: readonly LoadSample[]): LoadFigures {
  const peak = (values: number[]): number | null => (values.length === 0 ? null : Math.max(...values));
  const mean = (values: number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
  const rss = samples.map((s) => s.rssBytes);
  const cpu = samples.flatMap((s) => (s.cpuPercent === null ? [] : [s.cpuPercent]));
  return {
    samples: samples.length,
    peakRssBytes: peak(rss),
    meanRssBytes: mean(rss),
    peakCpuPercent: peak(cpu),
    meanCpuPercent: mean(cpu),
    peakThreads: peak(samples.map((s) => s.threads)),
    peakOpenFiles: peak(samples.map((s) => s.openFiles)),
    peakProcesses: peak(samples.map((s) => s.processes)),
  };
}

export interface SamplerOptions {
  readonly intervalMs?: number;
  /** Called with each sample as it is taken (live progress). */
  readonly onSample?: (sample: LoadSample) => void;
}

/**
 * Samples the tree under `root` from `start()` until `stop()` or until the root has gone. Reads run synchronously
 * in the timer: a handful of small /proc files, cheaper than scheduling promises for each (see bench/load-sampler).
 */
export class TreeSampler {
  private readonly samples: LoadSample[] = [];
  private readonly seen = new Map<string, SeenProcess>();
  private readonly units = machineUnits();
  private timer: NodeJS.Timeout | undefined;
  private previous: Previous | undefined;
  private t0 = 0;
  private lastScan = Number.NEGATIVE_INFINITY;
  private members: number[] = [];

  constructor(readonly root: number, private readonly options: SamplerOptions = {}) {}

  start(): void {
    this.t0 = performance.now();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 100);
  }

  /** Takes one last sample when the root is still there, stops, and returns every sample. */
  stop(): LoadSample[] {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.tick();
    }
    return [...this.samples];
  }

  /** Every process seen in the tree while sampling (for the leftover check after the root exits). */
  seenProcesses(): SeenProcess[] {
    return [...this.seen.values()];
  }

  private tick(): void {
    const now = performance.now();
    const full = now - this.lastScan >= FULL_SCAN_MS;
    if (full) this.lastScan = now;
    const tree = full ? selectTree(snapshot(), this.root) : walkTree(this.members);
    this.members = tree.map((p) => p.pid);
    if (!tree.some((p) => p.pid === this.root)) {
      // The root has exited: what is left is not the pipeline's running figure but leftovers (leftovers.ts).
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    let files = 0;
    for (const p of tree) {
      files += openFiles(p.pid);
      this.seen.set(`${p.pid}@${p.startTicks}`, { pid: p.pid, startTicks: p.startTicks, comm: p.comm });
    }
    const { ticks, ...sample } = sampleOf(tree, files, performance.now() - this.t0, this.previous, this.units);
    this.previous = { ms: sample.ms, ticks };
    this.samples.push(sample);
    this.options.onSample?.(sample);
  }
}
