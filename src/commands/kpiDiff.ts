/**
 * KPI Diff commands: open the panel for a run, accept a discrepancy with a reason (`.cutover/reviews.json`),
 * reveal a KPI in the pipelines' configuration files, diff V1 and V2 configuration. Modules with zod schemas load
 * when a command runs, not at activation.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { reviewerName } from '../core/reviews/reviewer';
import type { Review } from '../core/reviews/store';
import type { CommandTable } from '../shared/contributions';
import { loggedAs, reportError } from '../shared/log';
import type { RunRef } from '../shared/runStores';
import type { RunsTreeProvider } from '../views/runsTree';
import type { KpiKey } from '../core/runs/viewModel';

/** Where Reveal KPI found a KPI: in each pipeline's configuration, and its definition in cutover.json. */
export interface KpiPlaces {
  readonly v1: vscode.Location | undefined;
  readonly v2: vscode.Location | undefined;
  readonly definition: vscode.Location | undefined;
}

/** What the commands need of the KPI Diff panel (the panel itself is wired in by extension.ts). */
export interface KpiDiffSurface {
  readonly current: RunRef | undefined;
  readonly viewColumn: vscode.ViewColumn | undefined;
  show(ref: RunRef, focus?: KpiKey, cause?: string): Promise<void>;
  reveal(column: vscode.ViewColumn): void;
  postAccepted(): Promise<void>;
}

/** What the KPI Diff commands work with. */
export interface KpiDiffCommandContext {
  readonly runs: RunsTreeProvider;
  readonly panel: KpiDiffSurface;
}

/** What the commands take: a Runs view node, a run reference (with a KPI), or a run id. */
type RunArg = string | (RunRef & { readonly key?: KpiKey; readonly kpi?: KpiKey; readonly reason?: string }) | undefined;

async function resolveRun(runs: RunsTreeProvider, arg: RunArg): Promise<RunRef | undefined> {
  if (typeof arg === 'object' && arg !== null && 'record' in arg) return { store: arg.store, record: arg.record };
  for (const store of runs.stores()) {
    if (typeof arg === 'string') {
      const record = await store.read(arg).catch(loggedAs(`reading run ${arg} in ${store.root}`, undefined));
      if (record) return { store, record };
    } else {
      const record = await store.latest('shadow').catch(loggedAs(`finding the latest shadow run in ${store.root}`, undefined));
      if (record) return { store, record };
    }
  }
  void vscode.window.showErrorMessage(typeof arg === 'string'
    ? `Cutover: no run ${arg} in this workspace.`
    : 'Cutover: no shadow run yet. Start one with "Cutover: Start Shadow Run…".');
  return undefined;
}

function keyOf(arg: RunArg): KpiKey | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const k = arg.key ?? arg.kpi;
  return k ? { segment: k.segment, kpi: k.kpi } : undefined;
}

