import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';
import type { ExitCode } from '../../../src/core/errors';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'runbooks');
export const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'loan-cutover');

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** 0-based line of the first line of `text` that equals `line` once trimmed (computed without the parser). */
export function lineOf(text: string, line: string): number {
  const at = text.split(/\r\n|\r|\n/).findIndex((l) => l.trim() === line);
  if (at < 0) throw new Error(`no line ${JSON.stringify(line)} in the fixture`);
  return at;
}

/** A writable that keeps what is written to it. */
export function sink(): PassThrough & { text(): string } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  return Object.assign(stream, { text: () => out });
}

export interface CliResult {
  readonly code: ExitCode;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with a fake context. */
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
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
