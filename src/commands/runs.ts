/**
 * Commands that start work (shadow runs, comparisons) in the integrated terminal, evaluate go/no-go, and act on
 * recorded runs. Everything that executes is refused in an untrusted workspace. The outcome of a run is read from
 * the run record the CLI wrote, never from the terminal's text.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoadedConfig } from '../core/config/load';
import { loadWorkspaceConfig } from './workspaceConfig';
import { formatAccepted, formatCriterion } from '../core/gate/format';
import { formatPercent } from '../core/percent';
import type { RunRecord } from '../core/runs/record';
import { RunStore } from '../core/runs/store';
import { summarizeRun } from '../core/runs/summary';
import { logWarning, showErrorWithLog } from '../shared/log';
import type { Launcher } from './launcher';
import type { CutoverStatus, TimerHandle } from '../views/statusBar';
import { confirm } from '../shared/confirm';
import { notify } from '../shared/notify';
import type { CommandTable } from '../shared/contributions';
import { goNoGoOf } from '../shared/goNoGo';
import type { RunRef } from '../shared/runStores';
import { requireTrust } from '../shared/trust';
import type { RunNode, RunsTreeProvider } from '../views/runsTree';

/** What a finished launch reports back (tests await it through the command's return value). */
export interface LaunchOutcome {
  readonly exitCode: number | undefined;
  readonly run?: RunRef;
}

/**
 * The run a launch recorded: the CLI was given its id (`--run-id`), so a run another terminal made at the same time
 * is never taken for it. A CLI that was cancelled or killed left its run unfinished: it is marked interrupted first.
 * Undefined when the CLI recorded no run (it stopped before, e.g. on an invalid cutover.json).
 */
async function launchedRun(store: RunStore, runId: string, kind: string): Promise<RunRef | undefined> {
  try {
    await store.recoverInterrupted();
    const record = await store.read(runId);
    return record.kind === kind ? { store, record } : undefined;
  } catch (error) {
    logWarning(`reading run ${runId} that cutover ${kind} was to record in ${store.root}`, error);
    return undefined;
  }
}

function logOf(record: RunRecord): string | undefined {
  return record.commands.find((c) => c.exitCode !== 0 && c.log)?.log ?? record.commands.find((c) => c.log)?.log;
}

/** What the Runs commands work with. */
export interface RunCommandContext {
  readonly context: vscode.ExtensionContext;
  readonly runs: RunsTreeProvider;
  readonly launcher: Launcher;
  readonly status: CutoverStatus;
}

