/**
 * Finds the workspace's cutover plans and keeps their parsed checklists current. Which files are plans is decided
 * by core/plan/discover (the rule `cutover readiness` uses) over the markdown files VS Code lists. Text is read
 * through VS Code's documents, so an unsaved buffer is what the checklist shows and edits.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkPlanText, MAX_PLAN_BYTES } from '../core/plan/read';
import type { Plan } from '../core/plan/model';
import { CutoverError } from '../core/errors';
import { readWorkspaceKeys } from '../core/config/workspaceKeys';
import { PLAN_CANDIDATE_GLOB, PLAN_EXCLUDED_DIRS, planPatterns, selectPlanFiles } from '../core/plan/discover';
import { logError } from '../shared/log';

export interface PlanEntry {
  readonly uri: vscode.Uri;
  /** Workspace-relative path, for labels and messages. */
  readonly label: string;
  /** The exact text parsed: toggles are checked against it before anything is written. */
  readonly text?: string;
  readonly plan?: Plan;
  /** Why the file shows no checklist: unreadable, binary, too large, or no tasks. */
  readonly problem?: string;
}

const EXCLUDE = `{${PLAN_EXCLUDED_DIRS.map((dir) => `**/${dir}/**`).join(',')}}`;
/** More markdown files than any workspace holds plans among: the listing stops there. */
const MAX_CANDIDATES = 20_000;
const REFRESH_DELAY_MS = 150;

