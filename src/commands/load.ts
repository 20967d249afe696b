/**
 * Start Load Test… and Start Soak…: `cutover load` and `cutover soak` launched in the integrated terminal like every
 * CLI launch (trust-gated; Cancel Run stops a soak as stopped, its iterations kept). The run lands in the Runs view,
 * live while it runs, with its figures on hover. Options given (by tests, or another command) skip the pickers.
 */
import * as vscode from 'vscode';
import type { CommandTable } from '../shared/contributions';
import { requireTrust } from '../shared/trust';
import type { LaunchOutcome, RunCommandContext } from './runs';
import { runHelpers } from './runs';

export interface LoadTestOptions {
  readonly sizes?: string;
  readonly pipelines?: string;
  readonly parallel?: number;
  readonly input?: string;
}

export interface SoakOptions {
  readonly duration?: string;
  readonly interval?: string;
  readonly pipelines?: string;
  readonly injectFailures?: number;
}

const PIPELINES = [
  { label: 'V1 and V2', pipelines: 'v1,v2' },
  { label: 'V2 only', description: 'the replacement, the one the plan\'s criteria are about', pipelines: 'v2' },
  { label: 'V1 only', pipelines: 'v1' },
];

async function pickPipelines(title: string, fallback: string | undefined): Promise<string | undefined> {
  if (fallback !== undefined) return fallback;
  return (await vscode.window.showQuickPick(PIPELINES, { title, placeHolder: 'Which pipelines?' }))?.pipelines;
}

export function startLoadTest(ctx: RunCommandContext) {
  const { workspaceConfig, launch, announce } = runHelpers(ctx);
  return async (options: LoadTestOptions = {}): Promise<LaunchOutcome | undefined> => {
    if (!requireTrust('Start Load Test')) return undefined;
    const loaded = await workspaceConfig();
    if (!loaded) return undefined;
    const title = 'Start Load Test';
    let sizes = options.sizes;
    if (sizes === undefined) {
      const picked = await vscode.window.showQuickPick(
        ['10k', '100k', '1m'].map((s) => ({ label: s, picked: s !== '1m', description: s === '1m' ? 'about a minute more' : undefined })),
        { title, canPickMany: true, placeHolder: 'Input sizes, in rows (the default input, scaled to each size)' });
      if (!picked || picked.length === 0) return undefined;
      sizes = picked.map((p) => p.label).join(',');
    }
    const pipelines = await pickPipelines(title, options.pipelines);
    if (!pipelines) return undefined;
    let parallel = options.parallel;
    if (parallel === undefined) {
      const picked = await vscode.window.showQuickPick([
        { label: 'Alone', description: 'each pipeline on its own', n: 1 },
        { label: '2 at once', description: 'and check their outputs for corruption', n: 2 },
        { label: '4 at once', description: 'and check their outputs for corruption', n: 4 },
      ], { title, placeHolder: 'Also run copies at once?' });
      if (!picked) return undefined;
      parallel = picked.n;
    }
    const args = ['load', '--config', loaded.file, '--sizes', sizes, '--pipelines', pipelines, '--parallel', String(parallel), ...(options.input ? ['--input', options.input] : [])];
    const outcome = await launch('load', args, loaded.dir, 'load');
    if (outcome) void announce(outcome);
    return outcome;
  };
}

export function startSoak(ctx: RunCommandContext) {
  const { workspaceConfig, launch, announce } = runHelpers(ctx);
  return async (options: SoakOptions = {}): Promise<LaunchOutcome | undefined> => {
    if (!requireTrust('Start Soak')) return undefined;
    const loaded = await workspaceConfig();
    if (!loaded) return undefined;
    const title = 'Start Soak';
    const duration = options.duration ?? await vscode.window.showInputBox({
      title, prompt: 'How long? e.g. 10m for a rehearsal, 24h for the plan\'s stress run', value: '10m',
      validateInput: (v) => (/^\s*\d+(\.\d+)?\s*[smhd]\s*$/.test(v) ? undefined : 'A number with s, m, h or d: 30s, 10m, 24h'),
    });
    if (!duration) return undefined;
    const pipelines = await pickPipelines(title, options.pipelines);
    if (!pipelines) return undefined;
    const args = ['soak', '--config', loaded.file, '--duration', duration.trim(), '--interval', options.interval ?? '30s', '--pipelines', pipelines,
      ...(options.injectFailures ? ['--inject-failures', String(options.injectFailures)] : [])];
    const outcome = await launch('soak', args, loaded.dir, 'soak');
    if (outcome) void announce(outcome);
    return outcome;
  };
}

export function loadCommands(ctx: RunCommandContext) {
  return {
    'cutover.startLoadTest': startLoadTest(ctx),
    'cutover.startSoak': startSoak(ctx),
  } satisfies Partial<CommandTable>;
}
