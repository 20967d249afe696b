/**
 * A workspace with a recorded shadow run (its local V2 outputs written by DuckDB, 50 loans and their KPIs) and
 * cutover.json channels delivering them to a local Parquet file, a CSV file, a blob in a real azurite and a table in
 * a real PostgreSQL, with a manifest. `deliver()` writes every delivery from the local outputs, with one fault
 * injected when asked, so each test starts from a delivery that is right but for what it breaks.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openEngine } from '../../../src/core/engine/duckdb';
import { sha256File } from '../../../src/core/runs/hash';
import type { KpiLine } from '../../../src/core/runs/results';
import { RunStore } from '../../../src/core/runs/store';

export const CONTAINER = 'deliveries';
export const BLOB = 'v2/loans.parquet';
export const TABLE = 'loans_v2';

export interface Fault {
  /** Rows deleted from the PostgreSQL table after the load (a write that lost rows). */
  readonly loseDbRows?: number;
  /** The blob's Content-MD5 set to another file's. */
  readonly wrongMd5?: boolean;
  /** A field removed from the manifest, e.g. "pipeline.version". */
  readonly omitManifestField?: string;
}

export interface Workspace {
  readonly dir: string;
  readonly runId: string;
  readonly local: { readonly loans: string; readonly kpis: string };
}

/** The workspace's cutover.json names the secrets' environment variables; the values live in the test's env. */
export function makeWorkspace(env: { readonly azure: string; readonly pg: string }): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover channels '));
  const config = {
    pipelines: {
      v1: { command: ['true'], outputs: { kpis: { path: 'kpis.parquet' }, loans: { path: 'loans.parquet' } } },
      v2: { command: ['true'], outputs: { kpis: { path: 'kpis.parquet' }, loans: { path: 'loans.parquet' } } },
    },
    compare: { keys: ['loan_id'] },
    channels: {
      'loans-parquet': { type: 'parquet', output: 'loans', path: 'delivery/loans.parquet' },
      'kpis-csv': { type: 'csv', output: 'kpis', path: 'delivery/kpis.csv' },
      'loans-blob': { type: 'azureBlob', output: 'loans', container: CONTAINER, prefix: BLOB, connectionStringEnv: env.azure },
      'loans-db': { type: 'supabase', output: 'loans', table: TABLE, connectionStringEnv: env.pg },
      manifest: { type: 'manifest', path: 'delivery/manifest.json' },
    },
  };
  writeFileSync(join(dir, 'cutover.json'), JSON.stringify(config, null, 2));
  return recordShadowRun(dir);
}

async function recordShadowRun(dir: string): Promise<Workspace> {
  writeFileSync(join(dir, 'input.csv'), 'loan_id\n1\n');
  const store = new RunStore(dir);
  const run = await store.begin('shadow', { argv: ['cutover', 'shadow'] });
  mkdirSync(join(run.dir, 'v2'), { recursive: true });
  const engine = await openEngine();
  try {
    await engine.exec(`COPY (SELECT i::INTEGER AS loan_id, ['car','home','card'][1 + i % 3] AS product, (1000 + i * 17.25)::DECIMAL(12,2) AS balance,
      0.01 * (i % 7) + 0.001 AS rate, DATE '2025-12-01' AS as_of FROM range(1, 51) t(i)) TO '${join(run.dir, 'v2', 'loans.parquet')}' (FORMAT parquet)`);
    await engine.exec(`COPY (SELECT product AS segment, 'balance' AS kpi, sum(balance)::DOUBLE AS value FROM '${join(run.dir, 'v2', 'loans.parquet')}' GROUP BY ALL
      UNION ALL SELECT 'total', 'loans', count(*)::DOUBLE FROM '${join(run.dir, 'v2', 'loans.parquet')}' ORDER BY ALL) TO '${join(run.dir, 'v2', 'kpis.parquet')}' (FORMAT parquet)`);
  } finally {
    engine.close();
  }
  await run.addFile('inputs', join(dir, 'input.csv'), { role: 'input' });
  await run.addFile('outputs', join(run.dir, 'v2', 'loans.parquet'), { role: 'v2-loans', rows: 50 });
  await run.addFile('outputs', join(run.dir, 'v2', 'kpis.parquet'), { role: 'v2-kpis', rows: 4 });
  const record = await run.finish({ verdict: { verdict: 'pass', reasons: ['fixture'] }, results: {} });
  const runDir = store.runDir(record.id);
  return { dir, runId: record.id, local: { loans: join(runDir, 'v2', 'loans.parquet'), kpis: join(runDir, 'v2', 'kpis.parquet') } };
}

async function md5(file: string): Promise<Buffer> {
  const hash = createHash('md5');
  await pipeline(createReadStream(file), hash);
  return hash.digest();
}