/** What every Runs command shares: the workspace's cutover.json, launching the CLI and announcing the run it recorded. */
export function runHelpers({ context, runs, launcher }: RunCommandContext) {
  const starter = context.asAbsolutePath(path.join('media', 'cutover.starter.jsonc'));
  const workspaceConfig = (): Promise<LoadedConfig | undefined> => loadWorkspaceConfig(starter);
  /** Runs the CLI in a terminal and finds the run record it wrote. */
  const launch = async (label: string, args: string[], cwd: string, kind: string): Promise<LaunchOutcome | undefined> => {
    const result = launcher.launch(label, args, cwd);
    runs.follow(result);
    const ended = await result;
    runs.refresh();
    if (!ended.started) return undefined;
    const found = await launchedRun(new RunStore(cwd), ended.runId, kind);
    return { exitCode: ended.exitCode, ...(found ? { run: found } : {}) };
  };

  const announce = async (outcome: LaunchOutcome): Promise<void> => {
    const { run, exitCode } = outcome;
    if (!run) {
      void showErrorWithLog(`Cutover: the run ended (exit ${exitCode ?? 'unknown'}) without a run record; see its terminal.`);
      return;
    }
    const { record, store } = run;
    const s = summarizeRun(record);
    // A stopped run has no verdict: no KPI Diff or go/no-go as if it completed. A stopped load or soak still shows
    // the figures it kept (its results view says it was stopped).
    const stopped = s.outcome === 'stopped';
    const shadow = record.kind === 'shadow' && !stopped;
    const diff = !stopped && (record.kind === 'shadow' || record.kind === 'reconcile');
    const figures = record.kind === 'load' || record.kind === 'soak';
    const detail = [
      stopped ? record.error?.message : s.worstVariance !== undefined ? `worst variance ${formatPercent(s.worstVariance)} (${s.worstKpi})` : record.verdict?.reasons[0],
      shadow ? await goNoGoOf(run).then((g) => `go/no-go: ${g.verdict}`, (error: unknown) => {
        logWarning(`deciding go/no-go for shadow run ${record.id}`, error);
        return 'go/no-go not decided (see the Cutover log)';
      }) : undefined,
    ].filter(Boolean).map((part) => ` · ${part}`).join('');
    const text = `Cutover: ${record.kind} run ${s.outcome.toUpperCase()}${detail}`;
    const severity = s.outcome === 'pass' ? 'info' : s.outcome === 'inconclusive' || stopped ? 'warning' : 'error';
    const choice = await notify(severity, text, ...(diff ? ['Open KPI Diff'] : []), ...(figures ? ['Open Results'] : []), 'Open Run', 'Show Log', ...(shadow ? ['Evaluate Go/No-Go'] : []));
    const dir = store.runDir(record.id);
    const log = logOf(record);
    if (choice === 'Open KPI Diff' || choice === 'Open Results') await vscode.commands.executeCommand('cutover.openKpiDiff', run);
    if (choice === 'Open Run') await vscode.window.showTextDocument(vscode.Uri.file(path.join(dir, 'run.json')));
    if (choice === 'Show Log' && log) await vscode.window.showTextDocument(vscode.Uri.file(path.join(dir, log)));
    if (choice === 'Evaluate Go/No-Go') await vscode.commands.executeCommand('cutover.evaluateGate', run);
  };
  return { workspaceConfig, launch, announce };
}

/** Start Shadow Run…: V1 and V2 on one input (asked for when not given), then the verdict. */
export function startShadowRun(ctx: RunCommandContext) {
  const { workspaceConfig, launch, announce } = runHelpers(ctx);
  return async (options?: { input?: string; noise?: boolean }) => {
    if (!requireTrust('Start Shadow Run')) return undefined;
    const loaded = await workspaceConfig();
    if (!loaded) return undefined;
    let input = options?.input;
    let noise = options?.noise;
    if (input === undefined) {
      const inputs = Object.entries(loaded.config.inputs ?? {});
      const picked = await vscode.window.showQuickPick([
        ...inputs.map(([name, spec]) => ({ label: name, description: spec.path, detail: spec.description, input: name })),
        { label: '$(folder-opened) Browse…', description: 'a Parquet or CSV file or folder', input: '' },
      ], { placeHolder: 'Shadow run: which input should V1 and V2 both process?', title: 'Start Shadow Run' });
      if (!picked) return undefined;
      input = picked.input;
      if (input === '') {
        const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: true, filters: { Data: ['parquet', 'csv'] } });
        if (!chosen?.[0]) return undefined;
        input = chosen[0].fsPath;
      }
    }
    if (noise === undefined) {
      const choice = await vscode.window.showQuickPick([
        { label: 'Compare V1 and V2', noise: false },
        { label: 'Also run V1 twice', description: 'measure the noise floor (V1 against V1)', noise: true },
      ], { placeHolder: 'Measure the noise floor as well?', title: 'Start Shadow Run' });
      if (!choice) return undefined;
      noise = choice.noise;
    }
    const args = ['shadow', '--config', loaded.file, '--input', input, ...(noise ? ['--noise'] : [])];
    const outcome = await launch('shadow', args, loaded.dir, 'shadow');
    if (outcome) void announce(outcome);
    return outcome;
  };
}

