/**
 * The channel results a run's KPI Diff shows. A channels run shows its own; a shadow run shows every channels run
 * that validated its deliveries (newest first), and a channels part of its own record if it has one. Pure: the
 * caller lists the run store.
 */
import { isAbsolute, relative } from 'node:path';
import type { RunRecord } from '../runs/record';
import type { ChannelResult, Verdict } from '../runs/results';

export interface ChannelsView {
  /** The run the results are recorded in (a channels run, or the shown run itself). */
  readonly runId: string;
  /** When those results were recorded (ISO 8601), null while running. */
  readonly endedAt: string | null;
  /** The shadow run whose deliveries were checked. */
  readonly validated: string;
  readonly verdict: Verdict;
  readonly channels: readonly ChannelResult[];
}

/** A channel's location as people read it: a path under `root` relative to it; anything else as it is. */
export function shownLocation(location: string, root: string): string {
  const rel = relative(root, location);
  return isAbsolute(location) && !rel.startsWith('..') && !isAbsolute(rel) ? rel : location;
}

function viewOf(record: RunRecord, root: string): ChannelsView | undefined {
  const part = record.results.channels;
  if (part === undefined) return undefined;
  const channels = part.channels.map((c) => ({ ...c, location: shownLocation(c.location, root) }));
  return { runId: record.id, endedAt: record.endedAt ?? null, validated: part.run, verdict: part.verdict, channels };
}

/**
 * `runs`: the store's runs (any order); only channels runs about `record` are taken. Locations under `root` (the
 * workspace) are shown relative to it.
 */
export function channelsViews(record: RunRecord, runs: readonly RunRecord[], root: string): ChannelsView[] {
  const own = viewOf(record, root);
  if (record.kind === 'channels') return own ? [own] : [];
  const validations = runs
    .filter((r) => r.kind === 'channels' && r.id !== record.id && r.results.channels?.run === record.id)
    .sort((a, b) => (b.endedAt ?? b.startedAt).localeCompare(a.endedAt ?? a.startedAt))
    .map((r) => viewOf(r, root))
    .filter((v): v is ChannelsView => v !== undefined);
  return own ? [own, ...validations] : validations;
}
