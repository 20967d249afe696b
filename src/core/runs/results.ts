/**
 * What a run's `results` hold, declared once: the KPI line (`KpiLine`, whose inferred type is the engine's
 * `KpiResult`), the comparisons built from it, and the other parts every reader needs (rows, profiles, input,
 * reconcile). The run record parses `results` through `RunResults`, so a reader gets typed parts or the record is
 * reported as not fitting (`RunStore.scan()` names the run and its file), never half-guessed.
 *
 * Each part is declared completely (a unit test holds the declarations to the engine's result types, field by
 * field), because parsing drops undeclared fields; the loan-level comparison (`rows`), still growing, is a loose
 * object that keeps any field it does not declare. Kinds with results of their own (runbook, rollback, compare's
 * table facts) keep them under their own names, which `RunResults` lets through unchecked.
 */
import { z } from 'zod';

export const Verdict = z.enum(['pass', 'inconclusive', 'fail']);
export type Verdict = z.infer<typeof Verdict>;

/** A non-finite number, stored as null beside its name so JSON never loses it silently. */
export const NonFinite = z.enum(['NaN', 'Infinity', '-Infinity']);
export type NonFinite = z.infer<typeof NonFinite>;

export const KpiTolerance = z.object({ abs: z.number(), passLine: z.number(), failLine: z.number() });

/** One KPI of one segment, V1 against V2, with its verdict and why. */
export const KpiLine = z.object({
  segment: z.string(),
  kpi: z.string(),
  v1: z.number().nullable(),
  v2: z.number().nullable(),
  delta: z.number().nullable(),
  relVariance: z.number().nullable().describe('|v2 − v1| / |v1|; 0 when both are 0; null (named in nonFinite) when infinite or a side is missing'),
  tolerance: KpiTolerance,
  verdict: Verdict,
  reason: z.string(),
  noise: z.boolean().optional().describe('True when the difference is within the V1/V1′ noise floor (verdict then pass)'),
  nonFinite: z.object({
    v1: NonFinite.optional(),
    v2: NonFinite.optional(),
    delta: NonFinite.optional(),
    relVariance: NonFinite.optional(),
  }).optional(),
}).meta({ id: 'KpiLine', description: 'One KPI of one segment, V1 against V2, with its verdict and why' });
export type KpiLine = z.infer<typeof KpiLine>;

/** A reconciliation keeps the lines that did not pass, each with its day. */
export const DailyKpiLine = KpiLine.extend({ day: z.string() });
export type DailyKpiLine = z.infer<typeof DailyKpiLine>;

/** A KPI line as a run holds it: a reconciliation's carries its day. */
export type RunKpiLine = KpiLine & { readonly day?: string };

/** The identity and numbers of a KPI line that a review accepts. */
export const KpiDiscrepancy = KpiLine.pick({ segment: true, kpi: true, v1: true, v2: true, relVariance: true });
export type KpiDiscrepancy = z.infer<typeof KpiDiscrepancy>;

export const KpiCounts = z.object({ total: z.number(), pass: z.number(), inconclusive: z.number(), fail: z.number(), noise: z.number() });

export const KpiComparisonPart = z.object({ verdict: Verdict, counts: KpiCounts, kpis: z.array(KpiLine) }).meta({ id: 'KpiComparison' });

export const RowCountsPart = z.looseObject({
  v1: z.number(), v2: z.number(), matched: z.number(), onlyV1: z.number(), onlyV2: z.number(), changed: z.number(),
  duplicateKeysV1: z.number(), duplicateKeysV2: z.number(), excludedV1: z.number(), excludedV2: z.number(),
});

export const ColumnStatsPart = z.looseObject({
  name: z.string(),
  compareAs: z.enum(['numeric', 'text', 'exact']),
  mismatches: z.number(),
  nullMismatches: z.number(),
  maxAbsDiff: z.number().nullable(),
  maxRelDiff: z.number().nullable(),
  tolerance: z.object({ abs: z.number(), rel: z.number() }),
});

export const RowsPart = z.looseObject({
  verdict: Verdict,
  reasons: z.array(z.string()),
  keys: z.array(z.string()),
  rows: RowCountsPart,
  columns: z.array(ColumnStatsPart),
  sample: z.array(z.looseObject({
    keys: z.record(z.string(), z.unknown()),
    kind: z.enum(['changed', 'onlyV1', 'onlyV2']),
    columns: z.array(z.looseObject({ name: z.string(), v1: z.string().nullable(), v2: z.string().nullable() })),
  })),
  mismatches: z.object({ path: z.string(), rows: z.number() }).nullable(),
});

export const ColumnProfilePart = z.object({
  name: z.string(), type: z.string(), nulls: z.number(), nullRate: z.number(),
  nan: z.number(), posInf: z.number(), negInf: z.number(), outOfBounds: z.number(),
  bounds: z.object({ min: z.number().optional(), max: z.number().optional() }).optional(),
});
export const TableProfilePart = z.object({ rows: z.number(), columns: z.array(ColumnProfilePart) }).meta({ id: 'TableProfile' });

export const ReconcileDayPart = z.object({
  day: z.string(),
  kpis: z.number(),
  failing: z.number(),
  worstKpi: z.string().nullable(),
  worstSegment: z.string().nullable(),
  worstRelVariance: z.number().nullable(),
  worstNonFinite: NonFinite.optional(),
  verdict: Verdict,
});

export const ReconcileSummaryPart = z.object({ days: z.number(), daysPassing: z.number(), worstDay: z.string().nullable(), worstKpi: z.string().nullable(), verdict: Verdict });

export const ReconcilePart = z.object({
  dateColumn: z.string(),
  days: z.array(ReconcileDayPart),
  summary: ReconcileSummaryPart,
  kpis: z.array(DailyKpiLine).describe('The lines that did not pass, each with its day'),
});

export const DeclarativePart = z.object({ comparison: KpiComparisonPart, selfCheck: z.object({ v1: KpiComparisonPart, v2: KpiComparisonPart }) });

export const RunResults = z.looseObject({
  input: z.object({ name: z.string().optional(), path: z.string() }).optional(),
  kpis: KpiComparisonPart.optional().describe("The KPI tables' comparison"),
  noise: KpiComparisonPart.optional().describe('V1 against its second run: the noise floor'),
  rows: RowsPart.optional().describe('The keyed loan-level comparison'),
  declarative: DeclarativePart.optional().describe('KPIs computed by the engine from both loan-level outputs'),
  profiles: z.object({ v1: TableProfilePart.optional(), v2: TableProfilePart.optional() }).optional().describe('Data-quality profile of each side'),
  reconcile: ReconcilePart.optional().describe('Day-by-day reconciliation'),
}).describe('Comparison results by name: schema, rows, kpis, declarative, profiles, noise, reconcile…');
export type RunResults = z.infer<typeof RunResults>;
