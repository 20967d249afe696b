/**
 * Reads the gate's evidence out of a run record. The record's `results` were parsed against `RunResults` when it
 * was read, so each part is either there in its declared shape or absent; an absent part is missing evidence (its
 * criterion then fails with "no data"), never a pass.
 */
import type { RunRecord } from '../runs/record';
import type { GateEvidence } from './evaluate';

export function evidenceFromRun(record: RunRecord): GateEvidence {
  const { kpis, rows, profiles } = record.results;
  const side = (name: string) => {
    const c = record.commands.find((x) => x.name === name);
    return c ? { exitCode: c.exitCode, durationMs: c.ms } : undefined;
  };
  const failed =
    record.status === 'complete'
      ? undefined
      : { reason: record.error?.message ?? `run ${record.id} is ${record.status}` };
  const v1 = side('v1');
  const v2 = side('v2');
  return {
    ...(failed ? { failed } : {}),
    pipelines: { ...(v1 ? { v1 } : {}), ...(v2 ? { v2 } : {}) },
    ...(kpis ? { kpis: kpis.kpis } : {}),
    ...(rows ? { rows: rows.rows } : {}),
    ...(profiles?.v2
      ? { nullRates: { v2: profiles.v2.columns, ...(profiles.v1 ? { v1: profiles.v1.columns } : {}) } }
      : {}),
  };
}
