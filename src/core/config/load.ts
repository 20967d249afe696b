/**
 * Reading `cutover.json`: JSONC (comments, trailing commas) parsed with jsonc-parser so that every problem, syntax or
 * schema, is reported at its own line and column, all of them at once.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Node, ParseError } from 'jsonc-parser';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { z } from 'zod';
import { ConfigError, InputError, UsageError } from '../errors';
import type { CutoverConfig } from './schema';
import { CutoverConfigSchema } from './schema';

export const CONFIG_FILE_NAME = 'cutover.json';

export interface ConfigIssue {
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
  /** JSON path of the offending value, e.g. `pipelines.v1.command`. Empty for syntax errors. */
  readonly path: string;
}

/** An invalid `cutover.json`; `issues` holds every problem found, the message lists them one per line. */
export class ConfigValidationError extends ConfigError {
  constructor(readonly file: string, readonly issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `${file}:${i.line}:${i.column}: ${i.message}`);
    const first = issues[0];
    // The base class prefixes the first issue's place; the rest carry their own.
    super([first?.message ?? 'invalid configuration', ...lines.slice(1)].join('\n'), {
      file,
      line: first?.line ?? 1,
      column: first?.column ?? 1,
    });
  }
}

/** A loaded configuration and where it came from (relative paths in it are relative to `dir`). */
export interface LoadedConfig {
  readonly file: string;
  readonly dir: string;
  readonly config: CutoverConfig;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    else if (ch === 10 /* \n */) starts.push(i + 1);
  }
  return starts;
}

function positionOf(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

/** The deepest existing node along `path` (a missing key points at its parent object). */
function nearestNode(root: Node, path: readonly PropertyKey[]): Node {
  for (let n = path.length; n > 0; n--) {
    const segs = path.slice(0, n).filter((p): p is string | number => typeof p !== 'symbol');
    const node = findNodeAtLocation(root, segs);
    if (node) return node;
  }
  return root;
}

/** The key node of property `key` in object node `obj`, for pointing at an unknown key itself. */
function propertyKeyNode(obj: Node, key: string): Node | undefined {
  if (obj.type !== 'object') return undefined;
  for (const prop of obj.children ?? []) {
    const keyNode = prop.children?.[0];
    if (keyNode?.value === key) return keyNode;
  }
  return undefined;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

function issuesFromZod(root: Node, starts: readonly number[], issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const at = nearestNode(root, issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyNode = propertyKeyNode(at, key) ?? at;
        const where = pathText([...issue.path, key]);
        out.push({ ...positionOf(starts, keyNode.offset), path: where, message: `unknown key "${key}"${issue.path.length ? ` in ${pathText(issue.path)}` : ''}` });
      }
      continue;
    }
    const where = pathText(issue.path);
    const exact = findNodeAtLocation(root, issue.path.filter((p): p is string | number => typeof p !== 'symbol'));
    const missing = issue.code === 'invalid_type' && exact === undefined;
    const message = missing ? `missing required key "${where}"` : `${where || '(root)'}: ${issue.message}`;
    out.push({ ...positionOf(starts, at.offset), path: where, message });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Parses and validates the text of a `cutover.json`; `file` is only used in messages. Throws ConfigValidationError. */
export function parseConfig(text: string, file: string): CutoverConfig {
  const starts = lineStarts(text);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || !root) {
    const issues = errors.map((e) => ({
      ...positionOf(starts, e.offset),
      path: '',
      message: `syntax error: ${printParseErrorCode(e.error).replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase()}`,
    }));
    throw new ConfigValidationError(file, issues.length > 0 ? issues : [{ line: 1, column: 1, path: '', message: 'empty file: expected a JSON object' }]);
  }
  const result = CutoverConfigSchema.safeParse(getNodeValue(root));
  if (!result.success) throw new ConfigValidationError(file, issuesFromZod(root, starts, result.error.issues));
  return result.data;
}

/** Reads and validates a `cutover.json`. InputError if it cannot be read, ConfigValidationError if it is invalid. */
export function loadConfig(file: string): LoadedConfig {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${abs}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: abs }, { cause: error });
  }
  return { file: abs, dir: dirname(abs), config: parseConfig(text, abs) };
}

/** The nearest `cutover.json` in `startDir` or above it, or undefined. */
export function findConfig(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where a command's run store lives: the folder of the nearest cutover.json, or `cwd` without one. */
export function storeRoot(cwd: string): string {
  const file = findConfig(cwd);
  return file !== undefined ? dirname(file) : cwd;
}

/** The `cutover.json` a command should use: `--config FILE` (relative to `cwd`) or the nearest one. UsageError if none. */
export function locateConfig(cwd: string, explicit: string | undefined): string {
  if (explicit !== undefined) return resolve(cwd, explicit);
  const found = findConfig(cwd);
  if (found === undefined) throw new UsageError(`no ${CONFIG_FILE_NAME} in ${cwd} or any folder above it: create one or pass --config FILE`);
  return found;
}
