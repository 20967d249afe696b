/**
 * The schema of `cutover.json`: the one source for the CLI's validation, the defaults every caller sees, and the
 * JSON Schema VS Code uses for completion and hover docs (`schemas/cutover.schema.json`, generated from this file).
 * Every object is strict, so a misspelt key is an error rather than a silently ignored setting.
 */
import { z } from 'zod';
import { defaultFailLine, defaultPassLine } from '../engine/judge';
import { memoryLimitProblem } from '../engine/memory';
import { MonitoringSchema } from '../metrics/settings';

/** Placeholders a pipeline, rollback or forward command may use; anything else in `${…}` is a typo. */
export const PLACEHOLDERS = ['input', 'output', 'runDir', 'workspaceFolder', 'config'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER_RE = /\$\{([^}]*)\}/g;

function checkPlaceholders(args: readonly string[], ctx: z.RefinementCtx): void {
  args.forEach((arg, index) => {
    for (const match of arg.matchAll(PLACEHOLDER_RE)) {
      const name = match[1] ?? '';
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `unknown placeholder \${${name}} (known: ${PLACEHOLDERS.map((p) => `\${${p}}`).join(', ')})`,
        });
      }
    }
  });
}

const commandLine = (what: string) =>
  z
    .array(z.string())
    .min(1)
    .superRefine(checkPlaceholders)
    .describe(
      `${what} as an argument array (no shell): the first element is the executable. Placeholders substituted in ` +
        'each argument: ${input}, ${output}, ${runDir}, ${workspaceFolder}, and in a pipeline command ${config} (its first configFiles entry; ' +
        '`cutover explain` passes a copy with keys set back to V1\'s values).',
    );

const tableFormat = z.enum(['parquet', 'csv']).describe('File format of the table. Default: inferred from the extension, else parquet.');

const KpiOutputSchema = z
  .strictObject({
    path: z.string().min(1).describe('Path of the KPI table, relative to ${output}.'),
    format: tableFormat.optional(),
    layout: z
      .enum(['long', 'wide'])
      .default('long')
      .describe('long: one row per (segment, kpi, value); wide: one row per segment, one column per KPI.'),
  })
  .describe('The KPI table the pipeline writes.');

const LoanOutputSchema = z
  .strictObject({
    path: z.string().min(1).describe('Path of the loan-level table, relative to ${output}.'),
    format: tableFormat.optional(),
  })
  .describe('The loan-level table the pipeline writes (compared row by row on compare.keys).');

export const PipelineSchema = z
  .strictObject({
    command: commandLine('The command that runs the pipeline'),
    cwd: z.string().optional().describe('Working directory, relative to the folder of cutover.json. Default: that folder.'),
    env: z.record(z.string(), z.string()).optional().describe('Environment variables added to the inherited environment.'),
    configFiles: z
      .array(z.string())
      .optional()
      .describe('The pipeline\'s own configuration files (relative to cutover.json); recorded with checksums in each run.'),
    outputs: z
      .strictObject({
        kpis: KpiOutputSchema,
        loans: LoanOutputSchema.optional(),
      })
      .describe('The tables the pipeline writes under ${output}.'),
  })
  .superRefine((p, ctx) => {
    if ((p.configFiles ?? []).length === 0 && p.command.some((arg) => arg.includes('${config}'))) {
      ctx.addIssue({ code: 'custom', path: ['command'], message: '${config} is the first of configFiles, and configFiles names none' });
    }
  })
  .describe('How to run one pipeline and where it writes.');

export const InputSchema = z
  .strictObject({
    path: z.string().min(1).describe('File, glob or folder of the input data, relative to cutover.json.'),
    format: tableFormat.optional(),
    partitioning: z.literal('hive').optional().describe('hive: the folder holds key=value sub-folders (e.g. as_of_date=2025-12-01).'),
    dateColumn: z.string().optional().describe('Column holding the business date, for reconciliation over dated partitions.'),
    description: z.string().optional().describe('What this input is for (shown in pickers).'),
    generatedBy: z.string().optional().describe('The command that creates this input, printed when it is missing.'),
  })
  .describe('A named input dataset.');

