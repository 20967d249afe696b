/**
 * The Runbooks view: the markdown runbooks of the folder cutover.json names (`runbooks`, default `runbooks/`), each
 * with its steps (headings or numbered items that own shell blocks). A step's state — passed, failed with its exit
 * code, not run, manual, running — comes from the runbook runs in the run store, so a step run from a plain terminal
 * (`cutover runbook run`) or CI shows here too.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { discoverRunbooks, readRunbookFile } from '../core/runbook/files';
import type { Runbook, RunbookStep, StepResult } from '../core/runbook/model';
import type { RunRecord } from '../core/runs/record';
import { RunStore } from '../core/runs/store';
import { CutoverError } from '../core/errors';
import { readWorkspaceKeys } from '../core/config/workspaceKeys';
import { logError, loggedAs } from '../shared/log';
import type { RunStoreEvents } from '../shared/runStoreEvents';

export interface RunbookEntry {
  readonly file: string;
  /** The workspace (folder of cutover.json) the runbook's steps run in, and whose run store holds their results. */
  readonly root: string;
  readonly runbook?: Runbook;
  readonly problem?: string;
}

export type RunbookNode =
  | { readonly kind: 'runbook'; readonly entry: RunbookEntry }
  | { readonly kind: 'step'; readonly entry: RunbookEntry; readonly step: RunbookStep };

/** What the recorded runs (newest first) say about each step of a runbook: the latest result per step id. */
export function latestStepResults(records: readonly RunRecord[], file: string): Map<string, StepResult> {
  const latest = new Map<string, StepResult>();
  for (const record of records) {
    if (record.kind !== 'runbook' || record.results['runbook'] !== file) continue;
    const steps = record.results['steps'];
    if (!Array.isArray(steps)) continue;
    for (const result of steps as StepResult[]) {
      if (typeof result?.stepId === 'string' && !latest.has(result.stepId)) latest.set(result.stepId, result);
    }
  }
  return latest;
}

/** A runbook run of `file` among the runs in progress (from any terminal): the steps it has finished and the one it is on. */
export interface LiveRunbookRun {
  readonly steps: ReadonlyMap<string, StepResult>;
  readonly current: string | null;
  /** The runnable steps the run will run. */
  readonly planned: ReadonlySet<string>;
}

