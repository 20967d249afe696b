/**
 * `cutover soak --duration 10m [--interval 30s] [--pipelines v2] [--inject-failures P] [--resume ID]`: runs the
 * pipelines again and again for the duration, each run sampled as a process tree and appended to the soak run's
 * record as it ends (live in the Runs view). Judged on the memory slope (cutover.json performance.leakMBPerHour),
 * zombies and orphans after every run, recovery after each failure and, for a PostgreSQL channel, the database
 * connections each run held against max_connections. Ctrl+C or the extension's Cancel (SIGTERM) stops it: the run is
 * recorded `stopped` with the iterations so far; a soak killed outright is continued with --resume. Exit 0 pass,
 * 1 fail, 2 inconclusive (too few iterations) or stopped, 4 error.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, locateConfig } from '../../core/config/load';
import { resolveInput } from '../../core/config/resolve';
import { Secrets } from '../../core/channels/secrets';
import { UsageError } from '../../core/errors';
import type { DatabaseWatch } from '../../core/load/connections';
import { closeWatches, settleWatch, watchDatabases } from '../../core/load/connections';
import { iterationLine } from '../../core/load/format';
import { judgeSoak, runSoak } from '../../core/load/soak';
import type { Side } from '../../core/load/run';
import { parseDuration } from '../../core/load/sizes';
import type { SoakIteration, SoakResults } from '../../core/runs/results';
import type { RunWriter } from '../../core/runs/store';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import { cancelOnSignals } from '../engine-options';
import { exitCodeOf } from '../exitCodes';
import { parseNumber } from '../options';
import { parsePipelines } from './load';

interface Options {
  readonly duration: string;
  readonly interval: string;
  readonly pipelines: string;
  readonly input?: string;
  readonly injectFailures: string;
  readonly seed: string;
  readonly sample: string;
  readonly resume?: string;
  readonly config?: string;
  readonly json?: boolean;
}

export function registerSoak(program: Command, ctx: CliContext): void {
  program
    .command('soak')
    .description('Run the pipelines continuously for a duration: memory slope, zombies and orphans, failure recovery, recorded live (exit 0 pass, 1 fail, 2 inconclusive, 4 error).')
    .option('--duration <time>', 'how long to soak: 30s, 10m, 24h', '10m')
    .option('--interval <time>', 'time between iteration starts (at once when an iteration takes longer)', '30s')
    .option('--pipelines <list>', 'pipelines to run each iteration: v1, v2 or both', 'v2')
    .option('--input <name|path>', 'the input every run reads (default: defaultInput)')
    .option('--inject-failures <p>', 'share of iterations (0–1) in which a pipeline is killed mid-run, to check it recovers', '0')
    .option('--seed <n>', 'seed of the choice of iterations to kill', '1')
    .option('--sample <ms>', 'sampling interval in milliseconds', '100')
    .option('--resume <run-id>', 'continue an interrupted soak run (its settings are the record\'s)')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .option('--json', 'print one JSON document on stdout at the end (progress goes to stderr)')
    .action(async (options: Options) => {
      await soak(ctx, options);
    });
}

type Settings = Pick<SoakResults, 'pipelines' | 'input' | 'durationSeconds' | 'intervalSeconds' | 'injectFailures' | 'seed'>;

async function soak(ctx: CliContext, options: Options): Promise<void> {
  const loaded = loadConfig(locateConfig(ctx.cwd, options.config));
  const store = new RunStore(loaded.dir);
  const performance = loaded.config.performance;
  const sampleMs = parseNumber('--sample', options.sample, 10) as number;
  let run: RunWriter;
  let settings: Settings;
  let previous: SoakResults | undefined;
  if (options.resume !== undefined) {
    // A soak killed outright is still a temp folder until the store marks it interrupted.
    await store.recoverInterrupted();
    previous = (await store.read(options.resume)).results.soak;
    if (!previous) throw new UsageError(`run ${options.resume} recorded no soak settings: it cannot be resumed as a soak`);
    settings = previous;
    run = await store.reopen(options.resume, 'soak');
  } else {
    const injectFailures = parseNumber('--inject-failures', options.injectFailures) as number;
    if (injectFailures > 1) throw new UsageError(`--inject-failures must be between 0 and 1, got "${options.injectFailures}"`);
    const seed = parseNumber('--seed', options.seed) as number;
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number ≥ 0, got "${options.seed}"`);
    settings = {
      pipelines: parsePipelines(options.pipelines),
      input: resolveInput(loaded, options.input, ctx.cwd).path,
      durationSeconds: parseDuration(options.duration, '--duration'),
      intervalSeconds: parseDuration(options.interval, '--interval'),
      injectFailures,
      seed,
    };
    run = await store.begin('soak', {
      argv: ['cutover', 'soak', '--duration', options.duration, '--interval', options.interval, '--pipelines', options.pipelines, ...(options.input ? ['--input', options.input] : []), '--inject-failures', options.injectFailures, '--seed', options.seed, ...(options.config ? ['--config', options.config] : [])],
      cwd: ctx.cwd,
      id: ctx.runId,
      thresholds: { performance: performance ?? null },
    });
  }

  const out = options.json ? ctx.stderr : ctx.stdout;
  const say = (text: string): void => void out.write(`${text}\n`);
  // Ctrl+C (SIGINT) and the extension's Cancel Run (SIGTERM) both stop the soak: recorded stopped, iterations kept.
  const cancel = cancelOnSignals();
  const secrets = new Secrets();
  let watches: DatabaseWatch[] = [];
  const iterations: SoakIteration[] = [...(previous?.iterations ?? [])];
  let soFarSeconds = previous?.elapsedSeconds ?? 0;
  const state = (elapsedSeconds: number, connections?: SoakResults['connections']): SoakResults => {
    const judged = judgeSoak({ pipelines: settings.pipelines, iterations, ...(connections ? { connections } : {}) }, performance);
    return {
      ...settings, pipelines: [...settings.pipelines], elapsedSeconds, sessions: (previous?.sessions ?? 0) + 1, iterations: [...iterations],
      leaks: judged.leaks, failures: judged.failures, summary: judged.summary, ...(connections && connections.length > 0 ? { connections } : {}),
    };
  };
  try {
    say(`cutover soak · run ${run.id}${previous ? ` (resumed after ${(previous.elapsedSeconds / 60).toFixed(1)} min, ${previous.iterations.length} runs)` : ''} · ${settings.pipelines.join(', ')} · ${(settings.durationSeconds / 60).toFixed(1)} min every ${settings.intervalSeconds} s`);
    await run.progress({ soak: state(soFarSeconds) });
    watches = await watchDatabases(loaded, secrets);
    for (const w of watches) if (w.note) say(`· ${w.channel}: ${w.note}`);
    const counted = watches.flatMap((w) => (w.watch ? [{ channel: w.channel, watch: w.watch }] : []));
    const elapsed = await run.phase(previous ? `soak (session ${(previous.sessions ?? 0) + 1})` : 'soak', () => runSoak({
      loaded, input: settings.input, pipelines: settings.pipelines as Side[], durationSeconds: settings.durationSeconds,
      intervalSeconds: settings.intervalSeconds, injectFailures: settings.injectFailures, seed: settings.seed,
      runDir: run.dir, logPath: (name) => run.logPath(name), previous: previous?.iterations ?? [], elapsedSeconds: previous?.elapsedSeconds ?? 0,
      signal: cancel.signal, intervalMs: sampleMs,
      ...(counted.length > 0 ? { connections: () => counted.map((c) => ({ channel: c.channel, peak: c.watch.window() })) } : {}),
      onIteration: async (it, soFar) => {
        iterations.push(it);
        soFarSeconds = soFar;
        say(iterationLine(it));
        // Written before the next run starts: a soak killed now loses at most the run in progress. A failed write
        // costs only that safety (the iterations stay in memory for the final record): a day's soak goes on.
        await run.progress({ soak: state(soFar) }).catch((error: unknown) => {
          ctx.stderr.write(`cutover: iteration ${it.iteration} of run ${run.id} not written yet: ${error instanceof Error ? error.message : String(error)}\n`);
        });
      },
    }));
    soFarSeconds = elapsed;
    const connections = await Promise.all(watches.map((w) => settleWatch(w, secrets)));
    const final = state(elapsed, connections);
    // Stopped: the iterations so far and their figures are kept, without a verdict (main.ts exits 2).
    if (cancel.signal.aborted) {
      await run.fail(cancel.stopped(), { results: { input: { path: settings.input }, soak: final } });
      say(`stopped after ${(elapsed / 60).toFixed(1)} of ${(settings.durationSeconds / 60).toFixed(1)} min, ${iterations.length} runs kept: ${relative(ctx.cwd, run.finalDir)}`);
      throw cancel.stopped();
    }
    const judged = judgeSoak(final, performance);
    const record = await run.finish({ verdict: { verdict: judged.verdict, reasons: judged.reasons }, results: { input: { path: settings.input }, soak: final } });
    if (options.json) {
      ctx.stdout.write(`${JSON.stringify({ id: record.id, dir: run.finalDir, verdict: record.verdict, soak: final }, null, 2)}\n`);
    } else {
      say(`${judged.verdict.toUpperCase()}${judged.reasons.map((r) => `\n  · ${r}`).join('')}`);
      say(`run recorded: ${relative(ctx.cwd, run.finalDir)}`);
    }
    ctx.setExitCode(exitCodeOf(judged.verdict));
  } catch (error) {
    const ended = cancel.stopped(error);
    if (!run.closed) await run.fail(ended, { results: { input: { path: settings.input }, soak: state(soFarSeconds) } });
    throw ended;
  } finally {
    cancel.dispose();
    await closeWatches(watches, secrets, (line) => void ctx.stderr.write(`cutover: ${line}\n`));
  }
}