const ToleranceSchema = z.strictObject({
  abs: z.number().nonnegative().optional().describe('Absolute tolerance: |v2 - v1| <= abs + rel * |v1| counts as equal.'),
  rel: z.number().nonnegative().optional().describe('Relative tolerance, a fraction of |v1|, V1 being the reference (0.001 = 0.1%).'),
});

const KpiToleranceSchema = z.strictObject({
  abs: z.number().nonnegative().optional().describe('Absolute slack for this KPI: pass when |v2 - v1| <= abs + passLine * |v1|.'),
  passLine: z.number().nonnegative().optional().describe('Relative variance at or below which this KPI passes.'),
  failLine: z.number().nonnegative().optional().describe('Relative variance above which this KPI fails.'),
});

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier (letters, digits, _)');

export const DeclarativeKpisSchema = z
  .strictObject({
    definitions: z
      .array(
        z.strictObject({
          name: identifier.describe('KPI name, as it appears in the KPI tables.'),
          sql: z.string().min(1).describe('SQL aggregate expression over the loan-level table, e.g. sum(balance).'),
          description: z.string().optional(),
        }),
      )
      .default([])
      .describe('KPIs defined as SQL aggregates over the loan-level output.'),
    dimensions: z
      .array(z.string())
      .default([])
      .describe('Loan-level columns to segment by (each gives segments "<column>=<value>"); the total is always computed.'),
    composites: z
      .array(
        z.strictObject({
          name: identifier.describe('Composite KPI name.'),
          expr: z.string().min(1).describe('Arithmetic over other KPI names, e.g. dq90 / dq30.'),
          description: z.string().optional(),
        }),
      )
      .default([])
      .describe('KPIs computed from other KPIs of the same segment.'),
  })
  .describe('Declarative KPIs the engine computes itself on both loan-level outputs: an independent check of each pipeline.');

