/**
 * Reads the evidence the rules need from disk: the runs of the store they look at (found through its index, or every
 * record when a rule asks about them all), parsed through the one run schema, the reviews, and the lines of the latest
 * shadow run's pipeline logs that match a `shadowLogs` rule's pattern.
 */
import { createReadStream } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CutoverConfig } from '../config/schema';
import { CutoverError, isNotFound } from '../errors';
import type { EvidenceRule } from '../config/schema';
import type { ShadowSide } from '../pipeline/shadow';
import { ReviewStore } from '../reviews/store';
import type { RunRecord } from '../runs/record';
import type { IndexEntry } from '../runs/indexEntry';
import { RunStore } from '../runs/store';
import { latestRun, valueAt, type Evidence, type LogScan } from './rules';

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

/**
 * Reads the evidence. A `runStore` rule asks whether EVERY run record is valid, so it parses every run.json; without
 * one, the runs the rules and the report can look at are found through the run store's index (one run.json each).
 */
export async function gatherEvidence(workspaceRoot: string, config: CutoverConfig | undefined): Promise<Evidence> {
  const store = new RunStore(workspaceRoot);
  const rules = (config?.criteria.rules ?? []).flatMap((m) => (m.rule ? [m.rule] : []));
  const [{ runs, problems }, reviews] = await Promise.all([
    rules.some((r) => r.kind === 'runStore') ? store.scan() : runsThroughIndex(store, rules),
    new ReviewStore(workspaceRoot).list(),
  ]);
  const logScans: Record<string, LogScan> = {};
  const shadow = latestRun(runs, 'shadow');
  for (const rule of rules) {
    if (rule.kind === 'shadowLogs' && shadow && !(rule.pattern in logScans)) logScans[rule.pattern] = await scanLogs(store, shadow, rule.pattern);
  }
  return { runs, corrupted: problems, reviews, logScans, gate: config?.gate, performance: config?.performance };
}

type Scan = Awaited<ReturnType<RunStore['scan']>>;

/**
 * The runs every rule but `runStore` and the report decide on, newest first, each read once: the latest run of every
 * kind, the latest of a `runs` rule's kind on each of its inputs, a `field` rule's latest completed run that has its
 * field, and the passing roll-forwards after the latest rollback. A selected run.json that cannot be read is named
 * and the next older run stands in, as in a full scan.
 */
async function runsThroughIndex(store: RunStore, rules: readonly EvidenceRule[]): Promise<Scan> {
  const index = store.index();
  const entries = await index.entries();
  const problems: Scan['problems'] = [...index.problems].map(([id, message]) => ({ id, message }));
  const read = new Map<string, RunRecord | undefined>();
  const readOnce = async (id: string): Promise<RunRecord | undefined> => {
    if (!read.has(id)) {
      try {
        read.set(id, await store.read(id));
      } catch (error) {
        if (!(error instanceof CutoverError)) throw error;
        problems.push({ id, message: error.message });
        read.set(id, undefined);
      }
    }
    return read.get(id);
  };
  /** The newest readable run among the entries that pass `entry`, whose record passes `record`. */
  const first = async (entry: (e: IndexEntry) => boolean, record: (r: RunRecord) => boolean = () => true): Promise<RunRecord | undefined> => {
    for (const e of entries) {
      if (!entry(e)) continue;
      const run = await readOnce(e.id);
      if (run && record(run)) return run;
    }
    return undefined;
  };

  for (const kind of new Set(entries.map((e) => e.kind))) await first((e) => e.kind === kind);
  for (const rule of rules) {
    if (rule.kind === 'runs') {
      for (const input of rule.inputs ?? []) await first((e) => e.kind === rule.run && e.input === input, (r) => r.results.input?.name === input);
    } else if (rule.kind === 'field') {
      await first((e) => e.kind === rule.run && e.status === 'complete', (r) => valueAt(r, rule.path) !== undefined);
    } else if (rule.kind === 'rollback' && rule.requireForward) {
      const rollback = await first((e) => e.kind === 'rollback');
      const after = rollback ? rollback.endedAt ?? rollback.startedAt : undefined;
      if (after !== undefined) {
        for (const e of entries) if (e.kind === 'forward' && e.status === 'complete' && e.startedAt > after) await readOnce(e.id);
      }
    }
  }
  const runs = [...read.values()].filter((r): r is RunRecord => r !== undefined).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return { runs, problems };
}
