/**
 * The readiness of the workspace's plans, kept current for the Checklist, the Readiness Report and Sign Off: each
 * plan is decided against the cutover.json found from its folder up (its criteria, gate and performance) and that
 * folder's run store, reviews and sign-offs (core/readiness/workspace.ts, the same decision `cutover readiness`
 * makes). Recomputed when the plans, the runs, cutover.json, the reviews or the sign-offs change.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoadedConfig } from '../core/config/load';
import { CutoverError } from '../core/errors';
import type { PlanSection } from '../core/plan/model';
import type { CriterionResult, PlanFile } from '../core/readiness/criteria';
import { isMet } from '../core/readiness/state';
import type { ReadinessRoot } from '../core/readiness/workspace';
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

  constructor(private readonly plans: PlanSource, storeEvents: RunStoreEvents) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{cutover.json,.cutover/reviews.json,.cutover/signoffs.json}');
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.schedule()), watcher.onDidCreate(() => this.schedule()), watcher.onDidDelete(() => this.schedule()),
      plans.onDidChange(() => this.schedule()),
      storeEvents.onDidChange(() => this.schedule()),
    );
  }

  get all(): readonly ReadinessRoot[] {
    return this.roots;
  }

  /** Recomputes now; resolves when the new state is published. */
  refresh(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.computing = this.computing.then(() => this.compute()).catch((error: unknown) => logError('Readiness: deciding the criteria', error));
    return this.computing;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { void this.refresh(); }, DELAY_MS);
  }

  private async compute(): Promise<void> {
    await this.plans.ready();
    // Loaded on first use, not at activation: the config schema and the rules pull in zod.
    const [{ findConfig, loadConfig }, { workspaceReadiness }, { criteriaUnder }] = await Promise.all([
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
      const readiness = await workspaceReadiness(root, group.loaded, group.plans);
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