/** Writes every channel's delivery from the run's local outputs, then the manifest; `fault` breaks one thing. */
export async function deliver(ws: Workspace, secrets: { readonly azure: string; readonly pg: string }, fault: Fault = {}): Promise<void> {
  const out = join(ws.dir, 'delivery');
  mkdirSync(out, { recursive: true });
  const engine = await openEngine();
  try {
    await engine.exec(`COPY (SELECT * FROM '${ws.local.loans}') TO '${join(out, 'loans.parquet')}' (FORMAT parquet)`);
    await engine.exec(`COPY (SELECT * FROM '${ws.local.kpis}') TO '${join(out, 'kpis.csv')}' (FORMAT csv, HEADER true)`);
    await engine.exec(`COPY (SELECT * FROM '${ws.local.loans}') TO '${join(out, 'loans.csv')}' (FORMAT csv, HEADER true)`);
  } finally {
    engine.close();
  }
  const container = BlobServiceClient.fromConnectionString(secrets.azure).getContainerClient(CONTAINER);
  await container.createIfNotExists();
  const blobFile = join(out, 'loans.parquet');
  const blob = container.getBlockBlobClient(BLOB);
  await blob.uploadFile(blobFile, { blobHTTPHeaders: { blobContentMD5: await md5(blobFile) } });
  // The service checks an MD5 sent with the upload; a stored MD5 that no longer fits the bytes is set afterwards.
  if (fault.wrongMd5) await blob.setHTTPHeaders({ blobContentMD5: await md5(join(out, 'kpis.csv')) });

  const client = new pg.Client({ connectionString: secrets.pg });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${TABLE}; CREATE TABLE ${TABLE} (loan_id integer, product text, balance numeric(12,2), rate double precision, as_of date)`);
    await pipeline(createReadStream(join(out, 'loans.csv')), client.query(copyFrom(`COPY ${TABLE} FROM STDIN WITH (FORMAT csv, HEADER true)`)));
    if (fault.loseDbRows) await client.query(`DELETE FROM ${TABLE} WHERE loan_id > $1`, [50 - fault.loseDbRows]);
  } finally {
    await client.end();
  }

  const schema = [{ name: 'loan_id', type: 'INTEGER' }, { name: 'product', type: 'VARCHAR' }, { name: 'balance', type: 'DECIMAL(12,2)' }, { name: 'rate', type: 'DOUBLE' }, { name: 'as_of', type: 'DATE' }];
  const loansSha = await sha256File(ws.local.loans);
  const manifest: Record<string, unknown> = {
    runId: ws.runId,
    pipeline: { name: 'loan-kpis', version: '2.0.0' },
    input: { sha256: await sha256File(join(ws.dir, 'input.csv')) },
    createdAt: new Date().toISOString(),
    outputs: [
      { channel: 'loans-parquet', output: 'loans', location: 'delivery/loans.parquet', rows: 50, sha256: await sha256File(join(out, 'loans.parquet')), schema },
      { channel: 'kpis-csv', output: 'kpis', location: 'delivery/kpis.csv', rows: 4, sha256: await sha256File(join(out, 'kpis.csv')), schema: [{ name: 'segment' }, { name: 'kpi' }, { name: 'value' }] },
      { channel: 'loans-blob', output: 'loans', location: `azure://${CONTAINER}/${BLOB}`, rows: 50, sha256: await sha256File(blobFile), schema },
      { channel: 'loans-db', output: 'loans', location: `public.${TABLE}`, rows: 50, sha256: loansSha, schema },
    ],
  };
  if (fault.omitManifestField) {
    const path = fault.omitManifestField.split('.');
    const parent = path.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, manifest);
    delete parent[path[path.length - 1] as string];
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

function kpiLine(segment: string, kpi: string, v1: number, v2: number, verdict: KpiLine['verdict']): KpiLine {
  const delta = v2 - v1;
  return { segment, kpi, v1, v2, delta, relVariance: Math.abs(delta / v1), tolerance: { abs: 0, passLine: 0.001, failLine: 0.01 }, verdict, reason: `${kpi} moved, it's "fine", or not` };
}

/**
 * A recorded shadow run with three KPI lines (fail, inconclusive, pass) and two mismatching loan rows: evidence to
 * publish. Resolves to its id.
 */
export async function recordKpiRun(dir: string): Promise<string> {
  const run = await new RunStore(dir).begin('shadow', { argv: ['cutover', 'shadow'] });
  const kpis = [kpiLine('total', 'dq30', 0.1, 0.1004, 'inconclusive'), kpiLine('product=car', 'balance', 100, 103, 'fail'), kpiLine('total', 'loans', 50, 50, 'pass')];
  const engine = await openEngine();
  try {
    await engine.exec(`COPY (SELECT * FROM (VALUES (7, 'changed', 100.0, 103.0), (9, 'onlyV1', 55.5, NULL)) t(loan_id, kind, balance_v1, balance_v2)) TO '${join(run.dir, 'mismatches.parquet')}' (FORMAT parquet)`);
  } finally {
    engine.close();
  }
  const counts = { v1: 50, v2: 49, matched: 49, onlyV1: 1, onlyV2: 0, changed: 1, duplicateKeysV1: 0, duplicateKeysV2: 0, excludedV1: 0, excludedV2: 0 };
  const rows = { verdict: 'fail', reasons: ['1 rows only in V1', '1 changed rows (balance 1)'], keys: ['loan_id'], rows: counts, columns: [], sample: [], mismatches: { path: 'mismatches.parquet', rows: 2 } };
  const record = await run.finish({ verdict: { verdict: 'fail', reasons: ['balance moved'] }, results: { kpis: { verdict: 'fail', counts: { total: 3, pass: 1, inconclusive: 1, fail: 1, noise: 0 }, kpis }, rows } });
  return record.id;
}

/** Adds `publish` targets to the workspace's cutover.json. */
export function setPublishTargets(dir: string, targets: Record<string, unknown>): void {
  const config = JSON.parse(readFileSync(join(dir, 'cutover.json'), 'utf8')) as Record<string, unknown>;
  config['publish'] = targets;
  writeFileSync(join(dir, 'cutover.json'), JSON.stringify(config, null, 2));
}
