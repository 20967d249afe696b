/**
 * `cutover channels validate [--run ID] [--timeout SECONDS] [--config FILE] [--json]`: reads back what the pipeline delivered to each
 * output channel of cutover.json for a shadow run (default: the latest) and checks it against the run's local output
 * (core/channels/validate.ts). Records a `channels` run; exit 0 pass, 1 fail, 2 inconclusive, 3 usage/config,
 * 4 error. Secrets come from the environment variables the channels name and are scrubbed from everything printed
 * or recorded. Every request to a channel's service (an Azure call, a PostgreSQL statement, a REST page) has the
 * --timeout deadline: one past it makes that channel inconclusive, naming the deadline.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { Secrets } from '../../core/channels/secrets';
import { validateChannels } from '../../core/channels/validate';
import { shownLocation } from '../../core/channels/view';
import { loadConfig, locateConfig } from '../../core/config/load';
import { openEngine } from '../../core/engine/duckdb';
import type { ChannelResult } from '../../core/runs/results';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import { cancelOnSignals } from '../engine-options';
import { exitCodeOf } from '../exitCodes';
import { parseNumber } from '../options';
import { pickRun } from '../pickRun';

interface Options {
  readonly run?: string;
  readonly config?: string;
  readonly json?: boolean;
  readonly timeout: string;
}

const MARK = { pass: '✓', inconclusive: '?', fail: '✗' } as const;

/** One channel's verdict line and its reasons; a path under `cwd` is shown relative to it. */
export function formatChannel(r: ChannelResult, cwd: string): string {
  const location = shownLocation(r.location, cwd);
  const rows = r.rows ? ` · rows ${r.rows.delivered ?? '–'} delivered / ${r.rows.local ?? '–'} local` : '';
  return [`${MARK[r.verdict]} ${r.verdict.padEnd(12)} ${r.channel} (${r.type}, ${r.side}) ${location}${rows}`, ...r.reasons.map((x) => `    - ${x}`)].join('\n');
}

export function registerChannels(program: Command, ctx: CliContext): void {
  const channels = program.command('channels').description('Output channels: what the pipelines delivered (Parquet, CSV, Azure Blob, Supabase, manifest).');
  channels
    .command('validate')
    .description('Read back each channel\'s delivery for a shadow run and check it against the run\'s local output (exit 0 pass, 1 fail, 2 inconclusive, 3 usage, 4 error).')
    .option('--run <id>', 'the shadow run whose deliveries to check: an id or a unique prefix (default: the latest shadow run)')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .option('--timeout <seconds>', 'how long one request to a channel\'s service (an Azure call, a PostgreSQL statement, a REST page) may take', '60')
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: Options) => {
      await validate(ctx, options);
    });
}

async function validate(ctx: CliContext, options: Options): Promise<void> {
  const timeoutSeconds = parseNumber('--timeout', options.timeout, 1) as number;
  const loaded = loadConfig(locateConfig(ctx.cwd, options.config));
  const store = new RunStore(loaded.dir);
  const target = await pickRun(store, options.run);
  const secrets = new Secrets();
  const say = (text: string): void => void (options.json ? ctx.stderr : ctx.stdout).write(`${secrets.redact(text)}\n`);
  const run = await store.begin('channels', {
    argv: ['cutover', 'channels', 'validate', '--run', target.id, ...(options.config ? ['--config', options.config] : [])],
    cwd: ctx.cwd,
    id: ctx.runId,
  });
  const cancel = cancelOnSignals();
  const engine = await openEngine({ signal: cancel.signal }).catch(async (error: unknown) => {
    cancel.dispose();
    await run.fail(error);
    throw error;
  });
  try {
    say(`cutover channels validate · run ${run.id} · deliveries of ${target.kind} run ${target.id}`);
    const result = await run.phase('validate', () => validateChannels({
      config: loaded.config,
      cwd: loaded.dir,
      run: target,
      runDir: store.runDir(target.id),
      outDir: run.dir,
      secrets,
      engine,
      timeoutSeconds,
      onChannel: (r) => say(formatChannel(r, ctx.cwd)),
    }));
    // Cancelled: the checks cut short are no verdict; the run is stopped.
    if (cancel.signal.aborted) throw cancel.stopped();
    const reasons = result.channels.length === 0
      ? [`no channels in ${loaded.file}: nothing to validate`]
      : result.channels.filter((c) => c.verdict !== 'pass').map((c) => `${c.channel} (${c.side}) ${c.verdict}: ${c.reasons[0] ?? ''}`);
    const record = await run.finish({
      verdict: { verdict: result.verdict, reasons: reasons.length > 0 ? reasons : [`${result.channels.length} channel checks pass`] },
      results: { channels: result },
      duckdbVersion: engine.duckdbVersion,
    });
    if (options.json) ctx.stdout.write(`${secrets.redact(JSON.stringify({ runId: record.id, runDir: run.finalDir, reasons: record.verdict?.reasons ?? [], ...result }, null, 2))}\n`);
    else say(`\nChannels: ${result.verdict.toUpperCase()}${reasons.length > 0 ? `\n${reasons.map((x) => `  - ${x}`).join('\n')}` : ''}\nRun ${record.id}: ${relative(ctx.cwd, run.finalDir) || '.'}`);
    ctx.setExitCode(exitCodeOf(result.verdict));
  } catch (error) {
    const clean = secrets.scrub(cancel.stopped(error));
    if (!run.closed) await run.fail(clean);
    throw clean;
  } finally {
    cancel.dispose();
    engine.close();
  }
}
