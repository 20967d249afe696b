/**
 * Start Watch…: `cutover watch` launched in the integrated terminal like every CLI launch (trust-gated, one launch
 * at a time, Cancel Run stops it). The watch runs a shadow run every interval (and a reconciliation daily when
 * asked); the status bar's watch item (views/watchStatus.ts) shows it and raises its alerts. Options given (by
 * tests) skip the pickers.
 */
import * as vscode from 'vscode';
import { CLOCK } from '../core/metrics/watchState';
import type { CommandTable } from '../shared/contributions';
import { requireTrust } from '../shared/trust';
import type { LaunchResult } from './launcher';
import type { RunCommandContext } from './runs';
import { runHelpers } from './runs';

export interface WatchOptions {
  readonly every?: string;
  readonly input?: string;
  /** HH:MM, or '' for none. */
  readonly dailyReconcile?: string;
}

const INTERVALS = [
  { label: 'Every 15 minutes', every: '15m' },
  { label: 'Every hour', every: '1h' },
  { label: 'Every 5 minutes', every: '5m' },
  { label: 'Every 24 hours', every: '24h' },
];

export function startWatch(ctx: RunCommandContext) {
  const { workspaceConfig } = runHelpers(ctx);
  return async (options: WatchOptions = {}): Promise<LaunchResult | undefined> => {
    if (!requireTrust('Start Watch')) return undefined;
    const loaded = await workspaceConfig();
    if (!loaded) return undefined;
    const title = 'Start Watch';
    const every = options.every ?? (await vscode.window.showQuickPick(INTERVALS, { title, placeHolder: 'How often should the shadow run go?' }))?.every;
    if (!every) return undefined;
    let input = options.input;
    if (input === undefined) {
      const picked = await vscode.window.showQuickPick(
        Object.entries(loaded.config.inputs).map(([name, spec]) => ({ label: name, description: spec.path, detail: spec.description })),
        { title, placeHolder: 'Which input should each shadow run process?' });
      if (!picked) return undefined;
      input = picked.label;
    }
    const daily = options.dailyReconcile ?? await vscode.window.showInputBox({
      title, prompt: 'Also reconcile every day at (HH:MM, local time); leave empty for none', placeHolder: '06:00',
      validateInput: (v) => (v.trim() === '' || CLOCK.test(v.trim()) ? undefined : 'A time of day as HH:MM (24 h), or empty'),
    });
    if (daily === undefined) return undefined;
    const args = ['watch', '--config', loaded.file, '--every', every, '--input', input, ...(daily.trim() !== '' ? ['--daily-reconcile', daily.trim()] : [])];
    const result = ctx.launcher.launch('watch', args, loaded.dir);
    ctx.runs.follow(result);
    const ended = await result;
    ctx.runs.refresh();
    return ended;
  };
}

export function watchCommands(ctx: RunCommandContext) {
  return { 'cutover.startWatch': startWatch(ctx) } satisfies Partial<CommandTable>;
}
