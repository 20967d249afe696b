import { readFileSync } from 'node:fs';
import * as path from 'node:path';

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
