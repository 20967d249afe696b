/**
 * Turning the relative names in a loaded `cutover.json` into absolute paths: inputs by name or path, working
 * directories. Relative paths in the file are relative to its folder; a path typed on the command line is relative
 * to the caller's working directory.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError, UsageError } from '../errors';
import type { LoadedConfig } from './load';
import type { InputConfig } from './schema';

export interface ResolvedInput {
  /** The input's name in cutover.json, or the path as typed when it is not a named input. */
  readonly name: string;
  /** Absolute path (file, folder or glob). */
  readonly path: string;
  readonly format?: InputConfig['format'];
  readonly partitioning?: 'hive';
  readonly dateColumn?: string;
}

const GLOB_CHARS = /[*?[{]/;

/** The input a command should read: `nameOrPath` if given, else `defaultInput`, else the first named input. */
export function resolveInput(loaded: LoadedConfig, nameOrPath: string | undefined, cwd: string): ResolvedInput {
  const { inputs, defaultInput } = loaded.config;
  const name = nameOrPath ?? defaultInput ?? Object.keys(inputs)[0];
  if (name === undefined) {
    throw new UsageError(`no input given and ${loaded.file} defines no inputs: pass --input PATH`);
  }
  const named = inputs[name];
  if (named) {
    const path = resolve(loaded.dir, named.path);
    assertInputExists(path, `input "${name}"`, named.generatedBy);
    return { name, path, format: named.format, partitioning: named.partitioning, dateColumn: named.dateColumn };
  }
  const path = isAbsolute(name) ? name : resolve(cwd, name);
  if (!GLOB_CHARS.test(name) && !existsSync(path)) {
    const known = Object.keys(inputs);
    throw new UsageError(`--input ${name}: neither a named input (${known.length > 0 ? known.join(', ') : 'none defined'}) nor an existing path`);
  }
  return { name, path };
}

/** Fails with a message that says how to create the input when its file or folder is missing. */
function assertInputExists(path: string, what: string, generatedBy: string | undefined): void {
  // For a glob, the folder before the first wildcard must exist; the engine reports an empty match itself.
  const fixed = GLOB_CHARS.test(path) ? path.slice(0, path.search(GLOB_CHARS)).replace(/[^/\\]*$/, '') : path;
  if (existsSync(fixed)) return;
  const hint = generatedBy ? `; create it with: ${generatedBy}` : '';
  throw new InputError(`${what} not found${hint}`, { file: path });
}

/** A working directory from cutover.json (relative to its folder), defaulting to that folder. */
export function resolveCwd(loaded: LoadedConfig, cwd: string | undefined): string {
  return cwd === undefined ? loaded.dir : resolve(loaded.dir, cwd);
}

/**
 * The `${config}` value of a pipeline command: its first `configFiles` entry, absolute (none when it names none).
 * `cutover explain` substitutes a modified copy instead; every other run passes the file itself.
 */
export function configPlaceholder(loaded: LoadedConfig, pipeline: { readonly configFiles?: readonly string[] | undefined }): { config?: string } {
  const first = pipeline.configFiles?.[0];
  return first === undefined ? {} : { config: resolve(loaded.dir, first) };
}
