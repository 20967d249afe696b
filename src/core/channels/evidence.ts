/**
 * A run's evidence as files, ready to publish: `run.json` (the record), `kpis.<format>` (its KPI lines, one row per
 * segment and KPI), `mismatches.<format>` (the mismatching loan-level rows, when the run has them), `gonogo.json`,
 * and `manifest.json` listing each file with its bytes, sha256 and MD5 (and rows for tables). The content depends on
 * the run only (no publish time), so publishing twice writes identical bytes and a second copy is recognised.
 *
 * API: `await buildEvidence(engine, { record, runDir, goNoGo, format, dir })` → Evidence (files in `dir`).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Engine } from '../engine/duckdb';
import { literal } from '../engine/sql';
import type { RunRecord } from '../runs/record';
import type { RunKpiLine } from '../runs/results';

export interface EvidenceFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Base64, as Azure's Content-MD5 holds it. */
  readonly md5: string;
  readonly rows?: number;
}

export interface Evidence {
  readonly dir: string;
  readonly runId: string;
  /** The data files, then `manifest.json` last (the commit marker). */
  readonly files: readonly EvidenceFile[];
  readonly manifest: EvidenceFile;
  /** The KPI lines as CSV beside `dir` (not published as a file): what the database target COPYs. */
  readonly kpisCsv: string;
}

export const EVIDENCE_MANIFEST = 'manifest.json';

async function describeFile(dir: string, name: string, rows?: number): Promise<EvidenceFile> {
  const file = join(dir, name);
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  await pipeline(createReadStream(file), async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      sha.update(chunk);
      md5.update(chunk);
    }
    yield* [];
  });
  return { name, bytes: (await stat(file)).size, sha256: sha.digest('hex'), md5: md5.digest('base64'), ...(rows === undefined ? {} : { rows }) };
}

function copyOptions(format: 'parquet' | 'csv'): string {
  return format === 'parquet' ? '(FORMAT parquet)' : '(FORMAT csv, HEADER true)';
}

/** The run's KPI lines as published (one per segment, KPI and day; `day` null outside reconcile runs). */
export function kpiLines(record: RunRecord): KpiLineRow[] {
  const lines: readonly RunKpiLine[] = record.results.kpis?.kpis ?? record.results.reconcile?.kpis ?? [];
  return lines.map((k) => ({
    segment: k.segment, kpi: k.kpi, day: k.day ?? null, v1: k.v1, v2: k.v2, delta: k.delta,
    rel_variance: k.relVariance, verdict: k.verdict, reason: k.reason,
  }));
}

export interface KpiLineRow {
  readonly segment: string;
  readonly kpi: string;
  readonly day: string | null;
  readonly v1: number | null;
  readonly v2: number | null;
  readonly delta: number | null;
  readonly rel_variance: number | null;
  readonly verdict: string;
  readonly reason: string;
}

export async function buildEvidence(engine: Engine, request: {
  readonly record: RunRecord;
  readonly runDir: string;
  readonly goNoGo: unknown;
  readonly format: 'parquet' | 'csv';
  readonly dir: string;
}): Promise<Evidence> {
  const { record, runDir, format, dir } = request;
  await mkdir(dir, { recursive: true });
  const files: EvidenceFile[] = [];
  const json = async (name: string, value: unknown): Promise<void> => {
    await writeFile(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
    files.push(await describeFile(dir, name));
  };
  await json('run.json', record);

  // KPI lines through a JSON file DuckDB reads with declared types, so an empty run still has a typed (empty) table.
  const lines = kpiLines(record);
  const linesFile = join(dir, '.kpis.jsonl');
  await writeFile(linesFile, lines.map((l) => JSON.stringify(l)).join('\n'));
  const kpisName = `kpis.${format}`;
  const columns = "{segment: 'VARCHAR', kpi: 'VARCHAR', day: 'VARCHAR', v1: 'DOUBLE', v2: 'DOUBLE', delta: 'DOUBLE', rel_variance: 'DOUBLE', verdict: 'VARCHAR', reason: 'VARCHAR'}";
  const source = lines.length > 0
    ? `read_json(${literal(linesFile)}, format = 'newline_delimited', columns = ${columns})`
    : `(SELECT * FROM read_json(${literal(linesFile)}, format = 'newline_delimited', columns = ${columns}) LIMIT 0)`;
  await engine.exec(`COPY (SELECT * FROM ${source} ORDER BY segment, kpi, day) TO ${literal(join(dir, kpisName))} ${copyOptions(format)}`);
  await engine.exec(`COPY (SELECT * FROM ${source} ORDER BY segment, kpi, day) TO ${literal(`${dir}.kpis.csv`)} (FORMAT csv, HEADER true)`);
  await rm(linesFile);
  files.push(await describeFile(dir, kpisName, lines.length));

  const mismatches = record.results.rows?.mismatches;
  if (mismatches && existsSync(join(runDir, mismatches.path))) {
    const name = `mismatches.${format}`;
    await engine.exec(`COPY (SELECT * FROM read_parquet(${literal(join(runDir, mismatches.path))})) TO ${literal(join(dir, name))} ${copyOptions(format)}`);
    files.push(await describeFile(dir, name, mismatches.rows));
  }
  await json('gonogo.json', request.goNoGo);

  const manifest = { runId: record.id, kind: record.kind, verdict: record.verdict?.verdict ?? null, endedAt: record.endedAt ?? null, files };
  await writeFile(join(dir, EVIDENCE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, runId: record.id, files, manifest: await describeFile(dir, EVIDENCE_MANIFEST), kpisCsv: `${dir}.kpis.csv` };
}
