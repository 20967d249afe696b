/**
 * `.cutover/watch.json`: what a `cutover watch` in progress is doing (its pid, the next check, the last run, the
 * alerts firing after it), rewritten atomically by the watch after each step and removed when it ends. The VS Code
 * status bar reads it; a file whose process is gone is stale.
 */
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FiringAlert } from '../alerts/evaluate';
import { UsageError } from '../errors';

export type WatchCheck = 'shadow' | 'reconcile';

export interface WatchState {
  readonly pid: number;
  readonly startedAt: string;
  readonly everySeconds: number;
  readonly dailyReconcile?: string;
  readonly next?: { readonly kind: WatchCheck; readonly at: string };
  readonly running?: { readonly kind: WatchCheck; readonly runId: string };
  readonly last?: { readonly kind: WatchCheck; readonly runId: string; readonly exitCode: number };
  readonly alerts: readonly Pick<FiringAlert, 'name' | 'summary' | 'runId'>[];
}

/** Relative to the folder of cutover.json (the workspace root of the run store). */
export const WATCH_STATE_FILE = join('.cutover', 'watch.json');

export async function writeWatchState(file: string, state: WatchState): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(3).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temp, file);
}

/** A time of day, HH:MM in 24 h (`--daily-reconcile`, and the Start Watch input box). */
export const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM` (24 h, local time) as minutes after midnight; a usage error names the flag. */
export function parseClock(text: string, flag: string): number {
  const m = CLOCK.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: "${text}" is not a time of day (HH:MM, 24 h, local time)`);
  return Number(m[1]) * 60 + Number(m[2]);
}