export class PlanSource implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private entries: PlanEntry[] = [];
  /** Problems that are not about one plan file (an unreadable cutover.json). */
  private configProblems: string[] = [];
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private rediscover = true;
  private tracked = new Set<string>();
  /** Whether the view shows `entries` (false until the first load, and after `invalidate`). */
  private drawn = false;

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.tracked.has(e.document.uri.toString()) && e.contentChanges.length > 0) this.schedule(false);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('cutover.plans')) this.schedule(true);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule(true)),
    );
    // External edits (git checkout, another editor) refresh within a second; new or deleted files rediscover.
    const mdWatcher = vscode.workspace.createFileSystemWatcher('**/*.{md,markdown}');
    const configWatcher = vscode.workspace.createFileSystemWatcher('**/cutover.json');
    this.disposables.push(mdWatcher, configWatcher);
    mdWatcher.onDidChange((uri) => { if (this.tracked.has(uri.toString())) this.schedule(false); }, undefined, this.disposables);
    mdWatcher.onDidCreate(() => this.schedule(true), undefined, this.disposables);
    mdWatcher.onDidDelete(() => this.schedule(true), undefined, this.disposables);
    for (const event of [configWatcher.onDidChange, configWatcher.onDidCreate, configWatcher.onDidDelete]) {
      event(() => this.schedule(true), undefined, this.disposables);
    }
  }

  get plans(): readonly PlanEntry[] {
    return this.entries;
  }

  get problems(): readonly string[] {
    return [...this.configProblems, ...this.entries.flatMap((e) => (e.problem ? [e.problem] : []))];
  }

  /** Resolves once the current state is loaded (first call discovers the files). */
  ready(): Promise<void> {
    if (!this.loading) this.loading = this.load(true);
    return this.loading;
  }

  /** The view shows something the plans did not say (a checkbox just clicked): the next load fires even if unchanged. */
  invalidate(): void {
    this.drawn = false;
  }

  /** Re-reads everything now (the Refresh command). */
  refresh(): Promise<void> {
    this.rediscover = true;
    return this.reload();
  }

  private schedule(rediscover: boolean): void {
    this.rediscover ||= rediscover;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.reload(); }, REFRESH_DELAY_MS);
  }

  private async reload(): Promise<void> {
    const previous = this.loading ?? Promise.resolve();
    const next = previous.then(() => this.load(this.rediscover));
    this.loading = next;
    return next;
  }

  private async load(rediscover: boolean): Promise<void> {
    this.rediscover = false;
    const shownProblems = this.configProblems; // discover() replaces the array
    const uris = rediscover ? await this.discover() : this.entries.map((e) => e.uri);
    const entries = await Promise.all(uris.map((uri) => this.read(uri)));
    this.tracked = new Set(entries.map((e) => e.uri.toString()));
    // A reload that reads what is already shown (a save, a watcher echo of our own write, a second refresh in a
    // burst) keeps the entries and fires nothing: every change event redraws the whole tree in the workbench.
    if (this.drawn && sameStrings(shownProblems, this.configProblems) && sameEntries(this.entries, entries)) return;
    this.entries = entries;
    this.drawn = true;
    this.changed.fire();
  }

  private async discover(): Promise<vscode.Uri[]> {
    this.configProblems = [];
    const found = new Map<string, vscode.Uri>();
    /** The plans under `base` that the patterns name, found by the rule the CLI uses. */
    const add = async (base: vscode.Uri, patterns: readonly string[], label: string | undefined): Promise<void> => {
      const listed = await vscode.workspace.findFiles(new vscode.RelativePattern(base, PLAN_CANDIDATE_GLOB), EXCLUDE, MAX_CANDIDATES);
      const { files, unmatched } = selectPlanFiles(listed.map((uri) => path.relative(base.fsPath, uri.fsPath)), patterns);
      if (label !== undefined && unmatched.length > 0) {
        this.configProblems.push(`${label}: plans ${unmatched.map((p) => `"${p}"`).join(', ')} match no markdown file`);
      }
      for (const file of files) {
        const uri = vscode.Uri.joinPath(base, file);
        found.set(uri.toString(), uri);
      }
    };

    const configs = await vscode.workspace.findFiles('**/cutover.json', EXCLUDE, 20);
    let named = false;
    for (const config of configs) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(config));
      const label = vscode.workspace.asRelativePath(config);
      const { plans, problem } = readWorkspaceKeys(text, label);
      if (problem) this.configProblems.push(problem);
      const { patterns, source } = planPatterns({ config: plans });
      if (source !== 'cutover.json') continue;
      named = true;
      await add(vscode.Uri.file(path.dirname(config.fsPath)), patterns, label);
    }
    for (const folder of named ? [] : vscode.workspace.workspaceFolders ?? []) {
      const { patterns, source } = planPatterns({ setting: vscode.workspace.getConfiguration('cutover', folder).get<string[]>('plans', []) });
      await add(folder.uri, patterns, source === 'setting' ? `cutover.plans (${folder.name})` : undefined);
    }
    return [...found.values()].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  }

  private async read(uri: vscode.Uri): Promise<PlanEntry> {
    const label = vscode.workspace.asRelativePath(uri);
    try {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (!open) {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > MAX_PLAN_BYTES) {
          return { uri, label, problem: `${label} is ${(stat.size / 1e6).toFixed(1)} MB; plans larger than ${MAX_PLAN_BYTES / 1e6} MB are not read` };
        }
      }
      const document = open ?? await vscode.workspace.openTextDocument(uri);
      const text = document.getText();
      checkPlanText(text, label);
      // Loaded on first use, not at activation.
      const { parsePlan } = await import('../core/plan/parse');
      const plan = parsePlan(text);
      const problem = plan.totals.tasks === 0 && plan.totals.criteria === 0
        ? `${label} has no tasks: a plan lists them as GitHub task items (- [ ] …)` : undefined;
      return { uri, label, text, plan, problem };
    } catch (error) {
      // A plan's own problem is shown on its node; anything else is also the extension's to log.
      if (!(error instanceof CutoverError)) logError(`Checklist: reading the plan ${uri.fsPath}`, error);
      const message = error instanceof CutoverError ? error.message : `${label}: ${(error as Error).message}`;
      return { uri, label, problem: message };
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Same files with the same text and the same problem: the tree would draw them the same. */
function sameEntries(a: readonly PlanEntry[], b: readonly PlanEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => {
    const f = b[i]!;
    return e.uri.toString() === f.uri.toString() && e.text === f.text && e.problem === f.problem;
  });
}
