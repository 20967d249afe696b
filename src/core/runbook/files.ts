/**
 * Finding and reading runbook files for the CLI (the extension discovers and reads through VS Code). A missing file
 * or folder is a usage error (exit 3): the user named something that is not there.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { InputError, UsageError } from '../errors';

/** Runbooks are hand-written documents; anything larger (decimal megabytes) is almost certainly the wrong file. */
export const MAX_RUNBOOK_BYTES = 5_000_000;

/**
 * The `.md` files of a folder and of its direct sub-folders (absolute paths, sorted by their path relative to the
 * folder). Hidden entries and `node_modules` are skipped.
 */
export async function discoverRunbooks(folder: string): Promise<string[]> {
  const root = path.resolve(folder);
  const found: string[] = [];
  for (const entry of await listFolder(root, true)) {
    if (skipped(entry.name)) continue;
    const full = path.join(root, entry.name);
    if (entry.isFile() && isMarkdown(entry.name)) found.push(full);
    else if (entry.isDirectory()) {
      for (const inner of await listFolder(full, false)) {
        if (!skipped(inner.name) && inner.isFile() && isMarkdown(inner.name)) found.push(path.join(full, inner.name));
      }
    }
  }
  const key = (file: string): string => path.relative(root, file).split(path.sep).join('/');
  return found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Reads a runbook as VS Code's document would hold it (UTF-8, no BOM). */
export async function readRunbookFile(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new UsageError('is a folder, not a runbook file', { file });
    if (info.size > MAX_RUNBOOK_BYTES) throw new InputError(`is ${(info.size / 1e6).toFixed(1)} MB, too large for a runbook`, { file });
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError) throw error;
    throw unreadable(file, error);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('is not valid UTF-8 text: this looks like a binary file, not a markdown runbook', { file });
  }
  if (text.includes('\u0000')) throw new InputError('contains NUL bytes: this looks like a binary file, not a markdown runbook', { file });
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

async function listFolder(folder: string, mustExist: boolean) {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (!mustExist) return [];
    throw unreadable(folder, error);
  }
}

function unreadable(file: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UsageError('no such file or folder', { file });
  if (code === 'ENOTDIR') return new UsageError('is not a folder', { file });
  return new InputError(`cannot read: ${(error as Error).message}`, { file }, { cause: error });
}

function skipped(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

function isMarkdown(name: string): boolean {
  return name.toLowerCase().endsWith('.md');
}