export const CompareSchema = z
  .strictObject({
    keys: z.array(z.string()).min(1).describe('Columns that identify a row of the loan-level output (e.g. ["loan_id"]).'),
    segmentColumns: z
      .array(z.string())
      .min(1)
      .default(['segment'])
      .describe('Columns that identify a segment in the KPI tables.'),
    passLine: z.number().nonnegative().default(defaultPassLine).describe('Relative variance at or below which a KPI passes (0.001 = 0.1%).'),
    failLine: z.number().nonnegative().default(defaultFailLine).describe('Relative variance above which a KPI fails (0.01 = 1%); in between is inconclusive.'),
    tolerances: z
      .strictObject({
        default: ToleranceSchema.optional().describe('Tolerance for every loan-level numeric column without its own (default exact).'),
        kpis: z.record(z.string(), KpiToleranceSchema).optional().describe('Per-KPI absolute slack and pass/fail lines, by KPI name.'),
        columns: z.record(z.string(), ToleranceSchema).optional().describe('Per-column tolerances for the loan-level comparison.'),
      })
      .optional()
      .describe('Tolerances: a loan-level difference within abs + rel * |v1| counts as equal; a KPI passes within abs + passLine * |v1|.'),
    ignoreColumns: z.array(z.string()).default([]).describe('Loan-level columns left out of the comparison.'),
    memoryLimit: z
      .string()
      .optional()
      .superRefine((text, ctx) => {
        const problem = text === undefined ? undefined : memoryLimitProblem(text);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('Memory the engine may use while comparing outputs before it spills to disk: a size (4GB, 512MiB) or a share of RAM (50%). Default 50% of RAM; the same as `cutover compare --memory-limit`.'),
    tempDirectory: z
      .string()
      .optional()
      .describe('Folder, relative to this file, in which the engine makes its spill folder (default the OS temp dir); the spill folder is removed afterwards.'),
    ignoreSpaces: z.boolean().default(false).describe('Loan-level strings (values and keys): ignore surrounding whitespace, e.g. CHAR padding.'),
    ignoreCase: z.boolean().default(false).describe('Loan-level strings (values and keys): ignore case.'),
    ignoreColumnCase: z.boolean().default(false).describe('Match loan-level column names ignoring case (e.g. Oracle/Snowflake upper-case names).'),
    columnMap: z.record(z.string(), z.string()).default({}).describe('Renamed loan-level columns: V1 name → V2 name.'),
    types: z
      .record(z.string(), z.string())
      .default({})
      .describe('Loan-level columns read as this DuckDB type on both sides, e.g. { "refer_nr": "VARCHAR" }.'),
    nullKeysMatch: z
      .boolean()
      .default(false)
      .describe('Pair loan-level rows whose keys are equal counting null as a value (default: a row with a null key part never matches).'),
    kpis: DeclarativeKpisSchema.optional(),
    bounds: z
      .record(
        z.string(),
        z.strictObject({
          min: z.number().optional().describe('Smallest plausible value.'),
          max: z.number().optional().describe('Largest plausible value.'),
        }),
      )
      .optional()
      .describe('Plausible range per loan-level column; values outside are counted in the data-quality profile.'),
  })
  .superRefine((c, ctx) => {
    if (c.passLine > c.failLine) {
      ctx.addIssue({ code: 'custom', path: ['passLine'], message: `passLine (${c.passLine}) must not exceed failLine (${c.failLine})` });
    }
  })
  .describe('How V1 and V2 outputs are compared.');

export const GateSchema = z
  .strictObject({
    kpiVariance: z.number().nonnegative().default(0.01).describe('No-go above this worst KPI relative variance (0.01 = 1%).'),
    errorRate: z
      .number()
      .nonnegative()
      .default(0.001)
      .describe('No-go above this error rate: share of V1 loan-level rows missing in V2 (0.001 = 0.1%); a failed pipeline is 100%.'),
    latencySeconds: z.number().positive().default(30).describe('No-go above this V2 pipeline wall time, in seconds.'),
    nullRate: z.number().nonnegative().default(0.01).describe('No-go above this worst null rate over V2\'s output columns (0.01 = 1%).'),
  })
  .describe('Go/no-go thresholds (the plan\'s rollback criteria).');

export const PerformanceSchema = z
  .strictObject({
    seconds: z
      .record(z.string().regex(/^\d+(\.\d+)?[kKmM]?$/, 'a row count such as 10k, 100k, 1m or 2500'), z.number().positive())
      .default({})
      .describe('Most wall-clock seconds a pipeline may take, by input size, e.g. { "100k": 10 } (the plan: < 10 s end-to-end for 100k rows).'),
    maxCpuPercent: z.number().positive().max(100).optional().describe('Most CPU the pipeline\'s process tree may use at its peak, as % of the whole machine (the plan: < 80%).'),
    maxRssMB: z.number().positive().optional().describe('Most resident memory the pipeline\'s process tree may hold at its peak, in MB.'),
    leakMBPerHour: z.number().nonnegative().optional().describe('Soak: most growth of peak memory per hour (upper end of the 95% confidence interval) still called stable.'),
    minSoakIterations: z.number().int().min(3).default(10).describe('Soak: iterations needed before memory can be called stable; fewer is inconclusive.'),
  })
  .describe('Thresholds for `cutover load` and `cutover soak`: a figure past its threshold fails; a figure that could not be measured is inconclusive.');

const switchSchema = (what: string) =>
  z
    .strictObject({
      command: commandLine(`The command that ${what}`),
      verify: z.array(z.string()).min(1).superRefine(checkPlaceholders).optional().describe('A command that checks the switch worked (exit 0 = verified).'),
      budgetSeconds: z.number().positive().default(300).describe('Time budget for command + verify, in seconds.'),
      cwd: z.string().optional().describe('Working directory, relative to the folder of cutover.json.'),
    })
    .describe(`How to ${what}.`);

/** Where to set a channel secret: said by every error and schema text about one, so they never disagree. */
export const SET_SECRET_HINT = 'set it in the shell that starts VS Code or runs cutover, or in VS Code with "Cutover: Set Channel Secret…"';

/** An environment variable's name: channels name where a secret is, never the secret itself. */
const envVarName = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, _), not the secret itself')
    .describe(`Name of the environment variable holding ${what} (${SET_SECRET_HINT}); the value never goes into cutover.json, run records or logs.`);

/** `${side}` in a channel's location stands for v1 or v2: needed when a channel carries both sides. */
export const CHANNEL_SIDE_PLACEHOLDER = '${side}';

const channelBase = {
  output: z.enum(['kpis', 'loans']).describe('The pipeline output this channel carries (pipelines.<side>.outputs.<output>).'),
  sides: z
    .array(z.enum(['v1', 'v2']))
    .min(1)
    .default(['v2'])
    .describe('The pipeline side(s) that deliver to this channel. Default ["v2"]; with both, the location must contain ${side}.'),
};

const fileChannel = (type: 'parquet' | 'csv') =>
  z.strictObject({
    type: z.literal(type),
    ...channelBase,
    path: z.string().min(1).describe(`A ${type === 'parquet' ? 'Parquet' : 'CSV'} file, a folder of them, or a hive layout (key=value sub-folders), relative to cutover.json; \${side} allowed.`),
  }).describe(`Local ${type === 'parquet' ? 'Parquet' : 'CSV'} export.`);

const azureSecrets = {
  connectionStringEnv: envVarName('the storage account connection string').optional(),
  accountUrlEnv: envVarName('the account URL with a SAS token').optional(),
};
const oneAzureSecret = [
  (c: { connectionStringEnv?: string | undefined; accountUrlEnv?: string | undefined }) => (c.connectionStringEnv === undefined) !== (c.accountUrlEnv === undefined),
  { message: 'give exactly one of connectionStringEnv and accountUrlEnv' },
] as const;

const AzureBlobChannelSchema = z
  .strictObject({
    type: z.literal('azureBlob'),
    ...channelBase,
    container: z.string().min(1).describe('The blob container.'),
    prefix: z.string().min(1).describe('The blob name, or a folder-like prefix ending in "/" whose blobs together are the delivery; ${side} allowed.'),
    format: tableFormat.optional(),
    ...azureSecrets,
  })
  .refine(...oneAzureSecret)
  .describe('Azure Blob Storage upload; each blob is downloaded into the run folder and its Content-MD5 checked.');

/** Supabase is reached over its Postgres connection (bulk: COPY) or its REST API (PostgREST, through supabase-js). */
const supabaseSecrets = {
  connectionStringEnv: envVarName('the Supabase database (PostgreSQL) connection string, for bulk work through pg').optional(),
  urlEnv: envVarName('the Supabase project URL (https://<project>.supabase.co), for the REST API through supabase-js (with keyEnv)').optional(),
  keyEnv: envVarName('a Supabase API key for the REST API (with urlEnv)').optional(),
};
const oneSupabaseRoute = [
  (c: { connectionStringEnv?: string | undefined; urlEnv?: string | undefined; keyEnv?: string | undefined }) =>
    (c.urlEnv === undefined) === (c.keyEnv === undefined) && (c.connectionStringEnv === undefined) !== (c.urlEnv === undefined),
  { message: 'give either connectionStringEnv (PostgreSQL, for bulk work) or both urlEnv and keyEnv (the REST API through supabase-js)' },
] as const;

const SupabaseChannelSchema = z
  .strictObject({
    type: z.literal('supabase'),
    ...channelBase,
    table: z.string().min(1).describe('The table the pipeline writes; ${side} allowed.'),
    schema: z.string().min(1).default('public').describe('The table\'s PostgreSQL schema.'),
    ...supabaseSecrets,
  })
  .refine(...oneSupabaseRoute)
  .describe('Supabase database write, read back with COPY … TO STDOUT over the Postgres connection (pg), or page by page through the REST API (supabase-js; every page counted, never one trusted alone).');

/** The manifest fields checked when a manifest channel names none (`[]` means every entry of the list). */
export const DEFAULT_MANIFEST_FIELDS = [
  'runId',
  'pipeline.name',
  'pipeline.version',
  'input.sha256',
  'createdAt',
  'outputs[].channel',
  'outputs[].location',
  'outputs[].rows',
  'outputs[].sha256',
  'outputs[].schema',
] as const;

const ManifestChannelSchema = z
  .strictObject({
    type: z.literal('manifest'),
    path: z.string().min(1).describe('The manifest JSON file the pipeline writes, relative to cutover.json; ${side} allowed.'),
    sides: channelBase.sides,
    required: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\[\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\])?)*$/, 'a field path such as pipeline.version or outputs[].rows'))
      .min(1)
      .default([...DEFAULT_MANIFEST_FIELDS])
      .describe(`Fields the manifest must have (dotted paths, [] for every list entry). Default: ${DEFAULT_MANIFEST_FIELDS.join(', ')}.`),
  })
  .describe('The manifest the pipeline writes beside its deliveries: checked for its required fields and against what was delivered.');

