/**
 * The readiness of a workspace as every surface reads it: cutover.json (its criteria, gate and performance), the
 * plans, the run store, the reviews and the sign-offs, read from disk and decided by `buildReadiness`. The CLI
 * passes the plan files cutover.json names; the extension passes the plans its Checklist shows.
 */
import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/load';
import { CriteriaSchema } from '../config/schema';
import { UsageError } from '../errors';
import { listPlanCandidates, planPatterns, selectPlanFiles } from '../plan/discover';
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

/**
 * The plans cutover.json's `plans` names (globs, relative to cutover.json; the default patterns when it names none),
 * found by the same rule as the extension's Checklist, read and parsed. A pattern that matches no file is an error.
 */
export async function readConfiguredPlans(loaded: LoadedConfig): Promise<PlanFile[]> {
  const { patterns, source } = planPatterns({ config: loaded.config.plans });
  const { files, unmatched } = selectPlanFiles(await listPlanCandidates(loaded.dir), patterns);
  if (source === 'cutover.json' && unmatched.length > 0) {
    throw new UsageError(`plans ${unmatched.map((p) => `"${p}"`).join(', ')} in ${loaded.file} match no markdown file under ${loaded.dir}`);
  }
  if (files.length === 0) {
    throw new UsageError(`${loaded.file} names no plans and no file under ${loaded.dir} looks like one (${patterns.join(', ')}): set "plans" or pass --plan FILE`);
  }
  const plans: PlanFile[] = [];
  for (const file of files) plans.push({ file, plan: parsePlan(await readPlanFile(resolve(loaded.dir, file))) });
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