/** Start Day-by-Day Reconciliation…: V1 and V2 on each of the last N days of a dated input. */
export function startReconcile(ctx: RunCommandContext) {
  const { workspaceConfig, launch, announce } = runHelpers(ctx);
  return async (options?: { input?: string; days?: number }) => {
    if (!requireTrust('Start Day-by-Day Reconciliation')) return undefined;
    const loaded = await workspaceConfig();
    if (!loaded) return undefined;
    let input = options?.input;
    if (input === undefined) {
      const dated = Object.entries(loaded.config.inputs ?? {}).filter(([, spec]) => spec.dateColumn !== undefined);
      if (dated.length === 0) {
        const open = await vscode.window.showWarningMessage(
          'Cutover: no input in cutover.json has a dateColumn. Reconciliation runs V1 and V2 on each day of a dated input (a folder of <dateColumn>=<day> partitions).',
          'Open cutover.json');
        if (open) await vscode.window.showTextDocument(vscode.Uri.file(loaded.file));
        return undefined;
      }
      const picked = dated.length === 1 ? { input: dated[0]![0] } : await vscode.window.showQuickPick(
        dated.map(([name, spec]) => ({ label: name, description: `${spec.path} · by ${spec.dateColumn}`, detail: spec.description, input: name })),
        { placeHolder: 'Which dated input should V1 and V2 run on, day by day?', title: 'Start Day-by-Day Reconciliation' });
      if (!picked) return undefined;
      input = picked.input;
    }
    let days = options?.days;
    if (days === undefined) {
      const typed = await vscode.window.showInputBox({
        title: 'Start Day-by-Day Reconciliation', prompt: 'How many of the latest days?', value: '30',
        validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'A whole number of days, 1 or more'),
      });
      if (!typed) return undefined;
      days = Number(typed.trim());
    }
    const outcome = await launch('reconcile', ['reconcile', '--config', loaded.file, '--input', input, '--days', String(days)], loaded.dir, 'reconcile');
    if (outcome) void announce(outcome);
    return outcome;
  };
}

/** Compare Two Outputs…: `cutover compare` on two files, keyed by the columns named. */
export function compareOutputs(ctx: RunCommandContext) {
  const { launch, announce } = runHelpers(ctx);
  return async (files?: { v1: string; v2: string; keys: string }) => {
    if (!requireTrust('Compare Two Outputs')) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    let v1 = files?.v1;
    let v2 = files?.v2;
    let keys = files?.keys;
    const pick = async (title: string): Promise<string | undefined> =>
      (await vscode.window.showOpenDialog({ title, canSelectFolders: true, filters: { Data: ['parquet', 'csv'] }, defaultUri: folder.uri }))?.[0]?.fsPath;
    v1 ??= await pick('V1 output (Parquet or CSV)');
    if (!v1) return undefined;
    v2 ??= await pick('V2 output (Parquet or CSV)');
    if (!v2) return undefined;
    keys ??= await vscode.window.showInputBox({ title: 'Key columns', prompt: 'Comma-separated columns that identify a row, e.g. loan_id', value: 'loan_id' });
    if (!keys) return undefined;
    const outcome = await launch('compare', ['compare', v1, v2, '--key', keys], folder.uri.fsPath, 'compare');
    if (outcome) void announce(outcome);
    return outcome;
  };
}

/** Validate Output Channels: `cutover channels validate` on the given (else the latest) shadow run's deliveries. */
export function validateChannels(ctx: RunCommandContext) {
  const { workspaceConfig, launch, announce } = runHelpers(ctx);
  return async (target?: RunRef) => {
    if (!requireTrust('Validate Output Channels')) return undefined;
    if (target && target.record.kind !== 'shadow') {
      void vscode.window.showWarningMessage(`Cutover: Validate Output Channels checks what a shadow run's pipelines delivered; run ${target.record.id} is a ${target.record.kind} run.`);
      return undefined;
    }
    const loaded = await workspaceConfig();
    if (!loaded) return undefined;
    const run = target ? ['--run', target.record.id] : [];
    const outcome = await launch('channels', ['channels', 'validate', '--config', loaded.file, ...run], loaded.dir, 'channels');
    if (outcome) void announce(outcome);
    return outcome;
  };
}

