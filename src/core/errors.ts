/**
 * Typed errors shared by the engine, the CLI and the extension. Each carries the place it is about
 * (file, line, column: 1-based, as editors and compilers print them) so every surface can point at it.
 */
import { dirname } from 'node:path';

export interface SourcePlace {
  readonly file: string;
  /** 1-based line, when the problem has one. */
  readonly line?: number;
  /** 1-based column, when the problem has one. */
  readonly column?: number;
}

export function formatPlace(place: SourcePlace): string {
  if (place.line === undefined) return place.file;
  return place.column === undefined ? `${place.file}:${place.line}` : `${place.file}:${place.line}:${place.column}`;
}

/** Base class: a problem Cutover understood and can explain. Anything else is a bug. */
export abstract class CutoverError extends Error {
  abstract readonly kind: 'usage' | 'config' | 'input' | 'runtime' | 'conflict' | 'stopped';
  constructor(message: string, readonly place?: SourcePlace, options?: { cause?: unknown }) {
    super(place ? `${formatPlace(place)}: ${message}` : message, options);
    this.name = new.target.name;
  }
}

/** The command line was used wrongly. */
export class UsageError extends CutoverError {
  readonly kind = 'usage' as const;
}

/** A configuration file (cutover.json, a plan) is invalid. */
export class ConfigError extends CutoverError {
  readonly kind = 'config' as const;
}

/** An input file is unreadable, corrupt or not what it claims to be. */
export class InputError extends CutoverError {
  readonly kind = 'input' as const;
}

/** Something failed while doing the work (a pipeline crashed, the engine failed). */
export class RuntimeError extends CutoverError {
  readonly kind = 'runtime' as const;
}

/** The text or state moved under us (a stale edit, a held lock). */
export class ConflictError extends CutoverError {
  readonly kind = 'conflict' as const;
}

/**
 * The work was cancelled (Ctrl+C, the extension's Cancel): not a failure. A run it ends is recorded `stopped` with
 * what it had so far, never with a verdict; the CLI exits inconclusive (2), never a pass.
 */
export class StoppedError extends CutoverError {
  readonly kind = 'stopped' as const;
}

/** Exit codes of the `cutover` CLI; the verdict codes are what CI gates on. */
export const ExitCode = {
  pass: 0,
  fail: 1,
  inconclusive: 2,
  usage: 3,
  runtime: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof ConfigError) return ExitCode.usage;
  if (error instanceof StoppedError) return ExitCode.inconclusive;
  return ExitCode.runtime;
}

/** A file-system error saying the path does not exist (ENOENT): often an expected answer, never any other error. */
export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** For `.catch(...)`: a missing path is `undefined`, any other error goes on. */
export function undefinedIfNotFound(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}

/** File-system codes that mean the disk (or the quota, or the file-size limit) is full: freeing space is the fix. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * For a failed write of `file`: a full disk becomes a RuntimeError naming the folder to free space in (Node's own
 * ENOSPC names no path when a write, not an open, fails); any other error is returned as it is.
 */
export function noSpaceError(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !NO_SPACE.has(code)) return error;
  return new RuntimeError(`no space left to write this file (${code}): free space in ${dirname(file)} and run again`, { file }, { cause: error });
}
