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

/** One check of one delivered channel (exists, schema, rows, checksum, md5, contents, manifest fields). */
export const ChannelCheckPart = z.object({ check: z.string(), verdict: Verdict, detail: z.string() });

/** What `cutover channels validate` found for one channel and side: a verdict with its reasons, check by check. */
export const ChannelResultPart = z.object({
  channel: z.string(),
  type: z.enum(['parquet', 'csv', 'azureBlob', 'supabase', 'manifest']),
  side: z.enum(['v1', 'v2']),
  output: z.string().optional().describe('The pipeline output it carries (absent for a manifest)'),
  location: z.string().describe('Where it was read (a path, azure://container/blob, postgres table); never a secret'),
  verdict: Verdict,
  reasons: z.array(z.string()),
  checks: z.array(ChannelCheckPart),
  rows: z.object({ local: z.number().nullable(), delivered: z.number().nullable() }).optional(),
  sha256: z.string().optional().describe('sha256 of the delivered bytes (files and blobs)'),
}).meta({ id: 'ChannelResult' });

export const ChannelsPart = z.object({
  run: z.string().describe('The run whose deliveries were validated'),
  verdict: Verdict,
  channels: z.array(ChannelResultPart),
});

/** Figures of one pipeline run sampled as a process tree (`cutover load`); null where nothing could be measured. */
export const LoadMeasurementPart = z.object({
  pipeline: z.string(),
  size: z.string().describe('Size label, e.g. 100k'),
  rows: z.number(),
  copy: z.number().int().nonnegative().describe('0: the sequential run; 1…N: the copies run at once (--parallel)'),
  exitCode: z.number().int().nullable(),
  signal: z.string().optional(),
  wallSeconds: z.number(),
  rowsPerSecond: z.number().nullable(),
  samples: z.number().int(),
  peakRssBytes: z.number().nullable(), meanRssBytes: z.number().nullable(),
  peakCpuPercent: z.number().nullable().describe('% of the whole machine'), meanCpuPercent: z.number().nullable(),
  peakThreads: z.number().nullable(), peakOpenFiles: z.number().nullable(), peakProcesses: z.number().nullable(),
  leftovers: z.array(z.object({ pid: z.number(), comm: z.string(), kind: z.enum(['zombie', 'orphan']) })).describe('Processes the run left behind (then killed)'),
  log: z.string(),
});

/** One figure judged against its threshold in cutover.json `performance`. */
export const LoadJudgementPart = z.object({
  pipeline: z.string(), size: z.string(), criterion: z.string(),
  value: z.number().nullable(), threshold: z.number().nullable(), verdict: Verdict, reason: z.string(),
});

/** An output file of a parallel copy that differs from the sequential reference run's. */
export const CorruptionEventPart = z.object({
  pipeline: z.string(), size: z.string(), copy: z.number().int(), file: z.string(),
  kind: z.enum(['missing', 'extra', 'different']), expected: z.string().nullable(), actual: z.string().nullable(),
});

/** A PostgreSQL channel's client connections (pg_stat_activity) while the pipelines ran, against max_connections. */
export const ConnectionFiguresPart = z.object({
  channel: z.string(), env: z.string().describe('The variable naming the database (never its value)'),
  maxConnections: z.number().nullable(), baseline: z.number().nullable(), peak: z.number().nullable(),
  note: z.string().optional().describe('Why the figure is missing'),
});

export const LoadPart = z.object({
  sizes: z.array(z.object({ size: z.string(), rows: z.number(), input: z.string() })),
  parallel: z.number().int().positive().describe('Copies run at once per pipeline and size (1: sequential only)'),
  measurements: z.array(LoadMeasurementPart),
  judgements: z.array(LoadJudgementPart),
  corruption: z.array(CorruptionEventPart).describe('Empty when every copy matched the reference (or --parallel was 1)'),
  connections: z.array(ConnectionFiguresPart).optional().describe('PostgreSQL channels: client connections held on the server while the pipelines ran (pg_stat_activity), against max_connections'),
  summary: z.object({
    seconds100k: z.number().nullable().describe('Slowest sequential wall time at 100k rows; null when not measured'),
    peakCpuPercent: z.number().nullable(), peakRssBytes: z.number().nullable(),
    corruptionEvents: z.number().nullable().describe('null when no parallel copies ran'),
  }).describe('The figures the plan\'s success criteria need'),
}).meta({ id: 'LoadResults' });