export const ChannelSchema = z
  .discriminatedUnion('type', [fileChannel('parquet'), fileChannel('csv'), AzureBlobChannelSchema, SupabaseChannelSchema, ManifestChannelSchema])
  .superRefine((c, ctx) => {
    const location = c.type === 'azureBlob' ? 'prefix' : c.type === 'supabase' ? 'table' : 'path';
    const value = (c as Record<string, unknown>)[location] as string;
    if (c.sides.length > 1 && !value.includes(CHANNEL_SIDE_PLACEHOLDER)) {
      ctx.addIssue({ code: 'custom', path: [location], message: `carries ${c.sides.join(' and ')}: ${location} must contain ${CHANNEL_SIDE_PLACEHOLDER} so the deliveries do not overwrite each other` });
    }
  })
  .describe('An output channel: where a pipeline delivers an output, read back and checked by `cutover channels validate`.');

/** Where `cutover publish` puts a run's evidence; each run under its own id, the manifest written last. */
export const PublishTargetSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('folder'),
      path: z.string().min(1).describe('A folder, relative to cutover.json: each run goes to <path>/<run id>/.'),
      format: tableFormat.default('parquet'),
    }).describe('Local Parquet or CSV files.'),
    z.strictObject({
      type: z.literal('azureBlob'),
      container: z.string().min(1).describe('The blob container (created if missing).'),
      prefix: z.string().default('cutover/').describe('Blob name prefix: each run goes under <prefix><run id>/.'),
      format: tableFormat.default('parquet'),
      ...azureSecrets,
    }).refine(...oneAzureSecret).describe('Azure Blob Storage: each blob uploaded with its MD5, verified after.'),
    z.strictObject({
      type: z.literal('supabase'),
      schema: z.string().min(1).default('public').describe('The PostgreSQL schema of the tables cutover_runs and cutover_kpis (created if missing over a connection string; over the REST API they must exist).'),
      ...supabaseSecrets,
    }).refine(...oneSupabaseRoute).describe('Supabase database: the tables cutover_runs and cutover_kpis, written in one transaction (connection string), or upserted in batches through the REST API, the run\'s row last.'),
  ])
  .describe('A place `cutover publish --to NAME` writes a run\'s evidence: its record, KPI table, mismatching rows and go/no-go.');