export function liveRunbookRun(running: readonly RunRecord[], file: string): LiveRunbookRun | undefined {
  const record = running.find((r) => r.kind === 'runbook' && r.results['runbook'] === file);
  if (!record) return undefined;
  const steps = Array.isArray(record.results['steps']) ? (record.results['steps'] as StepResult[]) : [];
  const current = record.results['current'];
  const planned = Array.isArray(record.results['planned']) ? (record.results['planned'] as unknown[]).filter((id): id is string => typeof id === 'string') : [];
  return {
    steps: new Map(steps.filter((r) => typeof r?.stepId === 'string').map((r) => [r.stepId, r])),
    current: typeof current === 'string' ? current : null,
    planned: new Set(planned),
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export class RunbooksTreeProvider implements vscode.TreeDataProvider<RunbookNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private entries: Promise<RunbookEntry[]> | undefined;
  private results = new Map<string, Map<string, StepResult>>();
  /** Runbook runs in progress, per runbook file, as their records say. */
  private live = new Map<string, LiveRunbookRun>();
  /** Runbook files with a run in progress (their steps show a spinner until the record lands). */
  private readonly running = new Map<string, string | undefined>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly storeEvents: RunStoreEvents) {
    const markdown = vscode.workspace.createFileSystemWatcher('**/*.md');
    const config = vscode.workspace.createFileSystemWatcher('**/cutover.json');
    this.disposables.push(markdown, config, storeEvents.onDidChange(() => this.refresh()));
    for (const w of [markdown, config]) {
      for (const event of [w.onDidCreate, w.onDidChange, w.onDidDelete]) event(() => this.refreshSoon(), undefined, this.disposables);
    }
  }

  refresh(): void {
    this.entries = undefined;
    this.changed.fire();
  }

  private refreshSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 250);
  }

  /** Marks a runbook (or one step of it) as running until `done` settles. */
  markRunning(file: string, stepId: string | undefined, done: Promise<unknown>): void {
    this.running.set(file, stepId);
    this.changed.fire();
    // Its record, rewritten after every step, is followed while it runs.
    this.storeEvents.watchWhile(done);
    void done.finally(() => {
      this.running.delete(file);
      this.refresh();
    });
  }

  async runbooks(): Promise<RunbookEntry[]> {
    this.entries ??= this.load();
    return this.entries;
  }

  private async load(): Promise<RunbookEntry[]> {
    const configs = await vscode.workspace.findFiles('**/cutover.json', '**/node_modules/**', 20);
    // Loaded on first use, not at activation.
    const { parseRunbook } = await import('../core/runbook/parse');
    const entries: RunbookEntry[] = [];
    this.results = new Map();
    this.live = new Map();
    for (const config of configs) {
      const root = path.dirname(config.fsPath);
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(config));
      const folder = path.resolve(root, readWorkspaceKeys(text, config.fsPath).runbooks ?? 'runbooks');
      const files = await discoverRunbooks(folder).catch(loggedAs(`Runbooks: finding the runbooks in ${folder}`, [] as string[]));
      // The store is read once per workspace, not once per runbook.
      const store = new RunStore(root);
      const [done, running] = await Promise.all([
        store.ofKind('runbook').catch(loggedAs(`Runbooks: listing the runbook runs in ${store.root}`, [])),
        store.running().catch(loggedAs(`Runbooks: listing the running runs in ${store.root}`, [])),
      ]);
      for (const file of files) {
        try {
          entries.push({ file, root, runbook: parseRunbook(await readRunbookFile(file)) });
        } catch (error) {
          // A runbook's own problem is shown on its node; anything else is also the extension's to log.
          if (!(error instanceof CutoverError)) logError(`Runbooks: reading ${file}`, error);
          entries.push({ file, root, problem: error instanceof CutoverError ? error.message : String(error) });
        }
        this.results.set(file, latestStepResults(done, file));
        const live = liveRunbookRun(running, file);
        if (live) this.live.set(file, live);
      }
    }
    return entries;
  }

  async getChildren(node?: RunbookNode): Promise<RunbookNode[]> {
    if (!node) return (await this.runbooks()).map((entry) => ({ kind: 'runbook', entry }));
    const steps = node.entry.runbook?.steps ?? [];
    const parent = node.kind === 'step' ? node.step.id : undefined;
    return steps.filter((s) => s.parent === parent).map((step) => ({ kind: 'step', entry: node.entry, step }));
  }

  getTreeItem(node: RunbookNode): vscode.TreeItem {
    const { entry } = node;
    const uri = vscode.Uri.file(entry.file);
    if (node.kind === 'runbook') {
      const title = entry.runbook?.title || path.basename(entry.file);
      const item = new vscode.TreeItem(title, entry.runbook ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `runbook:${entry.file}`;
      item.resourceUri = uri;
      const runnable = entry.runbook?.steps.filter((s) => s.runnable).length ?? 0;
      const results = [...(this.results.get(entry.file)?.values() ?? [])];
      const failed = results.filter((r) => r.state === 'failed').length;
      const passed = results.filter((r) => r.state === 'passed').length;
      item.description = entry.problem ? 'cannot show'
        : `${runnable} runnable step${runnable === 1 ? '' : 's'}${results.length ? ` · ${passed} passed${failed ? `, ${failed} failed` : ''}` : ''}`;
      item.iconPath = this.running.has(entry.file) || this.live.has(entry.file) ? new vscode.ThemeIcon('loading~spin') : new vscode.ThemeIcon(entry.problem ? 'warning' : 'book');
      item.tooltip = entry.problem ?? `${vscode.workspace.asRelativePath(uri)} — Run All runs the steps in order and stops at the first failure`;
      item.contextValue = entry.runbook ? 'cutover.runbook' : 'cutover.runbook.invalid';
      item.command = { command: 'vscode.open', title: 'Open Runbook', arguments: [uri] };
      return item;
    }
    const { step } = node;
    const hasChildren = (entry.runbook?.steps ?? []).some((s) => s.parent === step.id);
    const item = new vscode.TreeItem(`${step.id}. ${step.title}`, hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `runbook:${entry.file}#${step.id}`;
    // A run in progress says which steps it has finished and which one it is on; until its record exists, a run
    // this window started marks its steps as running.
    const live = this.live.get(entry.file);
    const waiting = live !== undefined && live.planned.has(step.id) && !live.steps.has(step.id) && live.current !== step.id;
    const result = live?.steps.get(step.id) ?? (waiting ? undefined : this.results.get(entry.file)?.get(step.id));
    const runningStep = this.running.get(entry.file);
    const isRunning = live
      ? live.current === step.id
      : this.running.has(entry.file) && step.runnable && (runningStep === undefined || runningStep === step.id);
    if (step.group) {
      item.iconPath = new vscode.ThemeIcon('list-tree');
    } else if (isRunning) {
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      item.description = 'running';
    } else if (!step.runnable) {
      item.iconPath = new vscode.ThemeIcon('person');
      item.description = 'manual';
    } else if (result?.state === 'passed') {
      item.iconPath = new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
      item.description = `passed${result.ms !== undefined ? ` · ${seconds(result.ms)}` : ''}`;
    } else if (result?.state === 'failed') {
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
      item.description = `failed · exit ${result.exitCode ?? '?'}${result.ms !== undefined ? ` · ${seconds(result.ms)}` : ''}`;
    } else if (waiting) {
      item.iconPath = new vscode.ThemeIcon('watch');
      item.description = 'waiting';
    } else {
      item.iconPath = new vscode.ThemeIcon('circle-large-outline');
      item.description = 'not run';
    }
    const blocks = step.blocks.filter((b) => b.runnable).map((b) => b.code.trim()).join('\n\n');
    item.tooltip = new vscode.MarkdownString().appendText(`${step.title}\n`).appendCodeblock(blocks || '(manual step: no shell block)', 'sh');
    item.accessibilityInformation = { label: `step ${step.id}, ${step.title}, ${item.description ?? ''}` };
    item.contextValue = step.runnable ? 'cutover.step.runnable' : 'cutover.step';
    item.command = {
      command: 'vscode.open', title: 'Reveal Step',
      arguments: [uri, { selection: new vscode.Range(step.line, 0, step.line, 0), preserveFocus: true }],
    };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