/** One pipeline run of one soak iteration. */
export const SoakIterationPart = z.object({
  iteration: z.number().int().positive(),
  pipeline: z.string(),
  startedAt: z.string().describe('ISO 8601'),
  hours: z.number().describe('Hours since the soak began, across resumes'),
  exitCode: z.number().int().nullable(),
  signal: z.string().optional(),
  injected: z.boolean().describe('Killed mid-run on purpose (--inject-failures)'),
  wallSeconds: z.number(),
  peakRssBytes: z.number().nullable(), meanRssBytes: z.number().nullable(),
  peakCpuPercent: z.number().nullable(), meanCpuPercent: z.number().nullable(),
  leftovers: z.array(z.object({ pid: z.number(), comm: z.string(), kind: z.enum(['zombie', 'orphan']) })),
  connections: z.array(z.object({ channel: z.string(), peak: z.number().nullable() })).optional()
    .describe('Per PostgreSQL channel: peak client connections during this run (null when a count failed)'),
});

export const SoakPart = z.object({
  pipelines: z.array(z.string()),
  input: z.string(),
  durationSeconds: z.number(),
  intervalSeconds: z.number(),
  injectFailures: z.number().describe('Share of iterations in which a pipeline is killed mid-run'),
  seed: z.number().int(),
  elapsedSeconds: z.number().describe('Soak time so far, across resumes'),
  sessions: z.number().int().positive().describe('1 + the number of times it was resumed'),
  iterations: z.array(SoakIterationPart),
  leaks: z.array(z.object({
    pipeline: z.string(), iterations: z.number().int(),
    slopeMBPerHour: z.number().nullable(), lowMBPerHour: z.number().nullable(), highMBPerHour: z.number().nullable(),
    thresholdMBPerHour: z.number().nullable(), verdict: Verdict, reason: z.string(),
  })).describe('Slope of peak RSS over the soak per pipeline, with its 95% interval; empty while running'),
  failures: z.array(z.object({
    iteration: z.number().int(), pipeline: z.string(), injected: z.boolean(),
    recovered: z.boolean().nullable().describe("The pipeline's next iteration succeeded; null when none followed"),
  })),
  summary: z.object({
    worstSlopeMBPerHour: z.number().nullable().describe('Highest upper 95% bound of the memory slopes'),
    zombies: z.number().int(), orphans: z.number().int(), failures: z.number().int(), unrecovered: z.number().int(),
  }).describe('The figures the plan\'s success criteria need'),
  connections: z.array(ConnectionFiguresPart).optional().describe('PostgreSQL channels over the whole soak (this session), against max_connections'),
}).meta({ id: 'SoakResults' });

/** One pipeline run of an explanation: V2 with some configuration keys set back to V1's values. */
export const ExplainSubRunPart = z.object({
  name: z.string().describe("The command's name in the record: key-1 … key-N, or all"),
  status: z.enum(['ok', 'rejected', 'failed', 'cancelled']).describe('rejected: the pipeline exited non-zero with the reverted value; failed: it could not start or its outputs could not be compared'),
  exitCode: z.number().int().nullable(),
  reason: z.string().optional().describe('Why the run is not ok (exit code and the last lines of its log, or the error)'),
  log: z.string().describe('Log file, relative to the run folder'),
});

/** A configuration key in which V1 and V2 differ, and what setting it back does to V2's outputs. */
export const ExplainKeyPart = z.object({
  key: z.string().describe('Dotted path, e.g. delinquency.pastDueWhen'),
  path: z.array(z.string()),
  line: z.number().int().nullable().describe("0-based line of the key in V2's configuration file (its parent's when V2 removed it)"),
  v1: z.unknown().optional().describe("V1's value (absent when V1 does not have the key)"),
  v2: z.unknown().optional().describe("V2's value (absent when V2 does not have the key)"),
  run: ExplainSubRunPart,
  effects: z.array(z.object({
    kpi: z.string(),
    segments: z.number().int().describe('Segments whose V2 value moves with this key'),
    largestRelChange: z.number().nullable().describe('Signed (V2 − V2 with the key reverted) / |V2 with the key reverted| of the segment that moves most; null when that base is 0'),
    largestSegment: z.string(),
    fixes: z.number().int().describe('Lines of this KPI that did not pass and pass with this key reverted'),
  })).describe('KPIs this key moves (empty: no effect on KPIs); empty too when its run was not ok'),
  columns: z.array(z.object({
    name: z.string(),
    mismatches: z.number(), mismatchesReverted: z.number(),
    maxAbsDiff: z.number().nullable(), maxAbsDiffReverted: z.number().nullable(),
  })).describe('Loan-level columns whose difference from V1 shrinks with this key reverted'),
});

