/**
 * The keys in which two pipeline configuration files differ, and a copy of the V2 file with chosen keys set back
 * to V1's values. JSON/JSONC is read and edited with jsonc-parser, YAML with the yaml package's document model, so
 * a reverted copy keeps the file's comments and layout and changes only the reverted values.
 *
 * A key is a path of object property names. Objects are walked; anything else (numbers, strings, arrays, null) is
 * a leaf compared by value. A key present on one side only is one difference (its whole subtree): reverting it
 * removes it from V2 (or adds V1's value).
 */
import { extname } from 'node:path';
import { applyEdits, findNodeAtLocation, modify, parse as parseJsonc, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from '../errors';

export type ConfigFormat = 'json' | 'yaml';

/** Sentinel for "the key does not exist on this side": a value in a ConfigKeyDiff is this or plain data. */
export const ABSENT = Symbol('absent');

export interface ConfigKeyDiff {
  readonly path: readonly string[];
  /** The dotted path, for messages and as the key's name (`delinquency.pastDueWhen`). */
  readonly key: string;
  /** V1's value, or ABSENT. */
  readonly v1: unknown;
  /** V2's value, or ABSENT. */
  readonly v2: unknown;
}

export function formatOf(file: string): ConfigFormat {
  return /^\.ya?ml$/i.test(extname(file)) ? 'yaml' : 'json';
}

export function keyName(path: readonly string[]): string {
  return path.map((p) => (/^[A-Za-z_$][\w$-]*$/.test(p) ? p : JSON.stringify(p))).join('.');
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function yamlDocument(text: string, file: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  const first = doc.errors[0];
  if (first) {
    const at = first.linePos?.[0];
    throw new InputError(`invalid YAML: ${first.message.split('\n')[0] ?? first.code}`, { file, ...(at ? { line: at.line, column: at.col } : {}) });
  }
  return { doc, lines };
}

/** The file's content as plain data; a syntax error is an InputError naming the file, line and column. */
export function parseConfig(text: string, file: string): unknown {
  if (formatOf(file) === 'yaml') return yamlDocument(text, file).doc.toJS() as unknown;
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first) throw new InputError(`invalid JSON: ${printParseErrorCode(first.error)}`, { file, ...lineColumn(text, first.offset) });
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every differing key of `v1` and `v2`, in V2's key order (then V1-only keys), nested objects walked. */
export function diffKeys(v1: unknown, v2: unknown, path: readonly string[] = []): ConfigKeyDiff[] {
  if (isPlainObject(v1) && isPlainObject(v2)) {
    const names = [...Object.keys(v2), ...Object.keys(v1).filter((k) => !(k in v2))];
    return names.flatMap((name) => {
      const next = [...path, name];
      if (!(name in v1)) return [{ path: next, key: keyName(next), v1: ABSENT, v2: v2[name] }];
      if (!(name in v2)) return [{ path: next, key: keyName(next), v1: v1[name], v2: ABSENT }];
      return diffKeys(v1[name], v2[name], next);
    });
  }
  return sameValue(v1, v2) ? [] : [{ path, key: keyName(path), v1, v2 }];
}

/** `text` (V2's file) with each key of `diffs` set back to its V1 value (removed when V1 does not have it). */
export function revertKeys(text: string, file: string, diffs: readonly ConfigKeyDiff[]): string {
  if (formatOf(file) === 'yaml') {
    const { doc } = yamlDocument(text, file);
    for (const d of diffs) {
      if (d.v1 === ABSENT) doc.deleteIn([...d.path]);
      else doc.setIn([...d.path], doc.createNode(d.v1));
    }
    return doc.toString();
  }
  let out = text;
  for (const d of diffs) {
    const edits = modify(out, [...d.path], d.v1 === ABSENT ? undefined : d.v1, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
    out = applyEdits(out, edits);
  }
  return out;
}

/**
 * The 0-based line of `path` in `text` (the line its key is written on), or of the nearest ancestor that exists
 * (a key V2 removed is placed on its parent). Undefined only for an empty document.
 */
export function keyLine(text: string, file: string, path: readonly string[]): number | undefined {
  for (let n = path.length; n >= 1; n--) {
    const at = path.slice(0, n);
    if (formatOf(file) === 'yaml') {
      const { doc, lines } = yamlDocument(text, file);
      const parent = at.length === 1 ? doc.contents : doc.getIn(at.slice(0, -1), true);
      if (!isMap(parent)) continue;
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === at.at(-1));
      const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
      if (range) return lines.linePos(range[0]).line - 1;
      continue;
    }
    const root = parseTree(text);
    const node = root ? findNodeAtLocation(root, [...at]) : undefined;
    // The property node starts at its key.
    const property = node?.parent?.type === 'property' ? node.parent : node;
    if (property) return lineColumn(text, property.offset).line - 1;
  }
  return undefined;
}

/** A value as the annotations and CLI print it (`absent` for a key one side does not have). */
export function formatConfigValue(value: unknown): string {
  if (value === ABSENT) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
