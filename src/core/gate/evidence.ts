/**
 * Reads the gate's evidence out of a run record. The record's `results` are free-form JSON on disk, so each part is
 * checked against the shape the gate needs; a part that is absent or malformed is simply missing evidence (its
 * criterion then fails with "no data"), never a crash and never a pass.
 */
import { z } from 'zod';
import type { RunRecord } from '../runs/record';
import type { GateEvidence } from './evaluate';

const KpisPart = z.object({
  kpis: z.array(
    z.object({
      segment: z.string(),
      kpi: z.string(),
      v1: z.number().nullable(),
      v2: z.number().nullable(),
      relVariance: z.number().nullable(),
      nonFinite: z.object({ relVariance: z.string().optional() }).optional(),
    }),
  ),
});
const RowsPart = z.object({ rows: z.object({ v1: z.number(), onlyV1: z.number(), excludedV1: z.number() }) });
const ProfileColumns = z.object({ columns: z.array(z.object({ name: z.string(), nullRate: z.number() })) });
const ProfilesPart = z.object({ v1: ProfileColumns.optional(), v2: ProfileColumns });

export function evidenceFromRun(record: RunRecord): GateEvidence {
  const results = record.results;
  const side = (name: string) => {
    const c = record.commands.find((x) => x.name === name);
    return c ? { exitCode: c.exitCode, durationMs: c.ms } : undefined;
  };
  const kpis = KpisPart.safeParse(results['kpis']);
  const rows = RowsPart.safeParse(results['rows']);
  const profiles = ProfilesPart.safeParse(results['profiles']);
  const failed =
    record.status === 'complete'
      ? undefined
      : { reason: record.error?.message ?? `run ${record.id} is ${record.status}` };
  const v1 = side('v1');
  const v2 = side('v2');
  return {
    ...(failed ? { failed } : {}),
    pipelines: { ...(v1 ? { v1 } : {}), ...(v2 ? { v2 } : {}) },
    ...(kpis.success ? { kpis: kpis.data.kpis } : {}),
    ...(rows.success ? { rows: rows.data.rows } : {}),
    ...(profiles.success
      ? { nullRates: { v2: profiles.data.v2.columns, ...(profiles.data.v1 ? { v1: profiles.data.v1.columns } : {}) } }
      : {}),
  };
}
