// Runs the `cutover` CLI in-process for unit tests, with a fake context that captures its output and exit code.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import type { ExitCode } from '../../src/core/errors';

/** A writable that keeps what is written to it. */
export function sink(): PassThrough & { text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => { chunks.push(chunk); });
  // Decoded once at the end, so that a character split across chunks stays whole.
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

export interface CliResult {
  readonly code: ExitCode;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with `argv` in `cwd` and resolves to its exit code and what it printed. */
export async function runCli(argv: readonly string[], cwd: string): Promise<CliResult> {
  const stdout = sink();
  const stderr = sink();
  let exitCode: ExitCode = 0;
  const ctx = {
    cwd,
    stdout,
    stderr,
    setExitCode(code: ExitCode) { exitCode = code; },
    get exitCode() { return exitCode; },
  };
  const code = await main(argv, ctx);
  // The streams hand their last chunks over asynchronously.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
