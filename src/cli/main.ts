/**
 * The `cutover` command line. Each subcommand lives in its own module under `commands/` and registers itself
 * here; this file only wires them and maps errors to exit codes (0 pass, 1 fail, 2 inconclusive, 3 usage/config,
 * 4 runtime).
 */
import { Command, CommanderError } from 'commander';
import { CutoverError, ExitCode, exitCodeFor } from '../core/errors';
import { checkRunId } from '../core/runs/id';
import type { CliContext } from './context';
import { processContext } from './context';
import { terminalStream } from './terminal';

declare const CUTOVER_VERSION: string | undefined;

type Register = (program: Command, ctx: CliContext) => void;

/**
 * Each subcommand's module, loaded only when that subcommand runs (or for the full help): the modules pull in zod,
 * the engine and the parsers, and a CI gate or a benchmark should not pay for the commands it does not use.
 * (`require` inside a function stays lazy in the esbuild bundle.)
 */
const COMMANDS: Record<string, () => Register> = {
  checklist: () => (require('./commands/checklist') as typeof import('./commands/checklist')).registerChecklist,
  shadow: () => (require('./commands/shadow') as typeof import('./commands/shadow')).registerShadow,
  gate: () => (require('./commands/gate') as typeof import('./commands/gate')).registerGate,
  review: () => (require('./commands/review') as typeof import('./commands/review')).registerReview,
  runs: () => (require('./commands/runs') as typeof import('./commands/runs')).registerRuns,
  compare: () => (require('./commands/compare') as typeof import('./commands/compare')).registerCompare,
  reconcile: () => (require('./commands/reconcile') as typeof import('./commands/reconcile')).registerReconcile,
  perturb: () => (require('./commands/perturb') as typeof import('./commands/perturb')).registerPerturb,
  runbook: () => (require('./commands/runbook') as typeof import('./commands/runbook')).registerRunbook,
  load: () => (require('./commands/load') as typeof import('./commands/load')).registerLoad,
  soak: () => (require('./commands/soak') as typeof import('./commands/soak')).registerSoak,
  channels: () => (require('./commands/channels') as typeof import('./commands/channels')).registerChannels,
  publish: () => (require('./commands/publish') as typeof import('./commands/publish')).registerPublish,
  readiness: () => (require('./commands/readiness') as typeof import('./commands/readiness')).registerReadiness,
  signoff: () => (require('./commands/signoff') as typeof import('./commands/signoff')).registerSignoff,
  explain: () => (require('./commands/explain') as typeof import('./commands/explain')).registerExplain,
  metrics: () => (require('./commands/metrics') as typeof import('./commands/metrics')).registerMetrics,
  alerts: () => (require('./commands/alerts') as typeof import('./commands/alerts')).registerAlerts,
  notify: () => (require('./commands/notify') as typeof import('./commands/notify')).registerNotify,
  watch: () => (require('./commands/watch') as typeof import('./commands/watch')).registerWatch,
  // One module registers both directions.
  rollback: () => (require('./commands/switch') as typeof import('./commands/switch')).registerSwitch,
  forward: () => (require('./commands/switch') as typeof import('./commands/switch')).registerSwitch,
};

/** The program with the subcommand `argv` names, or with every subcommand (help, typos, no subcommand). */
export function buildProgram(ctx: CliContext, argv: readonly string[] = []): Command {
  const program = new Command('cutover')
    .description('Take a data pipeline from V1 to V2 without losing a number.')
    .version(typeof CUTOVER_VERSION === 'string' ? CUTOVER_VERSION : 'dev')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .option('--run-id <id>', 'record the run under this id (YYYYMMDD-HHMMSS-mmm-xxxxxx, unused in the store) so a caller can find it');
  program.hook('preAction', () => {
    const { runId } = program.opts<{ runId?: string }>();
    if (runId !== undefined) ctx.runId = checkRunId(runId);
  });
  const named = argv[0] !== undefined ? COMMANDS[argv[0]] : undefined;
  const registers = named ? [named()] : [...new Set(Object.values(COMMANDS).map((load) => load()))];
  for (const register of registers) register(program, ctx);
  return program;
}

/** The subcommands that record a run: after them (passed, failed or stopped) the metrics export of cutover.json runs. */
const RECORDS_A_RUN = new Set(['shadow', 'reconcile', 'compare', 'load', 'soak', 'channels', 'publish', 'runbook', 'rollback', 'forward']);

/** Runs the CLI and resolves to its exit code; never calls process.exit, so tests can run it in-process. */
export async function main(argv: readonly string[], outer: CliContext & { readonly exitCode: ExitCode } = processContext()): Promise<ExitCode> {
  // Data printed by any command (KPI names, segments, reasons, file names) must not act on the terminal.
  const ctx: CliContext = {
    cwd: outer.cwd,
    stdout: terminalStream(outer.stdout),
    stderr: terminalStream(outer.stderr),
    setExitCode: (code) => outer.setExitCode(code),
    runId: outer.runId,
  };
  const program = buildProgram(ctx, argv);
  let action: Command | undefined;
  program.hook('preAction', (_root, command) => { action = command; });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outer.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.pass : ExitCode.usage;
    }
    const message = error instanceof CutoverError ? error.message : (error instanceof Error ? error.stack ?? error.message : String(error));
    ctx.stderr.write(`cutover: ${message}\n`);
    // A usage or configuration error stopped the command before any run: nothing new to export.
    if (exitCodeFor(error) === ExitCode.usage) action = undefined;
    return exitCodeFor(error);
  } finally {
    let top = action;
    while (top?.parent && top.parent !== program) top = top.parent;
    if (action && top && RECORDS_A_RUN.has(top.name())) {
      await (require('./commands/metrics') as typeof import('./commands/metrics')).exportAfterCommand(ctx, action.opts<{ config?: string }>().config);
    }
  }
}

if (require.main === module) {
  // Until main settles the exit code is an error: if the event loop ever empties first (a promise nobody settles),
  // Node would otherwise exit 0, which a CI gate reads as a pass.
  let settled = false;
  process.exitCode = ExitCode.runtime;
  process.on('exit', () => {
    if (!settled) process.stderr.write('cutover: stopped before the command finished (nothing left to wait for); exit 4\n');
  });
  void main(process.argv.slice(2)).then((code) => {
    settled = true;
    process.exitCode = code;
  });
}
