/**
 * Reads the evidence the rules need from disk: the run store (every record parsed through the one run schema),
 * the reviews, and the lines of the latest shadow run's pipeline logs that match a `shadowLogs` rule's pattern.
 */
import { createReadStream } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CutoverConfig } from '../config/schema';
import { isNotFound } from '../errors';
import type { ShadowSide } from '../pipeline/shadow';
import { ReviewStore } from '../reviews/store';
import type { RunRecord } from '../runs/record';
import { RunStore } from '../runs/store';
import { latestRun, type Evidence, type LogScan } from './rules';

/** The pipelines whose logs a shadow run keeps (the noise run of V1 included). */
const PIPELINE_COMMANDS: ReadonlySet<string> = new Set(['v1', 'v2', 'v1-noise'] satisfies ShadowSide[]);

async function matchingLines(file: string, pattern: RegExp): Promise<{ line: number; text: string }[] | null> {
  const matches: { line: number; text: string }[] = [];
  try {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let n = 0;
    for await (const text of lines) {
      n++;
      if (pattern.test(text)) matches.push({ line: n, text: text.slice(0, 300) });
    }
    return matches;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export async function scanLogs(store: RunStore, run: RunRecord, pattern: string): Promise<LogScan> {
  const regex = new RegExp(pattern);
  const files = [];
  for (const command of run.commands) {
    if (!PIPELINE_COMMANDS.has(command.name) || command.log === undefined) continue;
    const path = isAbsolute(command.log) ? command.log : join(store.runDir(run.id), command.log);
    files.push({ name: command.name, path, matches: await matchingLines(path, regex) });
  }
  return { runId: run.id, files };
}

export async function gatherEvidence(workspaceRoot: string, config: CutoverConfig | undefined): Promise<Evidence> {
  const store = new RunStore(workspaceRoot);
  const [{ runs, problems }, reviews] = await Promise.all([store.scan(), new ReviewStore(workspaceRoot).list()]);
  const logScans: Record<string, LogScan> = {};
  const shadow = latestRun(runs, 'shadow');
  for (const mapping of config?.criteria.rules ?? []) {
    const rule = mapping.rule;
    if (rule?.kind === 'shadowLogs' && shadow && !(rule.pattern in logScans)) logScans[rule.pattern] = await scanLogs(store, shadow, rule.pattern);
  }
  return { runs, corrupted: problems, reviews, logScans, gate: config?.gate, performance: config?.performance };
}
