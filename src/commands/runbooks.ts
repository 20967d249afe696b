/**
 * Runbook commands: Run Step and Run All execute through `cutover runbook run` in a terminal (the same executor
 * the CLI and CI use: bash per block, stop at the first failure, results recorded in the run store), so the
 * Runbooks view reads every step's exit code and duration from the record, whatever the terminal supports.
 */
import * as path from 'node:path';
import type { CommandTable } from '../shared/contributions';
import { requireTrust } from '../shared/trust';
import type { RunbookNode, RunbooksTreeProvider } from '../views/runbooksTree';
import type { Launcher, LaunchResult } from './launcher';

/** What the Runbook commands work with. */
export interface RunbookCommandContext {
  readonly tree: RunbooksTreeProvider;
  readonly launcher: Launcher;
}

/** Run Step (`only`: that step alone) or Run All (from the step given, else the whole runbook). */
export function runRunbook({ tree, launcher }: RunbookCommandContext, only: boolean) {
  return async (node?: RunbookNode): Promise<LaunchResult | undefined> => {
    if (!node || !requireTrust(only ? 'Run Step' : 'Run All')) return undefined;
    const { entry } = node;
    const stepId = node.kind === 'step' ? node.step.id : undefined;
    const args = ['runbook', 'run', entry.file, ...(stepId ? [only ? '--step' : '--from', stepId] : [])];
    const label = `${path.basename(entry.file)}${stepId ? ` step ${stepId}` : ''}`;
    const result = launcher.launch(label, args, entry.root);
    tree.markRunning(entry.file, only ? stepId : undefined, result);
    return result;
  };
}

export function runbookCommands(ctx: RunbookCommandContext) {
  return {
    'cutover.runbooks.runStep': runRunbook(ctx, true),
    'cutover.runbooks.runAll': runRunbook(ctx, false),
    'cutover.runbooks.refresh': () => ctx.tree.refresh(),
  } satisfies Partial<CommandTable>;
}