/** How long evidence counts before a criterion it meets is shown as stale: a week unless cutover.json says otherwise. */
export const DEFAULT_EVIDENCE_MAX_AGE_HOURS = 168;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch (error) {
    if (error instanceof SyntaxError) return false;
    throw error;
  }
}

const runKind = z.string().min(1).describe("The kind of run, as recorded: 'shadow', 'reconcile', 'channels', 'load', 'soak', 'rollback', 'forward', 'runbook'…");

/** The typed evidence rules a plan criterion can be decided by (src/core/readiness/rules.ts evaluates them). */
export const EvidenceRuleSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('reconcile'),
      minDays: z.number().int().positive().default(30).describe('The latest reconcile run must cover at least this many days.'),
      maxVariance: z.number().nonnegative().default(0.001).describe('Its worst KPI relative variance, accepted reviews left out (and listed), must be below this (0.001 = 0.1%).'),
    }).describe('The latest reconcile run: days covered and worst variance.'),
    z.strictObject({
      kind: z.literal('channels'),
      types: z.array(z.enum(['parquet', 'csv', 'azureBlob', 'supabase', 'manifest'])).min(1).optional().describe('Only channels of these types (default every channel).'),
    }).describe('The latest channels run passes on every channel (cutover channels validate).'),
    z.strictObject({ kind: z.literal('manifest') }).describe('The latest channels run checked a manifest, and every manifest check passed.'),
    z.strictObject({
      kind: z.literal('load'),
      size: z.string().regex(/^\d+(\.\d+)?[kKmM]?$/, 'a row count such as 10k, 100k, 1m').default('100k').describe('The input size whose sequential runs are judged.'),
      maxSeconds: z.number().positive().optional().describe('Slowest sequential wall time at that size must be below this.'),
      maxCpuPercent: z.number().positive().max(100).optional().describe('Peak CPU (% of the machine) at that size must be below this.'),
      maxCorruptionEvents: z.number().int().nonnegative().optional().describe('Parallel copies whose output differed from the reference: at most this many (needs --parallel > 1).'),
    }).describe('The latest load run (cutover load).'),
    z.strictObject({
      kind: z.literal('soak'),
      minHours: z.number().positive().default(24).describe('The latest soak must have lasted at least this long.'),
      maxSlopeMBPerHour: z.number().nonnegative().optional().describe('Highest upper 95% bound of the memory slopes must be below this (default performance.leakMBPerHour).'),
    }).describe('The latest soak run: its length, memory slope, and zero unrecovered failures, zombies or orphans.'),
    z.strictObject({
      kind: z.literal('rollback'),
      maxSeconds: z.number().positive().default(300).describe('The latest rollback (command + verify) must take less than this.'),
      requireForward: z.boolean().default(true).describe('A passing roll forward must have run after it.'),
    }).describe('The latest rollback: timed, verified, and followed by a roll forward.'),
    z.strictObject({
      kind: z.literal('shadowLogs'),
      pattern: z.string().min(1).refine(isRegExp, 'must be a valid regular expression').default('\\bERROR\\b').describe('A regular expression no line of the pipelines\' logs may match.'),
    }).describe("The latest shadow run's pipeline logs hold no line matching the pattern (default ERROR)."),
    z.strictObject({
      kind: z.literal('gate'),
    }).describe('The go/no-go of the latest shadow run (cutover gate) is go.'),
    z.strictObject({ kind: z.literal('discrepancies') }).describe('Every KPI line of the latest shadow run that did not pass is accepted by a review in force (who, when, why listed).'),
    z.strictObject({ kind: z.literal('runStore') }).describe('Every run folder of the store holds a readable, valid run record (none corrupted), and there is at least one.'),
    z.strictObject({
      kind: z.literal('signoff'),
      role: z.string().min(1).describe('The role whose sign-off decides it, as given to cutover signoff --role.'),
    }).describe('A person of that role signed off on the evidence as it is now (.cutover/signoffs.json): a stale sign-off, or a tampered file, is no evidence.'),
    z.strictObject({
      kind: z.literal('runs'),
      run: runKind,
      inputs: z.array(z.string().min(1)).min(1).optional().describe('Each of these named inputs needs a run of its own (default: the latest run of any input).'),
      verdicts: z.array(z.enum(['pass', 'inconclusive', 'fail'])).min(1).default(['pass']).describe('Verdicts that meet the rule; the run must also have completed.'),
    }).describe('The latest run of a kind (per input) completed with one of the verdicts.'),
    z.strictObject({
      kind: z.literal('field'),
      run: runKind,
      path: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'a dotted path such as results.kpis.counts.fail').describe('A dotted path into the run record, e.g. results.kpis.counts.fail or verdict.verdict; the latest completed run of that kind that has the field is used.'),
      op: z.enum(['<', '<=', '==', '!=', '>=', '>']).describe('How the field compares with value.'),
      value: z.union([z.number(), z.string(), z.boolean()]).describe('The value to compare with (numbers compare as numbers, others by equality).'),
    }).describe('A comparison of one field of the latest run of a kind with a value: simple rules without code.'),
  ])
  .describe('The evidence that decides a criterion, read from the run store.');