/** A KPI line of the shadow run that did not pass, and what caused it. */
export const ExplainLinePart = KpiDiscrepancy.extend({
  verdict: Verdict,
  causeKind: z.enum(['key', 'interaction', 'code', 'unknown']).describe('key: one key reverted brings it within tolerance; interaction: only all keys reverted together do; code: it stays out of tolerance with every key reverted'),
  cause: z.string().describe('The key, "a + b" for an interaction, "code", or "unknown"'),
  shares: z.array(z.object({ key: z.string(), share: z.number() })).describe("Each key's share of the variance: how much of |V2 − V1| its reversal removes (0…1)"),
  remainder: z.number().nullable().describe('Share of the variance left with every key reverted (the code\'s part); null when that run was not ok'),
  reason: z.string(),
});

export const ExplainPart = z.object({
  shadowRun: z.string().describe('The shadow run explained'),
  files: z.object({ v1: z.string(), v2: z.string() }).describe('The configuration files compared (absolute)'),
  keys: z.array(ExplainKeyPart),
  all: ExplainSubRunPart.nullable().describe('V2 with every differing key reverted; null when no key differs'),
  lines: z.array(ExplainLinePart),
  counts: z.object({ lines: z.number().int(), key: z.number().int(), interaction: z.number().int(), code: z.number().int(), unknown: z.number().int() }),
}).meta({ id: 'ExplainResults' });
export type ExplainResults = z.infer<typeof ExplainPart>;
export type ExplainKey = z.infer<typeof ExplainKeyPart>;
export type ExplainLine = z.infer<typeof ExplainLinePart>;
export type ExplainSubRun = z.infer<typeof ExplainSubRunPart>;

export const RunResults = z.looseObject({
  input: z.object({ name: z.string().optional(), path: z.string() }).optional(),
  kpis: KpiComparisonPart.optional().describe("The KPI tables' comparison"),
  noise: KpiComparisonPart.optional().describe('V1 against its second run: the noise floor'),
  rows: RowsPart.optional().describe('The keyed loan-level comparison'),
  declarative: DeclarativePart.optional().describe('KPIs computed by the engine from both loan-level outputs'),
  profiles: z.object({ v1: TableProfilePart.optional(), v2: TableProfilePart.optional() }).optional().describe('Data-quality profile of each side'),
  reconcile: ReconcilePart.optional().describe('Day-by-day reconciliation'),
  soak: SoakPart.optional().describe('Soak iterations as they ran, memory slope, zombies and orphans, failures and recovery'),
  load: LoadPart.optional().describe('Load and concurrency figures per pipeline and size, judged against cutover.json performance'),
  explain: ExplainPart.optional().describe('Which configuration key moved which KPI (cutover explain)'),
  channels: ChannelsPart.optional().describe("Output channels: each delivery read back and checked against the run's local output"),
  direction: z.enum(['rollback', 'forward']).optional().describe('A switch run (rollback or forward): its direction'),
  totalMs: z.number().nonnegative().optional().describe('A switch run: command + verify wall time, in ms'),
  budgetSeconds: z.number().positive().optional().describe("A switch run: its time budget, in seconds"),
}).describe('Comparison results by name: schema, rows, kpis, declarative, profiles, noise, reconcile, channels…');
export type RunResults = z.infer<typeof RunResults>;
export type LoadResults = z.infer<typeof LoadPart>;
export type SoakResults = z.infer<typeof SoakPart>;
export type SoakIteration = z.infer<typeof SoakIterationPart>;
export type LoadMeasurement = z.infer<typeof LoadMeasurementPart>;
export type LoadJudgement = z.infer<typeof LoadJudgementPart>;
export type CorruptionEvent = z.infer<typeof CorruptionEventPart>;
export type ConnectionFigures = z.infer<typeof ConnectionFiguresPart>;
export type ChannelResult = z.infer<typeof ChannelResultPart>;
export type ChannelCheck = z.infer<typeof ChannelCheckPart>;
export type ChannelsResult = z.infer<typeof ChannelsPart>;
