/**
 * `cutover soak --duration 10m [--interval 30s] [--pipelines v2] [--inject-failures P] [--resume ID]`: runs the
 * pipelines again and again for the duration, each run sampled as a process tree and appended to the soak run's
 * record as it ends (live in the Runs view). Judged on the memory slope (cutover.json performance.leakMBPerHour),
 * zombies and orphans after every run, and recovery after each failure. Ctrl+C or the extension's Cancel (SIGTERM)
 * stops it with the iterations kept; a soak killed outright is continued with --resume. Exit 0 pass, 1 fail,
 * 2 inconclusive (too few iterations, stopped early), 4 error.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, locateConfig } from '../../core/config/load';
import { resolveInput } from '../../core/config/resolve';
import { UsageError } from '../../core/errors';
import { iterationLine } from '../../core/load/format';
import { judgeSoak, runSoak } from '../../core/load/soak';
import type { Side } from '../../core/load/run';
import { parseDuration } from '../../core/load/sizes';
import type { SoakIteration, SoakResults } from '../../core/runs/results';
import type { RunWriter } from '../../core/runs/store';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
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
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const iterations: SoakIteration[] = [...(previous?.iterations ?? [])];
  let soFarSeconds = previous?.elapsedSeconds ?? 0;
  const state = (elapsedSeconds: number, stopped: boolean): SoakResults => {
    const judged = judgeSoak({ pipelines: settings.pipelines, iterations, stopped, elapsedSeconds, durationSeconds: settings.durationSeconds }, performance);
    return { ...settings, pipelines: [...settings.pipelines], elapsedSeconds, sessions: (previous?.sessions ?? 0) + 1, stopped, iterations: [...iterations], leaks: judged.leaks, failures: judged.failures, summary: judged.summary };
  };
  try {
    say(`cutover soak · run ${run.id}${previous ? ` (resumed after ${(previous.elapsedSeconds / 60).toFixed(1)} min, ${previous.iterations.length} runs)` : ''} · ${settings.pipelines.join(', ')} · ${(settings.durationSeconds / 60).toFixed(1)} min every ${settings.intervalSeconds} s`);
    await run.progress({ soak: state(soFarSeconds, false) });
    const elapsed = await run.phase(previous ? `soak (session ${(previous.sessions ?? 0) + 1})` : 'soak', () => runSoak({
      loaded, input: settings.input, pipelines: settings.pipelines as Side[], durationSeconds: settings.durationSeconds,
      intervalSeconds: settings.intervalSeconds, injectFailures: settings.injectFailures, seed: settings.seed,
      runDir: run.dir, logPath: (name) => run.logPath(name), previous: previous?.iterations ?? [], elapsedSeconds: previous?.elapsedSeconds ?? 0,
      signal: controller.signal, intervalMs: sampleMs,
      onIteration: async (it, soFar) => {
        iterations.push(it);
        soFarSeconds = soFar;
        say(iterationLine(it));
        // Written before the next run starts: a soak killed now loses at most the run in progress. A failed write
        // costs only that safety (the iterations stay in memory for the final record): a day's soak goes on.
        await run.progress({ soak: state(soFar, false) }).catch((error: unknown) => {
          ctx.stderr.write(`cutover: iteration ${it.iteration} of run ${run.id} not written yet: ${error instanceof Error ? error.message : String(error)}\n`);
        });
      },
    }));
    const stopped = controller.signal.aborted;
    const final = state(elapsed, stopped);
    const judged = judgeSoak(final, performance);
    const record = await run.finish({ verdict: { verdict: judged.verdict, reasons: judged.reasons }, results: { input: { path: settings.input }, soak: final } });
    if (options.json) {
      ctx.stdout.write(`${JSON.stringify({ id: record.id, dir: run.finalDir, verdict: record.verdict, soak: final }, null, 2)}\n`);
    } else {
      say(`${stopped ? 'stopped · ' : ''}${judged.verdict.toUpperCase()}${judged.reasons.map((r) => `\n  · ${r}`).join('')}`);
      say(`run recorded: ${relative(ctx.cwd, run.finalDir)}`);
    }
    ctx.setExitCode(exitCodeOf(judged.verdict));
  } catch (error) {
    if (!run.closed) await run.fail(error, { results: { soak: state(soFarSeconds, false) } });
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
