/**
 * The metrics of one workspace's run store, and the export after a run: what `cutover metrics`, the CLI after each
 * recorded run and `cutover watch` call. Thresholds and reviews are the go/no-go's own (`workspaceGoNoGo`).
 */
import { basename, resolve } from 'node:path';
import type { CutoverConfig } from '../config/schema';
import { workspaceGoNoGo } from '../gate/goNoGo';
import type { RunRecord } from '../runs/record';
import { RunStore } from '../runs/store';
import { collectMetrics, type Collected } from './collect';
import { pushMetrics, writeTextfile } from './deliver';
import { writeExposition } from './exposition';
import { DEFAULT_MAX_SEGMENTS } from './settings';

export interface WorkspaceMetrics extends Collected {
  readonly workspace: string;
  readonly text: string;
  /** Indexed runs whose run.json could not be read: passed over, as the store's listing does, and named here. */
  readonly problems: readonly { readonly id: string; readonly message: string }[];
}

/** The workspace label: cutover.json monitoring.workspace, else the folder's name made label- and URL-safe. */
export function workspaceLabel(root: string, config: CutoverConfig | undefined): string {
  return config?.monitoring.workspace ?? (basename(resolve(root)).replace(/[^A-Za-z0-9_.-]/g, '_') || 'workspace');
}

/**
 * The runs the metrics speak of, newest first, found through the store's index: per kind its latest run and its
 * newest passing one (what collectMetrics reads), so only those run.json are parsed. A run.json that cannot be read
 * is passed over for the next run of its kind, as a listing of every run would.
 */
async function metricRuns(store: RunStore): Promise<{ runs: RunRecord[]; problems: { id: string; message: string }[] }> {
  const latest = new Set<string>();
  const passed = new Set<string>();
  const runs: RunRecord[] = [];
  const problems: { id: string; message: string }[] = [];
  for (const entry of await store.index().entries()) {
    const wantLatest = !latest.has(entry.kind);
    const wantPass = !passed.has(entry.kind) && entry.status === 'complete' && entry.outcome === 'pass';
    if (!wantLatest && !wantPass) continue;
    let record: RunRecord;
    try {
      record = await store.read(entry.id);
    } catch (error) {
      problems.push({ id: entry.id, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    latest.add(entry.kind);
    if (wantPass) passed.add(entry.kind);
    runs.push(record);
  }
  return { runs, problems };
}

export async function workspaceMetrics(root: string, config: CutoverConfig | undefined): Promise<WorkspaceMetrics> {
  const { runs, problems } = await metricRuns(new RunStore(root));
  const gate = await workspaceGoNoGo(root, config?.gate);
  const workspace = workspaceLabel(root, config);
  const collected = collectMetrics(runs, { workspace, maxSegments: config?.monitoring.maxSegments ?? DEFAULT_MAX_SEGMENTS, gate });
  return { ...collected, workspace, text: writeExposition(collected.families), problems };
}

/** What an export after a run did, for the caller to report. */
export interface ExportReport {
  readonly textfile?: string;
  readonly pushed?: readonly string[];
}

/**
 * After a run: rewrites monitoring.textfile and pushes to monitoring.pushgateway, each only when cutover.json asks
 * for it. `root` is the folder of cutover.json. Errors reach the caller (a failed push is reported, never hidden).
 */
export async function exportAfterRun(root: string, config: CutoverConfig): Promise<ExportReport> {
  const { textfile, pushgateway } = config.monitoring;
  if (textfile === undefined && pushgateway === undefined) return {};
  const metrics = await workspaceMetrics(root, config);
  const file = textfile === undefined ? undefined : resolve(root, textfile);
  if (file !== undefined) await writeTextfile(file, metrics.text);
  const pushed = pushgateway === undefined ? undefined : await pushMetrics(pushgateway, metrics.workspace, metrics);
  return { ...(file !== undefined ? { textfile: file } : {}), ...(pushed !== undefined ? { pushed } : {}) };
}
