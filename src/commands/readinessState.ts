/**
 * The readiness of the workspace's plans, kept current for the Checklist, the Readiness Report and Sign Off: each
 * plan is decided against the cutover.json found from its folder up (its criteria, gate and performance) and that
 * folder's run store, reviews and sign-offs (core/readiness/workspace.ts, the same decision `cutover readiness`
 * makes). Recomputed when the plans, the runs, cutover.json, the reviews or the sign-offs change; what was read from
 * the run store is kept while only the plans change (an edit in a plan does not re-read every run).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoadedConfig } from '../core/config/load';
import { CutoverError } from '../core/errors';
import type { PlanSection } from '../core/plan/model';
import type { CriterionResult, PlanFile } from '../core/readiness/criteria';
import { isMet } from '../core/readiness/state';
import type { ReadinessRoot, WorkspaceEvidence } from '../core/readiness/workspace';
import { logError, logWarning } from '../shared/log';
import type { RunStoreEvents } from '../shared/runStoreEvents';
import type { ChecklistEvidence } from '../views/checklistTree';
import type { PlanEntry, PlanSource } from '../views/planSource';

const DELAY_MS = 200;

export class ReadinessState implements ChecklistEvidence, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private roots: ReadinessRoot[] = [];
  private readonly rootOfPlan = new Map<string, string>();
  private results = new Map<string, CriterionResult>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;
  private computing: Promise<void> = Promise.resolve();
  private criteriaUnder: ((section: PlanSection) => Set<string>) | undefined;
  /** Evidence read per root, until the store, reviews, sign-offs or cutover.json change. */
  private readonly read = new Map<string, Promise<WorkspaceEvidence>>();

  constructor(private readonly plans: PlanSource, storeEvents: RunStoreEvents) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{cutover.json,.cutover/reviews.json,.cutover/signoffs.json}');
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.evidenceChanged()), watcher.onDidCreate(() => this.evidenceChanged()), watcher.onDidDelete(() => this.evidenceChanged()),
      plans.onDidChange(() => this.schedule()),
      storeEvents.onDidChange(() => this.evidenceChanged()),
    );
  }

  get all(): readonly ReadinessRoot[] {
    return this.roots;
  }

  /** Re-reads the evidence and recomputes now; resolves when the new state is published. */
  refresh(): Promise<void> {
    this.read.clear();
    return this.recompute();
  }

  private evidenceChanged(): void {
    this.read.clear();
    this.schedule();
  }

  private recompute(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.computing = this.computing.then(() => this.compute()).catch((error: unknown) => logError('Readiness: deciding the criteria', error));
    return this.computing;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { void this.recompute(); }, DELAY_MS);
  }

  private async compute(): Promise<void> {
    await this.plans.ready();
    // Loaded on first use, not at activation: the config schema and the rules pull in zod.
    const [{ findConfig, loadConfig }, { readWorkspaceEvidence, readinessOf }, { criteriaUnder }] = await Promise.all([
      import('../core/config/load'), import('../core/readiness/workspace'), import('../core/readiness/report'),
    ]);
    this.criteriaUnder = criteriaUnder;
    const groups = new Map<string, { loaded: LoadedConfig | undefined; problem?: string; plans: PlanFile[] }>();
    this.rootOfPlan.clear();
    for (const entry of this.plans.plans) {
      if (!entry.plan) continue;
      const config = findConfig(path.dirname(entry.uri.fsPath));
      const root = config ? path.dirname(config) : vscode.workspace.getWorkspaceFolder(entry.uri)?.uri.fsPath ?? path.dirname(entry.uri.fsPath);
      let group = groups.get(root);
      if (!group) {
        group = { loaded: undefined, plans: [] };
        if (config) {
          try {
            group.loaded = loadConfig(config);
          } catch (error) {
            if (!(error instanceof CutoverError)) throw error;
            logWarning(`Readiness: ${config} cannot be used; its criteria decide nothing until it is fixed`, error);
            group.problem = error.message;
          }
        }
        groups.set(root, group);
      }
      group.plans.push({ file: path.relative(root, entry.uri.fsPath), plan: entry.plan });
      this.rootOfPlan.set(entry.uri.toString(), root);
    }
    const roots: ReadinessRoot[] = [];
    const results = new Map<string, CriterionResult>();
    for (const [root, group] of groups) {
      let read = this.read.get(root);
      if (!read) {
        read = readWorkspaceEvidence(root, group.loaded);
        this.read.set(root, read);
      }
      let evidence: WorkspaceEvidence;
      try {
        evidence = await read;
      } catch (error) {
        // A failed read is not kept: the next change reads again (refresh() logs the error).
        this.read.delete(root);
        throw error;
      }
      const readiness = readinessOf(group.loaded, group.plans, evidence);
      roots.push({ root, loaded: group.loaded, readiness, problem: group.problem });
      for (const r of [...readiness.criteria, ...readiness.tasks]) results.set(key(root, r.item.file, r.item.parseId), r);
    }
    this.roots = roots;
    this.results = results;
    this.changed.fire();
  }

  /** The readiness root a plan belongs to. */
  rootOf(entry: PlanEntry): ReadinessRoot | undefined {
    const root = this.rootOfPlan.get(entry.uri.toString());
    return this.roots.find((r) => r.root === root);
  }

  result(entry: PlanEntry, parseId: string): CriterionResult | undefined {
    const root = this.rootOfPlan.get(entry.uri.toString());
    return root === undefined ? undefined : this.results.get(key(root, path.relative(root, entry.uri.fsPath), parseId));
  }

  signoffs(entry: PlanEntry): ReadinessRoot['readiness']['signoffs'] {
    return this.rootOf(entry)?.readiness.signoffs ?? [];
  }

  sectionCriteria(entry: PlanEntry, section: PlanSection): { met: number; total: number } {
    const ids = this.criteriaUnder ? [...this.criteriaUnder(section)] : [];
    return { met: ids.filter((id) => { const r = this.result(entry, id); return r !== undefined && isMet(r); }).length, total: ids.length };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function key(root: string, file: string, parseId: string): string {
  return `${root}\u0000${file}\u0000${parseId}`;
}
