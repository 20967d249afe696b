/**
 * The error and warning lines of recent pipeline logs, with their line numbers, for the Dashboard's links to "the
 * log at that line". Logs are read as streams, line by line, so a large log costs time but never its size in memory.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isNotFound } from '../../core/errors';
import type { IndexEntry } from '../../core/runs/indexEntry';
import type { LogLine } from './protocol';

const ERROR = /\b(error|errors|fatal|exception|traceback|panic)\b/i;
const WARNING = /\b(warn|warning|warnings|deprecated)\b/i;
/** Lines kept per log (its last ones) and in all. */
const PER_LOG = 20;
const TOTAL = 60;
const MAX_CHARS = 300;

export function levelOf(text: string): LogLine['level'] | undefined {
  return ERROR.test(text) ? 'error' : WARNING.test(text) ? 'warning' : undefined;
}

/** The error and warning lines of the logs of `runs` (newest first), each log's last PER_LOG. */
export async function logLines(runs: readonly { store: number; root: string; entry: IndexEntry }[]): Promise<LogLine[]> {
  const found: LogLine[] = [];
  for (const { store, root, entry } of runs) {
    for (const log of entry.logs ?? []) {
      if (found.length >= TOTAL) return found;
      // A log removed by hand since the run is no line to show.
      const lines = await matchingLines(join(root, entry.id, log.path)).catch((error: unknown) => {
        if (isNotFound(error)) return [];
        throw error;
      });
      found.push(...lines.slice(-PER_LOG).map((l) => ({ store, runId: entry.id, kind: entry.kind, log: log.path, ...l })).slice(0, TOTAL - found.length));
    }
  }
  return found;
}

async function matchingLines(file: string): Promise<{ line: number; level: LogLine['level']; text: string }[]> {
  const out: { line: number; level: LogLine['level']; text: string }[] = [];
  const stream = createReadStream(file, { encoding: 'utf8' });
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of reader) {
      n += 1;
      const level = levelOf(text);
      if (!level) continue;
      out.push({ line: n, level, text: text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text });
      if (out.length > PER_LOG) out.shift();
    }
  } finally {
    reader.close();
    stream.destroy();
  }
  return out;
}
