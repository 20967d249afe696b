/**
 * The run record `run.json`: one zod schema, the source of its TypeScript type and of the committed JSON Schema
 * `schemas/run.schema.json` (`runJsonSchemaText()`; a unit test fails when the file is stale).
 *
 * Paths inside a record are relative to the run folder when they point into it (logs, mismatches.parquet), else
 * absolute. `results` holds what the comparisons returned (schema, rows, kpis, declarative, profiles, noise,
 * reconcile…), JSON-safe, declared by `RunResults` (results.ts): a record whose parts do not fit is not a record.
 */
import { z } from 'zod';
import { RUN_ID_PATTERN } from './id';
import { RunResults } from './results';

/**
 * `stopped`: cancelled (Ctrl+C, the extension's Cancel) and closed by its own process with what it had so far;
 * `interrupted`: its process died (kill -9, a crash) and the store found it at a later start. Neither is evidence.
 */
export const RunStatus = z.enum(['running', 'complete', 'failed', 'stopped', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

export const ColumnSchema = z.object({ name: z.string(), type: z.string() });

export const FileRecord = z.object({
  /** Absolute, or relative to the run folder for files inside it. */
  path: z.string().describe('Absolute path, or relative to the run folder for files inside it'),
  role: z.string().optional().describe('What the file is, e.g. "v1", "v2", "kpis-v1", "mismatches"'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional().describe('sha256 of the file; for a folder or glob, of its sorted per-file hashes'),
  files: z.number().int().nonnegative().optional().describe('Number of files behind the path (folder or glob)'),
  bytes: z.number().nonnegative().optional(),
  rows: z.number().nonnegative().optional(),
  columns: z.array(ColumnSchema).optional(),
});
export type FileRecord = z.infer<typeof FileRecord>;

export const CommandRecord = z.object({
  name: z.string().describe('e.g. "v1", "v2", "v1-noise", "rollback"'),
  argv: z.array(z.string()),
  cwd: z.string(),
  exitCode: z.number().int().nullable().describe('null when killed by a signal or never started'),
  signal: z.string().optional(),
  ms: z.number().nonnegative(),
  log: z.string().optional().describe('Log file, relative to the run folder'),
});
export type CommandRecord = z.infer<typeof CommandRecord>;

export const PhaseRecord = z.object({ name: z.string(), ms: z.number().nonnegative() });
export type PhaseRecord = z.infer<typeof PhaseRecord>;

export const VerdictRecord = z.object({
  verdict: z.enum(['pass', 'inconclusive', 'fail', 'error']),
  reasons: z.array(z.string()),
});
export type VerdictRecord = z.infer<typeof VerdictRecord>;

export const RunRecord = z.object({
  schemaVersion: z.literal(1),
  id: z.string().regex(RUN_ID_PATTERN).describe('Sortable by time: YYYYMMDD-HHMMSS-mmm-<random hex>'),
  kind: z.string().min(1).describe("What ran: 'shadow' | 'compare' | 'reconcile' | 'rollback' | 'perturb' | …"),
  status: RunStatus,
  startedAt: z.string().describe('ISO 8601'),
  endedAt: z.string().optional().describe('ISO 8601; absent while running'),
  argv: z.array(z.string()).optional().describe('The cutover command line that made the run'),
  cwd: z.string().optional(),
  phases: z.array(PhaseRecord),
  commands: z.array(CommandRecord),
  inputs: z.array(FileRecord),
  outputs: z.array(FileRecord),
  thresholds: z.record(z.string(), z.unknown()).describe('The thresholds and tolerances the verdict was judged by'),
  versions: z.object({ cutover: z.string(), duckdb: z.string().optional(), node: z.string() }),
  verdict: VerdictRecord.optional().describe('Absent while running, or when stopped or interrupted'),
  results: RunResults,
  error: z.object({ message: z.string(), kind: z.string().optional() }).optional().describe('Why a failed run failed; for a stopped run, what stopped it (kind "stopped")'),
});
export type RunRecord = z.infer<typeof RunRecord>;

export function runJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RunRecord, { target: 'draft-7' }) as Record<string, unknown>;
  return { ...schema, title: 'Cutover run record (.cutover/runs/<id>/run.json)' };
}

/** The exact text of `schemas/run.schema.json`. */
export function runJsonSchemaText(): string {
  return `${JSON.stringify(runJsonSchema(), null, 2)}\n`;
}