export const CriterionMappingSchema = z
  .strictObject({
    match: z.string().min(1).describe('The criterion or task it decides: its text as the plan shows it (without ✓ and markdown), or the id the plan gives it in an HTML comment <!-- id: … -->.'),
    rule: EvidenceRuleSchema.optional(),
    unprovable: z.string().min(1).optional().describe('Why no recorded run can decide this criterion (it then stays "no evidence" with this reason).'),
    maxAgeHours: z.number().positive().optional().describe('Evidence older than this is stale (default criteria.maxAgeHours).'),
  })
  .refine((m) => (m.rule === undefined) !== (m.unprovable === undefined), { message: 'give exactly one of rule and unprovable' })
  .describe("One of the plan's criteria (or a task) decided by evidence.");

export const CriteriaSchema = z
  .strictObject({
    maxAgeHours: z.number().positive().default(DEFAULT_EVIDENCE_MAX_AGE_HOURS).describe('Evidence older than this many hours is stale.'),
    rules: z.array(CriterionMappingSchema).default([]).describe("The plan's success criteria, each mapped to an evidence rule (or to why it cannot be proved)."),
  })
  .describe('Success criteria decided by evidence: `cutover readiness`, the Checklist and sign-offs read them.');

export const CutoverConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema of this file.'),
    plans: z.array(z.string()).default([]).describe('Cutover plan markdown files (globs, relative to this file).'),
    runbooks: z.string().default('runbooks').describe('Folder of runbooks, relative to this file.'),
    pipelines: z
      .strictObject({ v1: PipelineSchema, v2: PipelineSchema })
      .describe('The pipeline in production (v1) and its replacement (v2).'),
    inputs: z.record(z.string(), InputSchema).default({}).describe('Named input datasets.'),
    defaultInput: z.string().optional().describe('The input used when none is given. Default: the first one.'),
    compare: CompareSchema.optional(),
    gate: GateSchema.prefault({}),
    performance: PerformanceSchema.optional(),
    rollback: switchSchema('rolls production back to V1').optional(),
    forward: switchSchema('rolls production forward to V2').optional(),
    channels: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a channel name (letters, digits, _ . -)'), ChannelSchema)
      .default({})
      .describe('Named output channels the pipelines deliver to (Parquet, CSV, Azure Blob, Supabase, manifest).'),
    publish: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a target name (letters, digits, _ . -)'), PublishTargetSchema)
      .default({})
      .describe('Named places `cutover publish --to NAME` writes a run\'s evidence (local folder, Azure Blob, Supabase).'),
    criteria: CriteriaSchema.prefault({}),
    monitoring: MonitoringSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.defaultInput !== undefined && !(c.defaultInput in c.inputs)) {
      const known = Object.keys(c.inputs);
      ctx.addIssue({
        code: 'custom',
        path: ['defaultInput'],
        message: `defaultInput "${c.defaultInput}" is not one of inputs (${known.length > 0 ? known.join(', ') : 'none defined'})`,
      });
    }
  })
  .describe('Cutover workspace configuration: pipelines, inputs, comparison and go/no-go settings.');

/** A parsed `cutover.json` with every default filled in. */
export type CutoverConfig = z.output<typeof CutoverConfigSchema>;
export type PipelineConfig = z.output<typeof PipelineSchema>;
export type InputConfig = z.output<typeof InputSchema>;
export type CompareConfig = z.output<typeof CompareSchema>;
export type GateConfig = z.output<typeof GateSchema>;
export type PerformanceConfig = z.output<typeof PerformanceSchema>;
export type DeclarativeKpisConfig = z.output<typeof DeclarativeKpisSchema>;
export type SwitchConfig = NonNullable<CutoverConfig['rollback']>;
export type ChannelConfig = z.output<typeof ChannelSchema>;
export type PublishTarget = z.output<typeof PublishTargetSchema>;
export type CriteriaConfig = z.output<typeof CriteriaSchema>;
export type CriterionMapping = z.output<typeof CriterionMappingSchema>;
export type EvidenceRule = z.output<typeof EvidenceRuleSchema>;