/** Publish Run…: `cutover publish` of the given (else the latest shadow) run to the targets picked from cutover.json. */
export function publishRun(ctx: RunCommandContext) {
  const { workspaceConfig, launch, announce } = runHelpers(ctx);
  return async (target?: RunRef, names?: readonly string[]) => {
    if (!requireTrust('Publish Run')) return undefined;
    const loaded = await workspaceConfig();
    if (!loaded) return undefined;
    const targets = Object.entries(loaded.config.publish);
    if (targets.length === 0) {
      const open = await vscode.window.showWarningMessage('Cutover: cutover.json names no publish targets ("publish": a folder, Azure Blob or Supabase).', 'Open cutover.json');
      if (open) await vscode.window.showTextDocument(vscode.Uri.file(loaded.file));
      return undefined;
    }
    const chosen = names ?? (await vscode.window.showQuickPick(
      targets.map(([name, spec]) => ({ label: name, description: spec.type, picked: true })),
      { title: 'Publish Run', placeHolder: 'Publish the run\'s evidence to…', canPickMany: true },
    ))?.map((p) => p.label);
    if (!chosen || chosen.length === 0) return undefined;
    const run = target ? ['--run', target.record.id] : [];
    const outcome = await launch('publish', ['publish', '--config', loaded.file, ...run, '--to', ...chosen], loaded.dir, 'publish');
    if (outcome) void announce(outcome);
    return outcome;
  };
}

/** Evaluate Go/No-Go: each criterion of the given (else the latest) shadow run; returns the go/no-go. */
export function evaluateGate(ctx: RunCommandContext) {
  const { workspaceConfig } = runHelpers(ctx);
  return async (target?: RunRef) => {
    const loaded = await workspaceConfig();
    let found = target;
    if (!found && loaded) {
      const store = new RunStore(loaded.dir);
      const latest = await store.latest('shadow');
      if (latest) found = { store, record: latest };
    }
    if (!found) {
      void vscode.window.showWarningMessage('Cutover: no shadow run yet: go/no-go needs one. Start Shadow Run first.', 'Start Shadow Run')
        .then((c) => c && vscode.commands.executeCommand('cutover.startShadowRun'));
      return undefined;
    }
    const gate = await goNoGoOf(found);
    const icon = { pass: '$(pass-filled)', fail: '$(error)', inconclusive: '$(question)' } as const;
    void vscode.window.showQuickPick([
      ...gate.criteria.map((c) => ({ label: `${icon[c.verdict]} ${formatCriterion(c)}`, detail: c.reason })),
      ...gate.accepted.map((r) => ({ label: `$(pass) ${formatAccepted(r)}`, detail: 'Accepted discrepancy (.cutover/reviews.json), left out of the KPI variance' })),
    ], {
      title: `Go/No-Go: ${gate.verdict.toUpperCase()} — run ${found.record.id}`,
      placeHolder: 'Each criterion: measured value against its threshold (missing data counts as a failure)',
      canPickMany: false,
    });
    return gate;
  };
}

/**
 * Roll Back to V1… / Roll Forward to V2…: the go/no-go now and the commands that will run, in a modal confirmation,
 * then the switch and its verify, timed against the budget in the status bar.
 */
