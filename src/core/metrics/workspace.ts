/**
 * The metrics of one workspace's run store, and the export after a run: what `cutover metrics`, the CLI after each
 * recorded run and `cutover watch` call. Thresholds and reviews are the go/no-go's own (`workspaceGoNoGo`).
 */
import { basename, resolve } from 'node:path';
import type { CutoverConfig } from '../config/schema';
import { workspaceGoNoGo } from '../gate/goNoGo';
import { RunStore } from '../runs/store';
import { collectMetrics, type Collected } from './collect';
import { pushMetrics, writeTextfile } from './deliver';
import { writeExposition } from './exposition';
import { DEFAULT_MAX_SEGMENTS } from './settings';

export interface WorkspaceMetrics extends Collected {
  readonly workspace: string;
  readonly text: string;
}

/** The workspace label: cutover.json monitoring.workspace, else the folder's name made label- and URL-safe. */
export function workspaceLabel(root: string, config: CutoverConfig | undefined): string {
  return config?.monitoring.workspace ?? (basename(resolve(root)).replace(/[^A-Za-z0-9_.-]/g, '_') || 'workspace');
}

export async function workspaceMetrics(root: string, config: CutoverConfig | undefined): Promise<WorkspaceMetrics> {
  const runs = await new RunStore(root).list();
  const gate = await workspaceGoNoGo(root, config?.gate);
  const workspace = workspaceLabel(root, config);
  const collected = collectMetrics(runs, { workspace, maxSegments: config?.monitoring.maxSegments ?? DEFAULT_MAX_SEGMENTS, gate });
  return { ...collected, workspace, text: writeExposition(collected.families) };
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
