/**
 * What a CLI subcommand needs from its surroundings: where to print, the working directory and a way to set the
 * exit code. Passing it in (instead of touching `process` directly) lets unit tests run commands in-process.
 */
import type { ExitCode } from '../core/errors';

export interface CliContext {
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Records the verdict's exit code; the last call wins. */
  setExitCode(code: ExitCode): void;
  /**
   * The id the run this command records must have (`--run-id`, checked): whoever launched the CLI (the extension)
   * then reads exactly that run, not the newest one of its kind. Undefined: the store picks a new id.
   */
  runId?: string | undefined;
}

export function processContext(): CliContext & { readonly exitCode: ExitCode } {
  let exitCode: ExitCode = 0;
  return {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    setExitCode(code) { exitCode = code; },
    get exitCode() { return exitCode; },
  };
}
