// Shared by the metrics and alerts tests: run records of a workspace and promtool's lint of exposition text.
import { spawnSync } from 'node:child_process';
import type { RunRecord } from '../../../src/core/runs/record';
import { kpiLine, shadowRecord } from '../gate/records';

/** `promtool check metrics` on `text`: its exit code and what it said. */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A passing shadow run, then a later one whose total balance is 2% off, over three segments. */
export function shadowRuns(): RunRecord[] {
  const passing = { ...shadowRecord('20260101-000000-000-aaaaaa', [kpiLine('total', 'balance', 100, 100)]), endedAt: '2026-01-01T00:00:05.000Z' };
  const failing = {
    ...shadowRecord('20260102-000000-000-bbbbbb', [
      kpiLine('total', 'balance', 100, 102),
      kpiLine('region="n"', 'balance', 50, 50),
      kpiLine('region=s', 'balance', 50, 50.01),
    ]),
    startedAt: '2026-01-02T00:00:00.000Z',
    endedAt: '2026-01-02T00:00:05.000Z',
  };
  return [failing, passing];
}
