/**
 * The `cutover` command line. Each subcommand lives in its own module under `commands/` and registers itself
 * here; this file only wires them and maps errors to exit codes (0 pass, 1 fail, 2 inconclusive, 3 usage/config,
 * 4 runtime).
 */
import { Command, CommanderError } from 'commander';
import { CutoverError, ExitCode, exitCodeFor } from '../core/errors';
import type { CliContext } from './context';
import { processContext } from './context';
import { registerChecklist } from './commands/checklist';
import { registerShadow } from './commands/shadow';
import { registerGate } from './commands/gate';
import { registerRuns } from './commands/runs';
import { registerCompare } from './commands/compare';
import { registerReconcile } from './commands/reconcile';
import { registerPerturb } from './commands/perturb';
import { registerRunbook } from './commands/runbook';
import { registerSwitch } from './commands/switch';

declare const CUTOVER_VERSION: string | undefined;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('cutover')
    .description('Take a data pipeline from V1 to V2 without losing a number.')
    .version(typeof CUTOVER_VERSION === 'string' ? CUTOVER_VERSION : 'dev')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  registerChecklist(program, ctx);
  registerShadow(program, ctx);
  registerGate(program, ctx);
  registerRuns(program, ctx);
  registerCompare(program, ctx);
  registerReconcile(program, ctx);
  registerPerturb(program, ctx);
  registerRunbook(program, ctx);
  registerSwitch(program, ctx);
  return program;
}

/** Runs the CLI and resolves to its exit code; never calls process.exit, so tests can run it in-process. */
export async function main(argv: readonly string[], ctx: CliContext & { readonly exitCode: ExitCode } = processContext()): Promise<ExitCode> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.pass : ExitCode.usage;
    }
    const message = error instanceof CutoverError ? error.message : (error instanceof Error ? error.stack ?? error.message : String(error));
    ctx.stderr.write(`cutover: ${message}\n`);
    return exitCodeFor(error);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
