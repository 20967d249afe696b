/**
 * `cutover load [--sizes 10k,100k,1m] [--pipelines v1,v2] [--input NAME] [--parallel N]`: runs each pipeline on
 * each input size as a process tree sampled from /proc (src/core/load), judges wall time, CPU and memory against
 * cutover.json `performance`, and with --parallel N runs N copies at once whose outputs must match the alone run's
 * byte for byte. Records a `load` run. Exit code: 0 pass, 1 fail, 2 inconclusive, 4 error.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, locateConfig } from '../../core/config/load';
import { Secrets } from '../../core/channels/secrets';
import { resolveInput } from '../../core/config/resolve';
import { openEngine } from '../../core/engine/duckdb';
import { UsageError } from '../../core/errors';
import type { DatabaseWatch } from '../../core/load/connections';
import { closeWatches, settleWatch, watchDatabases } from '../../core/load/connections';
import { judgeLoad, loadSummary } from '../../core/load/judge';
import type { Side } from '../../core/load/run';
import { runLoad, sizedInputs } from '../../core/load/run';
import { parseSize } from '../../core/load/sizes';
import { alignedRow, MEASUREMENT_HEADER, measurementRow } from '../../core/load/format';
import type { CorruptionEvent, LoadMeasurement, LoadResults } from '../../core/runs/results';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import { cancelOnSignals } from '../engine-options';
import { exitCodeOf } from '../exitCodes';
import { parseColumns, parseNumber } from '../options';

interface Options {
  readonly sizes: string;
  readonly pipelines: string;
  readonly input?: string;
  readonly parallel: string;
  readonly interval: string;
  readonly config?: string;
  readonly json?: boolean;
}

export function registerLoad(program: Command, ctx: CliContext): void {
  program
    .command('load')
    .description('Measure each pipeline at each input size: wall time, peak/mean memory and CPU, rows/s; --parallel N checks N copies at once for corrupted outputs (exit 0 pass, 1 fail, 2 inconclusive, 4 error).')
    .option('--sizes <list>', 'input sizes in rows, comma-separated (10k, 100k, 1m, 2500)', '10k,100k')
    .option('--pipelines <list>', 'pipelines to run: v1, v2 or both', 'v1,v2')
    .option('--input <name|path>', 'the input to use or scale to each size (default: defaultInput)')
    .option('--parallel <n>', 'also run N copies of each pipeline at once, outputs checked against the alone run', '1')
    .option('--interval <ms>', 'sampling interval in milliseconds', '100')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .option('--json', 'print one JSON document on stdout (progress goes to stderr)')
    .action(async (options: Options) => {
      await load(ctx, options);
    });
}

/** The pipelines named by --pipelines, checked. */
export function parsePipelines(text: string): Side[] {
  const names = parseColumns(text);
  for (const n of names) if (n !== 'v1' && n !== 'v2') throw new UsageError(`--pipelines: unknown pipeline "${n}" (v1, v2)`);
  if (names.length === 0) throw new UsageError('--pipelines: name at least one of v1, v2');
  return [...new Set(names)] as Side[];
}

