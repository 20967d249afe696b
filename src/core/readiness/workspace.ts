/**
 * The readiness of a workspace as every surface reads it: cutover.json (its criteria, gate and performance), the
 * plans, the run store, the reviews and the sign-offs, read from disk and decided by `buildReadiness`. The CLI
 * passes the plan files cutover.json names; the extension passes the plans its Checklist shows.
 */
import { relative, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load';
import { CriteriaSchema } from '../config/schema';
import { UsageError } from '../errors';
import { parsePlan } from '../plan/parse';
import { readPlanFile } from '../plan/read';
import type { PlanFile } from './criteria';
import { gatherEvidence } from './gather';
import { buildReadiness, type Readiness } from './report';
import type { Evidence } from './rules';
import { SignoffStore } from './signoffs';

/** One cutover workspace (the folder of a cutover.json, or a workspace folder without one) and its readiness. */
export interface ReadinessRoot {
  readonly root: string;
  readonly loaded: LoadedConfig | undefined;
  readonly readiness: Readiness;
  /** Why cutover.json could not be used (its criteria then decide nothing). */
  readonly problem?: string | undefined;
}

/** The plan files cutover.json's `plans` names, read and parsed; a glob is refused (name the files). */
export async function readConfiguredPlans(loaded: LoadedConfig): Promise<PlanFile[]> {
  const plans: PlanFile[] = [];
  for (const entry of loaded.config.plans) {
    if (/[*?[\]{}]/.test(entry)) {
      throw new UsageError(`plans entry "${entry}" in ${loaded.file} is a glob: cutover readiness reads named plan files only (list them in "plans", or pass --plan FILE)`);
    }
    const file = resolve(loaded.dir, entry);
    plans.push({ file: relative(loaded.dir, file), plan: parsePlan(await readPlanFile(file)) });
  }
  return plans;
}

/** What a workspace holds on disk besides its plans: the evidence (runs, reviews, logs) and the sign-offs. */
export interface WorkspaceEvidence {
  readonly evidence: Evidence;
  readonly signoffs: Awaited<ReturnType<SignoffStore['read']>>;
}

/** Reads every run of the store: the extension keeps the result until the store, reviews or sign-offs change. */
export async function readWorkspaceEvidence(workspaceRoot: string, loaded: LoadedConfig | undefined): Promise<WorkspaceEvidence> {
  const [evidence, signoffs] = await Promise.all([gatherEvidence(workspaceRoot, loaded?.config), new SignoffStore(workspaceRoot).read()]);
  return { evidence, signoffs };
}

/** The plans decided on evidence already read. */
export function readinessOf(loaded: LoadedConfig | undefined, plans: readonly PlanFile[], read: WorkspaceEvidence, now = new Date()): Readiness {
  return buildReadiness({ plans, criteria: loaded?.config.criteria ?? CriteriaSchema.parse({}), evidence: read.evidence, signoffs: read.signoffs, now });
}

export async function workspaceReadiness(workspaceRoot: string, loaded: LoadedConfig | undefined, plans: readonly PlanFile[], now = new Date()): Promise<Readiness> {
  return readinessOf(loaded, plans, await readWorkspaceEvidence(workspaceRoot, loaded), now);
}
