/**
 * A small streaming CSV reader used only to explain a CSV that DuckDB refused: it finds the delimiter of the
 * header and the first record whose field count differs from the header's, with its 1-based line number. DuckDB
 * reports such lines itself once past its sniffing sample, but a ragged row inside the sample only yields "could
 * not detect the dialect", which names no line. It also tells an empty file (no header) from a table with no rows.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const candidates = [',', ';', '\t', '|'] as const;

function lines(file: string): AsyncIterable<string> {
  let stream: Readable = createReadStream(file);
  if (file.endsWith('.gz')) stream = stream.pipe(createGunzip());
  return createInterface({ input: stream, crlfDelay: Infinity });
}

/** Counts fields of one physical line, carrying the open-quote state across lines (quoted newlines). */
function countFields(line: string, delimiter: string, state: { inQuotes: boolean; fields: number }): void {
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (state.inQuotes && line[i + 1] === '"') i++;
      else state.inQuotes = !state.inQuotes;
    } else if (ch === delimiter && !state.inQuotes) {
      state.fields++;
    }
  }
}

/** The delimiter that occurs most often (outside quotes) in the first line; ',' when none occurs. */
export async function detectDelimiter(file: string): Promise<string> {
  for await (const line of lines(file)) {
    let best: string = ',';
    let bestCount = 0;
    for (const delimiter of candidates) {
      const state = { inQuotes: false, fields: 1 };
      countFields(line, delimiter, state);
      if (state.fields - 1 > bestCount) {
        best = delimiter;
        bestCount = state.fields - 1;
      }
    }
    return best;
  }
  return ',';
}

/** True when the file has no header line (empty, or blank before any text). */
export async function isEmptyCsv(file: string): Promise<boolean> {
  for await (const line of lines(file)) return line.trim() === '';
  return true;
}

export interface RaggedRow {
  readonly line: number;
  readonly expected: number;
  readonly found: number;
}

/** The first record whose field count differs from the header's, or undefined when every record matches. */
export async function findRaggedRow(file: string, delimiter: string): Promise<RaggedRow | undefined> {
  let expected: number | undefined;
  let lineNo = 0;
  let recordStart = 0;
  const state = { inQuotes: false, fields: 1 };
  for await (const line of lines(file)) {
    lineNo++;
    if (!state.inQuotes) {
      recordStart = lineNo;
      state.fields = 1;
      // A blank line is not a record.
      if (line === '') continue;
    }
    countFields(line, delimiter, state);
    if (state.inQuotes) continue;
    if (expected === undefined) expected = state.fields;
    else if (state.fields !== expected) return { line: recordStart, expected, found: state.fields };
  }
  return undefined;
}
