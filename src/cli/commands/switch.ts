/**
 * `cutover rollback` and `cutover forward [--config FILE] [--budget SECONDS] [--json]`: run the configured switch
 * command, then its verify, timed against the budget, with the command's output live; the run is recorded with the
 * go/no-go of the latest shadow run as its evidence. Exit 0 pass, 1 fail (a command failed or the budget was
 * exceeded), 3 configuration or usage, 4 when the switch could not run.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, locateConfig } from '../../core/config/load';
import { ExitCode, UsageError } from '../../core/errors';
import { formatCriterion } from '../../core/gate/format';
import { quoteForDisplay } from '../../core/pipeline/run';
import type { SwitchEvent } from '../../core/switch/run';
import { runSwitch } from '../../core/switch/run';
import type { SwitchSummary } from '../../core/switch/summary';
import { switchSummary } from '../../core/switch/summary';
import type { SwitchDirection } from '../../core/switch/verdict';
import { formatSeconds } from '../../core/switch/verdict';
import type { CliContext } from '../context';
import { cancelOnSignals } from '../engine-options';

interface Options {
  readonly config?: string;
  readonly budget?: string;
  readonly json?: boolean;
}

const DESCRIPTIONS: Record<SwitchDirection, string> = {
  rollback: 'Roll production back to V1: run rollback.command, then rollback.verify, timed against the budget (exit 0 pass, 1 fail, 4 error).',
  forward: 'Roll production forward to V2: run forward.command, then forward.verify, timed against the budget (exit 0 pass, 1 fail, 4 error).',
};

export function registerSwitch(program: Command, ctx: CliContext): void {
  for (const direction of ['rollback', 'forward'] as const) {
    program
      .command(direction)
      .description(DESCRIPTIONS[direction])
      .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
      .option('--budget <seconds>', `time budget for command + verify, overriding ${direction}.budgetSeconds (e.g. for a drill)`)
      .option('--json', 'print one JSON document on stdout (live output goes to stderr)')
      .action(async (options: Options) => {
        await switchCommand(ctx, direction, options);
      });
  }
}

function parseBudget(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`--budget: expected a positive number of seconds, got "${text}"`);
  return value;
}

async function switchCommand(ctx: CliContext, direction: SwitchDirection, options: Options): Promise<void> {
  const budgetSeconds = parseBudget(options.budget);
  const loaded = loadConfig(locateConfig(ctx.cwd, options.config));
  const out = options.json ? ctx.stderr : ctx.stdout;
  // Live output may end mid-line; status lines always start on a fresh one.
  let atLineStart = true;
  const write = (text: string): void => {
    if (text.length === 0) return;
    out.write(text);
    atLineStart = text.endsWith('\n');
  };
  const say = (line: string): void => write(`${atLineStart ? '' : '\n'}${line}\n`);

  // Ctrl+C (SIGINT) and the extension's Cancel Run (SIGTERM) both stop the running command: the run is stopped.
  const cancel = cancelOnSignals();
  try {
    const argv = ['cutover', direction, ...(options.config ? ['--config', options.config] : []), ...(options.budget ? ['--budget', options.budget] : [])];
    const { record, runDir } = await runSwitch(loaded, direction, {
      ...(budgetSeconds !== undefined ? { budgetSeconds } : {}),
      signal: cancel.signal,
      argv,
      cwd: ctx.cwd,
      runId: ctx.runId,
      onEvent: (e) => (e.type === 'output' ? write(e.text) : say(formatEvent(direction, e))),
    });
    const summary = switchSummary(record, runDir);
    const shownDir = relative(ctx.cwd, runDir) || '.';
    if (options.json) ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else if (record.status === 'complete') printEnd(say, summary, shownDir);
    else if (record.status === 'stopped') ctx.stderr.write(`${atLineStart ? '' : '\n'}■ ${summary.error ?? `${direction} stopped`}\n  run recorded as stopped: ${shownDir}\n`);
    else ctx.stderr.write(`${atLineStart ? '' : '\n'}✗ ${direction} could not run: ${summary.error ?? 'unknown error'}\n  run recorded as failed: ${shownDir}\n`);
    // A stopped switch has no verdict: exit 2, never a pass.
    if (record.status === 'stopped') ctx.setExitCode(ExitCode.inconclusive);
    else if (record.status !== 'complete') ctx.setExitCode(ExitCode.runtime);
    else ctx.setExitCode(summary.verdict === 'pass' ? ExitCode.pass : ExitCode.fail);
  } finally {
    cancel.dispose();
  }
}

function formatEvent(direction: SwitchDirection, e: Exclude<SwitchEvent, { type: 'output' }>): string {
  switch (e.type) {
    case 'begin':
      return `cutover ${direction} · run ${e.runId} · budget ${e.budgetSeconds} s`;
    case 'gate': {
      const g = e.gate;
      if (g.runId === null) return `gate at start: none (${g.reason})`;
      return [`gate at start: ${g.verdict.toUpperCase()} on shadow run ${g.runId} (${g.runStatus})`, ...g.criteria.map(formatCriterion)].join('\n');
    }
    case 'start':
      return `▶ ${e.name}: ${e.argv.map(quoteForDisplay).join(' ')}`;
    case 'exit': {
      const r = e.result;
      const took = `in ${formatSeconds(r.durationMs)}`;
      if (r.cancelled) return `✗ cancelled after ${formatSeconds(r.durationMs)}`;
      if (r.exitCode === 0) return `✓ exit 0 ${took}`;
      return `✗ ${r.exitCode === null ? `killed by ${r.signal ?? 'a signal'}` : `exit ${r.exitCode}`} ${took}`;
    }
    case 'error':
      return `✗ did not start: ${e.error.message}`;
    case 'over-budget':
      return `⚠ the ${e.budgetSeconds} s budget is spent; still running`;
  }
}

function printEnd(say: (line: string) => void, s: SwitchSummary, runDir: string): void {
  if (s.totalMs !== null && s.budgetSeconds !== null) say(`total ${formatSeconds(s.totalMs)} of ${s.budgetSeconds} s budget`);
  say(`Verdict: ${(s.verdict ?? 'none').toUpperCase()}`);
  for (const reason of s.reasons) say(`  - ${reason}`);
  say(`Run ${s.runId}: ${runDir}`);
}