export function switchPipeline(ctx: RunCommandContext, direction: 'rollback' | 'forward') {
  const { status } = ctx;
  const { workspaceConfig, launch, announce } = runHelpers(ctx);
  return async (): Promise<(LaunchOutcome & { readonly timer: TimerHandle }) | undefined> => {
    const title = direction === 'rollback' ? 'Roll Back to V1' : 'Roll Forward to V2';
    if (!requireTrust(title)) return undefined;
    const loaded = await workspaceConfig();
    if (!loaded) return undefined;
    const spec = loaded.config[direction];
    if (!spec) {
      void vscode.window.showErrorMessage(`Cutover: ${path.basename(loaded.file)} has no "${direction}" section: add its command (and a verify command) to enable ${title}.`, 'Open cutover.json')
        .then((c) => c && vscode.window.showTextDocument(vscode.Uri.file(loaded.file)));
      return undefined;
    }
    const store = new RunStore(loaded.dir);
    const latest = await store.latest('shadow');
    const gate = latest ? await goNoGoOf({ store, record: latest }) : undefined;
    const detail = [
      ...(gate
        ? [`Go/no-go now: ${gate.verdict.toUpperCase()} (shadow run ${gate.runId})`, ...gate.criteria.map(formatCriterion), ...gate.accepted.map(formatAccepted)]
        : ['Go/no-go now: no shadow run yet, no go/no-go evidence.']),
      '',
      `Will run: ${spec.command.join(' ')}`,
      ...(spec.verify ? [`Then verify: ${spec.verify.join(' ')}`] : ['No verify command is configured.']),
      `Budget: ${spec.budgetSeconds} s`,
    ].join('\n');
    if (!await confirm(`${title}?`, title, detail)) return undefined;
    const timer = status.startTimer(direction === 'rollback' ? 'Rollback' : 'Roll forward', spec.budgetSeconds);
    let outcome: LaunchOutcome | undefined;
    try {
      outcome = await launch(direction === 'rollback' ? 'rollback to V1' : 'roll forward to V2', [direction, '--config', loaded.file], loaded.dir, direction);
    } finally {
      timer.stop();
    }
    if (outcome) void announce(outcome);
    // The stopped timer: its elapsed time and over-budget stay those of the switch.
    return outcome && { ...outcome, timer };
  };
}

/** Cancel Run: stops the CLI the extension runs, with everything it started. */
export function cancelRun({ launcher }: RunCommandContext) {
  return () => {
    if (!launcher.cancel()) void vscode.window.showInformationMessage('Cutover: nothing is running.');
  };
}

/** Reveal Run in Explorer: the run's run.json in the Explorer. */
export async function openRunFolder(node?: RunNode): Promise<void> {
  if (node) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path.join(node.store.runDir(node.record.id), 'run.json')));
}

/** Open Manifest: the run's run.json. */
export async function openRunManifest(node?: RunNode): Promise<void> {
  if (node) await vscode.window.showTextDocument(vscode.Uri.file(path.join(node.store.runDir(node.record.id), 'run.json')));
}

/** Show Run Log: the log of the run's failing command, else its first. */
export async function showRunLog(node?: RunNode): Promise<void> {
  if (!node) return;
  const log = logOf(node.record);
  if (log) await vscode.window.showTextDocument(vscode.Uri.file(path.join(node.store.runDir(node.record.id), log)));
  else void vscode.window.showInformationMessage(`Cutover: run ${node.record.id} has no log.`);
}

/** Delete Run: after a modal confirmation. */
export function deleteRun({ runs }: RunCommandContext) {
  return async (node?: RunNode) => {
    if (!node || node.kind !== 'run') return;
    if (!await confirm(`Delete run ${node.record.id} and all its files?`, 'Delete')) return;
    await node.store.delete(node.record.id);
    runs.refresh();
  };
}

export function runCommands(ctx: RunCommandContext) {
  return {
    'cutover.startShadowRun': startShadowRun(ctx),
    'cutover.startReconcile': startReconcile(ctx),
    'cutover.compareOutputs': compareOutputs(ctx),
    'cutover.validateChannels': validateChannels(ctx),
    'cutover.publishRun': publishRun(ctx),
    'cutover.evaluateGate': evaluateGate(ctx),
    'cutover.rollBack': switchPipeline(ctx, 'rollback'),
    'cutover.rollForward': switchPipeline(ctx, 'forward'),
    'cutover.cancelRun': cancelRun(ctx),
    'cutover.runs.refresh': () => ctx.runs.refresh(),
    'cutover.openRunFolder': openRunFolder,
    'cutover.openRunManifest': openRunManifest,
    'cutover.showRunLog': showRunLog,
    'cutover.deleteRun': deleteRun(ctx),
  } satisfies Partial<CommandTable>;
}
