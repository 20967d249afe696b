/**
 * The summary of a switch run, read back from its record: what `cutover rollback --json` prints and what the
 * extension shows after the terminal closes. Log paths are made absolute (records keep them relative to the run).
 */
import { isAbsolute, join } from 'node:path';
import type { RunRecord } from '../runs/record';
import type { GateAtStart } from './gate';
import type { SwitchDirection } from './verdict';

export interface SwitchSummary {
  readonly runId: string;
  readonly runDir: string;
  readonly direction: SwitchDirection;
  readonly status: RunRecord['status'];
  /** `error` when the switch could not run (status `failed`), null while running or when interrupted. */
  readonly verdict: 'pass' | 'fail' | 'inconclusive' | 'error' | null;
  readonly reasons: readonly string[];
  readonly commands: readonly {
    readonly name: string;
    readonly argv: readonly string[];
    readonly exitCode: number | null;
    readonly signal?: string;
    readonly ms: number;
    readonly log: string | null;
  }[];
  readonly totalMs: number | null;
  readonly budgetSeconds: number | null;
  readonly gateAtStart: GateAtStart | null;
  readonly error?: string;
}

export function switchSummary(record: RunRecord, runDir: string): SwitchSummary {
  const r = record.results;
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return {
    runId: record.id,
    runDir,
    direction: record.kind === 'forward' ? 'forward' : 'rollback',
    status: record.status,
    verdict: record.verdict?.verdict ?? null,
    reasons: record.verdict?.reasons ?? [],
    commands: record.commands.map((c) => ({
      name: c.name,
      argv: c.argv,
      exitCode: c.exitCode,
      ...(c.signal ? { signal: c.signal } : {}),
      ms: c.ms,
      log: c.log === undefined ? null : isAbsolute(c.log) ? c.log : join(runDir, c.log),
    })),
    totalMs: num(r['totalMs']),
    budgetSeconds: num(r['budgetSeconds']),
    // Written by runSwitch in this shape; a hand-edited record at worst shows odd evidence, never changes a verdict.
    gateAtStart: (r['gateAtStart'] as GateAtStart | undefined) ?? null,
    ...(record.error ? { error: record.error.message } : {}),
  };
}
