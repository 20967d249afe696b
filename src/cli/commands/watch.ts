/**
 * `cutover watch --every 15m [--input NAME] [--daily-reconcile HH:MM] [--runs N] [--config FILE]`: scheduled
 * checks in the foreground. A shadow run at once and then every interval, and a reconciliation each day at the
 * given local time; each is a run in the store (through the same `cutover shadow` / `cutover reconcile`), followed
 * by the metrics export cutover.json asks for and the alerts that fire. Ctrl+C or SIGTERM stops the run in progress
 * and the watch (exit 2: stopped, never a pass); `--runs N` ends after N runs with the last run's exit code.
 *
 * The watch keeps `.cutover/watch.json` (pid, next run, last run, firing alerts), rewritten atomically after each
 * step and removed at the end: what the VS Code status bar shows.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { alertDefinitions } from '../../core/alerts/catalog';
import { firingAlerts } from '../../core/alerts/evaluate';
import { loadConfig, locateConfig } from '../../core/config/load';
import { ExitCode, UsageError } from '../../core/errors';
import { parseDuration } from '../../core/load/sizes';
import { parseClock, WATCH_STATE_FILE, writeWatchState, type WatchState } from '../../core/metrics/watchState';
import { workspaceMetrics } from '../../core/metrics/workspace';
import { newRunId } from '../../core/runs/id';
import type { CliContext } from '../context';
import { cancelOnSignals } from '../engine-options';
import { formatAlerts, sendNotice } from './notify';

export interface WatchOptions {
  readonly every: string;
  readonly input?: string;
  readonly dailyReconcile?: string;
  readonly runs?: string;
  readonly config?: string;
}

/** The next local time at `minutes` after midnight strictly after `after`. */
export function nextDaily(after: Date, minutes: number): Date {
  const next = new Date(after);
  next.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  if (next.getTime() <= after.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

/** Which check is due next: the shadow run at `nextShadow`, or the reconciliation when it comes first. */
export function nextCheck(nextShadow: Date, nextReconcile: Date | undefined): { kind: 'shadow' | 'reconcile'; at: Date } {
  return nextReconcile !== undefined && nextReconcile.getTime() <= nextShadow.getTime()
    ? { kind: 'reconcile', at: nextReconcile }
    : { kind: 'shadow', at: nextShadow };
}

export function registerWatch(program: Command, ctx: CliContext): void {
  program
    .command('watch')
    .description('Scheduled checks in the foreground: a shadow run every interval (and a reconciliation daily), metrics and alerts after each; Ctrl+C stops.')
    .requiredOption('--every <time>', 'time between shadow runs: 30s, 15m, 1h')
    .option('--input <name|path>', 'the input of the shadow runs (default: defaultInput)')
    .option('--daily-reconcile <HH:MM>', 'also reconcile every day at this local time (cutover reconcile on the dated input)')
    .option('--runs <n>', 'stop after this many runs (default: until stopped)')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .action(async (options: WatchOptions) => {
      await watch(ctx, options);
    });
}

/** The time the schedule keeps, and its waits: a test passes one whose waits are over at once (the due time is "now"). */
export interface WatchClock {
  now(): Date;
  /** Resolves at `until`, or as soon as `signal` aborts. */
  wait(until: Date, signal: AbortSignal): Promise<void>;
}

const systemClock: WatchClock = {
  now: () => new Date(),
  async wait(until, signal) {
    await sleep(until.getTime() - Date.now(), undefined, { signal }).catch((error: unknown) => {
      if (!signal.aborted) throw error;
    });
  },
};

export async function watch(ctx: CliContext, options: WatchOptions, clock: WatchClock = systemClock): Promise<void> {
  const everySeconds = parseDuration(options.every, '--every');
  const reconcileAt = options.dailyReconcile === undefined ? undefined : parseClock(options.dailyReconcile, '--daily-reconcile');
  const maxRuns = options.runs === undefined ? Infinity : Number(options.runs);
  if (!(maxRuns >= 1) || (Number.isFinite(maxRuns) && !Number.isInteger(maxRuns))) throw new UsageError(`--runs must be a whole number ≥ 1, got "${options.runs}"`);
  const configFile = locateConfig(ctx.cwd, options.config);
  const loaded = loadConfig(configFile);
  const stateFile = join(loaded.dir, WATCH_STATE_FILE);
  await mkdir(join(loaded.dir, '.cutover'), { recursive: true });
  // The runs are the CLI's own commands, in this process: the same records, exit codes and after-run export.
  const { main } = require('../main') as typeof import('../main');
  const cancel = cancelOnSignals();
  const started = clock.now();
  let state: WatchState = { pid: process.pid, startedAt: started.toISOString(), everySeconds, ...(options.dailyReconcile ? { dailyReconcile: options.dailyReconcile } : {}), alerts: [] };
  let nextShadow = started;
  let nextReconcile = reconcileAt === undefined ? undefined : nextDaily(started, reconcileAt);
  let lastExit: ExitCode = ExitCode.pass;
  ctx.stdout.write(`cutover watch · shadow every ${options.every}${options.dailyReconcile ? ` · reconcile daily at ${options.dailyReconcile}` : ''} · Ctrl+C stops\n`);
  try {
    for (let done = 0; done < maxRuns; done++) {
      const due = nextCheck(nextShadow, nextReconcile);
      state = { ...state, next: { kind: due.kind, at: due.at.toISOString() } };
      await writeWatchState(stateFile, state);
      if (due.at.getTime() > clock.now().getTime()) {
        ctx.stdout.write(`next: ${due.kind} at ${due.at.toLocaleString()}\n`);
        await clock.wait(due.at, cancel.signal);
      }
      if (cancel.signal.aborted) break;
      const runId = newRunId();
      state = { ...state, running: { kind: due.kind, runId } };
      await writeWatchState(stateFile, state);
      const argv = due.kind === 'shadow'
        ? ['shadow', ...(options.input ? ['--input', options.input] : []), '--config', configFile]
        : ['reconcile', '--config', configFile];
      let exitCode: ExitCode = ExitCode.pass;
      const runCtx = { ...ctx, runId, setExitCode(code: ExitCode) { exitCode = code; }, get exitCode() { return exitCode; } };
      lastExit = await main(['--run-id', runId, ...argv], runCtx);
      if (due.kind === 'shadow') nextShadow = new Date(Math.max(clock.now().getTime(), nextShadow.getTime() + everySeconds * 1000));
      else nextReconcile = nextDaily(clock.now(), reconcileAt ?? 0);
      const metrics = await workspaceMetrics(loaded.dir, loaded.config);
      const alerts = firingAlerts(alertDefinitions(loaded.config), metrics, clock.now().getTime());
      ctx.stdout.write(formatAlerts(alerts));
      // Chat gets each alert once (per run it names), not again after every run while it keeps firing.
      const fresh = alerts.filter((a) => !state.alerts.some((b) => b.name === a.name && b.runId === a.runId));
      await sendNotice(ctx, loaded, metrics.workspace, fresh).catch((error: unknown) => {
        ctx.stderr.write(`cutover watch: notify failed: ${(error as Error).message}\n`);
      });
      const { running: _done, ...rest } = state;
      // The next check goes in the same write as the last: a reader never sees a finished run beside the check it was.
      const upcoming = nextCheck(nextShadow, nextReconcile);
      state = { ...rest, last: { kind: due.kind, runId, exitCode: lastExit }, next: { kind: upcoming.kind, at: upcoming.at.toISOString() }, alerts: alerts.map((a) => ({ name: a.name, summary: a.summary, runId: a.runId })) };
      await writeWatchState(stateFile, state);
      if (cancel.signal.aborted) break;
    }
  } finally {
    cancel.dispose();
    await rm(stateFile, { force: true });
  }
  if (cancel.signal.aborted) throw cancel.stopped();
  ctx.setExitCode(lastExit);
}