async function load(ctx: CliContext, options: Options): Promise<void> {
  const loaded = loadConfig(locateConfig(ctx.cwd, options.config));
  const base = resolveInput(loaded, options.input, ctx.cwd);
  const rows = [...new Set(parseColumns(options.sizes).map((s) => parseSize(s)))];
  if (rows.length === 0) throw new UsageError('--sizes: name at least one size');
  const pipelines = parsePipelines(options.pipelines);
  const parallel = parseNumber('--parallel', options.parallel, 1) as number;
  const intervalMs = parseNumber('--interval', options.interval, 10) as number;
  if (!Number.isInteger(parallel)) throw new UsageError(`--parallel must be a whole number ≥ 1, got "${options.parallel}"`);

  const out = options.json ? ctx.stderr : ctx.stdout;
  const say = (text: string): void => void out.write(`${text}\n`);
  const performance = loaded.config.performance;
  const run = await new RunStore(loaded.dir).begin('load', {
    argv: ['cutover', 'load', '--sizes', options.sizes, '--pipelines', options.pipelines, ...(options.input ? ['--input', options.input] : []), '--parallel', String(parallel), ...(options.config ? ['--config', options.config] : [])],
    cwd: ctx.cwd,
    id: ctx.runId,
    thresholds: { performance: performance ?? null },
  });
  // Ctrl+C (SIGINT) and the extension's Cancel Run (SIGTERM) both stop the pipelines and end the run.
  const cancel = cancelOnSignals();
  const secrets = new Secrets();
  let watches: DatabaseWatch[] = [];
  try {
    say(`cutover load · run ${run.id} · input ${base.name} · sizes ${rows.join(', ')} · ${pipelines.join(', ')}${parallel > 1 ? ` · ${parallel} at once` : ''}`);
    const engine = await openEngine();
    let inputs;
    try {
      inputs = await run.phase('inputs', () => sizedInputs(engine, loaded, base.path, rows, `${run.dir}/inputs`));
    } finally {
      engine.close();
    }
    const sizes = inputs.map((i) => ({ size: i.size, rows: i.rows, input: i.input }));
    /** The load part as far as it has got (a complete part, so the running record stays valid for the Runs view). */
    const sofar = (measurements: LoadMeasurement[], corruption: CorruptionEvent[]): LoadResults => {
      const judged = judgeLoad(measurements, corruption, performance);
      return { sizes, parallel, measurements, judgements: judged.judgements, corruption, summary: loadSummary(measurements, corruption, parallel) };
    };
    const seen: LoadMeasurement[] = [];
    const corrupted: CorruptionEvent[] = [];
    watches = await watchDatabases(loaded, secrets);
    for (const w of watches) if (w.note) say(`· ${w.channel}: ${w.note}`);
    say(alignedRow(MEASUREMENT_HEADER));
    const { measurements, corruption } = await run.phase('load', () => runLoad({
      loaded, inputs, pipelines, parallel, runDir: run.dir, logPath: (name) => run.logPath(name), intervalMs, signal: cancel.signal,
      onMeasured: (m) => {
        seen.push(m);
        say(alignedRow(measurementRow(m)));
        // Live in the Runs view; a failed progress write only costs the live view, the final record still lands.
        run.progress({ load: sofar(seen, corrupted) }).catch((error: unknown) => ctx.stderr.write(`cutover: progress of run ${run.id} not written: ${error instanceof Error ? error.message : String(error)}\n`));
      },
      onCorruption: (e) => {
        corrupted.push(e);
        say(`✗ corruption: ${e.pipeline} ${e.size} copy ${e.copy}: ${e.file} ${e.kind}`);
      },
    }));
    const connections = await Promise.all(watches.map((w) => settleWatch(w, secrets)));
    if (cancel.signal.aborted) throw cancel.stopped();
    const judged = judgeLoad(measurements, corruption, performance, connections);
    const results: LoadResults = { ...sofar(measurements, corruption), judgements: judged.judgements, ...(connections.length > 0 ? { connections } : {}) };
    const record = await run.finish({ verdict: { verdict: judged.verdict, reasons: judged.reasons }, results: { input: { name: base.name, path: base.path }, load: results } });
    if (options.json) {
      ctx.stdout.write(`${JSON.stringify({ id: record.id, dir: run.finalDir, verdict: record.verdict, load: results }, null, 2)}\n`);
    } else {
      if (parallel > 1) say(`corruption events: ${corruption.length}`);
      for (const c of connections) if (c.peak !== null) say(`${c.channel}: peak ${c.peak} connections of max_connections ${c.maxConnections ?? '?'}`);
      say(`${judged.verdict.toUpperCase()}${judged.reasons.map((r) => `\n  · ${r}`).join('')}`);
      say(`run recorded: ${relative(ctx.cwd, run.finalDir)}`);
    }
    ctx.setExitCode(exitCodeOf(judged.verdict));
  } catch (error) {
    // After a cancel the run is stopped, with the measurements it made so far (written as it went).
    const ended = cancel.stopped(error);
    if (!run.closed) await run.fail(ended);
    throw ended;
  } finally {
    cancel.dispose();
    await closeWatches(watches, secrets, (line) => void ctx.stderr.write(`cutover: ${line}\n`));
  }
}
