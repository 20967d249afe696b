/**
 * Reading a plan file for the CLI: refuses what is not a markdown plan (a directory, a huge or binary file) with an
 * error naming the file, and returns the text exactly as VS Code's document would hold it (no BOM), so offsets agree.
 */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../errors';

/** Plans are hand-written checklists; anything larger (decimal megabytes) is almost certainly the wrong file. */
export const MAX_PLAN_BYTES = 5_000_000;

export async function readPlanFile(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new InputError('is a directory, not a markdown plan', { file });
    if (info.size > MAX_PLAN_BYTES) throw new InputError(tooLarge(info.size), { file });
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InputError(`cannot read the plan: ${reason}`, { file }, { cause: error });
  }
  // The size can change between stat and read.
  if (bytes.length > MAX_PLAN_BYTES) throw new InputError(tooLarge(bytes.length), { file });
  const text = decodeUtf8(bytes, file);
  checkPlanText(text, file);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Throws InputError when the text is binary (holds NUL characters); the extension runs it on document text. */
export function checkPlanText(text: string, file: string): void {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    throw new InputError('contains NUL bytes: this looks like a binary file, not a markdown plan', { file, ...placeOf(text, nul) });
  }
}

function tooLarge(size: number): string {
  return `is ${(size / 1e6).toFixed(1)} MB; plans larger than ${MAX_PLAN_BYTES / 1e6} MB are not read`;
}

function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    throw new InputError('is not valid UTF-8 text: this looks like a binary file, not a markdown plan', {
      file,
      ...placeOf(lenient, firstInvalid(lenient, bytes)),
    });
  }
}

/**
 * Index (in the leniently decoded text) of the first U+FFFD that stands for invalid bytes rather than a real
 * U+FFFD in the file: up to that point the decoding is exact, so its byte offset can be checked.
 */
function firstInvalid(lenient: string, bytes: Buffer): number {
  let from = 0;
  let byte = 0;
  for (;;) {
    const at = lenient.indexOf('\uFFFD', from);
    if (at < 0) return 0;
    byte += Buffer.byteLength(lenient.slice(from, at), 'utf8');
    if (!(bytes[byte] === 0xef && bytes[byte + 1] === 0xbf && bytes[byte + 2] === 0xbd)) return at;
    byte += 3;
    from = at + 1;
  }
}

/** 1-based line and column of a text offset. */
function placeOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