/** From the palette: which of the run's not-passing KPIs to accept. */
async function pickKpi(ref: RunRef): Promise<KpiKey | undefined> {
  const { runView } = await import('../core/runs/view');
  const open = runView(ref.record).kpis.filter((k) => k.verdict !== 'pass');
  if (open.length === 0) {
    void vscode.window.showInformationMessage(`Cutover: every KPI of run ${ref.record.id} passes; there is nothing to accept.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(open.map((k) => ({ label: k.kpi, description: `${k.segment} · ${k.verdict}`, detail: k.reason, key: { segment: k.segment, kpi: k.kpi } })),
    { title: 'Accept Discrepancy', placeHolder: `Which KPI of run ${ref.record.id}?`, matchOnDescription: true });
  return picked?.key;
}

/** Open KPI Diff: the panel for a run (the latest shadow run from the palette), at a KPI when given. */
export function openKpiDiff({ runs, panel }: KpiDiffCommandContext) {
  return async (arg?: RunArg): Promise<void> => {
    const ref = await resolveRun(runs, arg);
    if (ref) await panel.show(ref, keyOf(arg));
  };
}

/** Accept Discrepancy…: records a KPI line of a run as reviewed, with a reason, in .cutover/reviews.json. */
export function acceptDiscrepancy({ runs, panel }: KpiDiffCommandContext) {
  return async (arg?: RunArg): Promise<Review | undefined> => {
    const ref = await resolveRun(runs, arg ?? (panel.current ? { ...panel.current } : undefined));
    if (!ref) return undefined;
    const key = keyOf(arg) ?? await pickKpi(ref);
    if (!key) return undefined;
    const [{ runView }, { ReviewStore }] = await Promise.all([import('../core/runs/view'), import('../core/reviews/store')]);
    const line = runView(ref.record).kpis.find((k) => k.segment === key.segment && k.kpi === key.kpi);
    if (!line) {
      void vscode.window.showErrorMessage(`Cutover: run ${ref.record.id} has no KPI ${key.kpi} [${key.segment}].`);
      return undefined;
    }
    const given = typeof arg === 'object' ? arg.reason : undefined;
    const reason = given ?? await vscode.window.showInputBox({
      title: `Accept Discrepancy: ${line.kpi} [${line.segment}]`,
      prompt: `V1 ${line.v1 ?? 'n/a'} → V2 ${line.v2 ?? 'n/a'} (${line.verdict}: ${line.reason}). Why is this difference acceptable? Recorded in .cutover/reviews.json with your name and shown by cutover gate.`,
      placeHolder: 'e.g. V2 counts dpd = 30 as past due, as the credit policy requires',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? 'A reason is required.' : undefined),
    });
    if (reason === undefined) return undefined;
    try {
      const review = await new ReviewStore(ref.store.workspaceRoot)
        .accept(ref.record.id, line, reason, await reviewerName(ref.store.workspaceRoot));
      await panel.postAccepted();
      runs.refresh();
      return review;
    } catch (error) {
      reportError(`accepting ${line.kpi} [${line.segment}] of run ${ref.record.id}`, error);
      return undefined;
    }
  };
}

/**
 * Reveal KPI: V1's configuration in column One and V2's in column Two, each at the KPI, the panel beside them in
 * Three; when cutover.json defines the KPI itself (compare.kpis), that definition opens as a peek in V2's editor.
 * Returns the places found (for tests).
 */
export function revealKpi({ runs, panel }: KpiDiffCommandContext) {
  return async (arg?: RunArg): Promise<KpiPlaces | undefined> => {
    const ref = await resolveRun(runs, arg);
    const key = keyOf(arg);
    if (!ref || !key) return undefined;
    const { configFilesOf, findKpiDefinition, findKpiName } = await import('../core/config/pipelineConfigFiles');
    const files = configFilesOf(ref.record, ref.store.workspaceRoot);
    const locate = async (list: readonly string[]): Promise<vscode.Location | undefined> => {
      for (const file of list) {
        const doc = await vscode.workspace.openTextDocument(file).then((d) => d, () => undefined);
        const at = doc ? findKpiName(doc.getText(), key.kpi) : undefined;
        if (doc && at) return new vscode.Location(doc.uri, new vscode.Range(at.line, at.column, at.line, at.column + key.kpi.length));
      }
      return undefined;
    };
    const v1 = await locate(files.v1);
    const v2 = await locate(files.v2);
    const definition = findKpiDefinition(ref.store.workspaceRoot, key.kpi);
    const defined = definition
      ? new vscode.Location(vscode.Uri.file(definition.file), new vscode.Range(definition.line, definition.column, definition.line, definition.column + key.kpi.length))
      : undefined;
    if (!v1 && !v2 && !defined) {
      void vscode.window.showInformationMessage(`Cutover: ${key.kpi} is not named in the pipelines' configuration files nor in cutover.json.`);
      return { v1, v2, definition: defined };
    }
    // Left to right as the panel reads: V1, V2, then the numbers.
    if (v1) await vscode.window.showTextDocument(v1.uri, { viewColumn: vscode.ViewColumn.One, selection: v1.range, preserveFocus: true, preview: false });
    if (v2) await vscode.window.showTextDocument(v2.uri, { viewColumn: vscode.ViewColumn.Two, selection: v2.range, preserveFocus: false, preview: false });
    const column = panel.viewColumn;
    if (column !== undefined && column <= vscode.ViewColumn.Two) panel.reveal(vscode.ViewColumn.Three);
    const at = v2 ?? v1;
    if (defined && at) {
      await vscode.commands.executeCommand('editor.action.peekLocations', at.uri, at.range.start, [defined], 'peek');
    } else if (defined) {
      await vscode.window.showTextDocument(defined.uri, { viewColumn: vscode.ViewColumn.One, selection: defined.range });
    }
    const missing = [v1 ? undefined : 'V1', v2 ? undefined : 'V2'].filter((s) => s !== undefined);
    if (missing.length > 0) void vscode.window.showInformationMessage(`Cutover: ${key.kpi} is not named in the ${missing.join(' or ')} configuration files.`);
    return { v1, v2, definition: defined };
  };
}

/** Diff Configuration: V1's and V2's configuration files side by side (a pick when cutover.json names several). */
export function diffConfigs({ runs }: KpiDiffCommandContext) {
  return async (arg?: RunArg): Promise<void> => {
    const ref = typeof arg === 'object' ? { store: arg.store, record: arg.record } : undefined;
    const root = ref?.store.workspaceRoot ?? runs.stores()[0]?.workspaceRoot;
    if (!root) return;
    const { configFilesOf } = await import('../core/config/pipelineConfigFiles');
    const files = configFilesOf(ref?.record, root);
    const pairs = files.v1.flatMap((v1, i) => {
      const v2 = files.v2[i];
      return v2 ? [{ v1, v2, label: `${path.relative(root, v1)} ↔ ${path.relative(root, v2)}` }] : [];
    });
    const pair = pairs.length <= 1 ? pairs[0] : await vscode.window.showQuickPick(pairs, { placeHolder: 'Which pair of configuration files?' });
    if (!pair) {
      if (pairs.length === 0) void vscode.window.showInformationMessage('Cutover: cutover.json names no configuration files for the V1 and V2 pipelines (pipelines.v1.configFiles).');
      return;
    }
    await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(pair.v1), vscode.Uri.file(pair.v2), `V1 ↔ V2: ${path.basename(pair.v2)}`);
  };
}

export function kpiDiffCommands(ctx: KpiDiffCommandContext) {
  return {
    'cutover.openKpiDiff': openKpiDiff(ctx),
    'cutover.acceptDiscrepancy': acceptDiscrepancy(ctx),
    'cutover.revealKpi': revealKpi(ctx),
    'cutover.diffConfigs': diffConfigs(ctx),
  } satisfies Partial<CommandTable>;
}
