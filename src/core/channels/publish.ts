/**
 * `cutover publish`: a run's evidence (evidence.ts) written to a target and verified by reading it back.
 *
 * - folder: written into `<path>/.tmp-<id>-…/`, then renamed to `<path>/<run id>/` (an older copy is swapped out in
 *   one rename), so a reader sees a whole copy or none; verified by re-hashing each file.
 * - azureBlob: each file goes to `<prefix><run id>/<name>` with its MD5 set by us (Azure computes none for block
 *   uploads); a blob that already has our MD5 is left alone, any other is overwritten and checked. The manifest goes
 *   last, and is deleted first when a copy is replaced, so a reader that sees the manifest sees every file. Verified by
 *   each blob's length and Content-MD5. The SDK retries transient faults (timeouts, 429/503 with Retry-After, resets).
 * - supabase: `cutover_runs` (one row per run, the record as jsonb) and `cutover_kpis` (one row per run, segment, KPI
 *   and day). Over a connection string: created if missing; the KPI lines are COPYed into a staging table and merged
 *   with `INSERT … ON CONFLICT` in one transaction, retried with backoff on connection faults; verified by counting.
 *   Over the REST API (supabase-js, rest.ts): the tables must exist; the KPI lines are upserted in batches, then the
 *   run's row last (the commit marker: no foreign key ties the lines to it, so they can go first); verified by
 *   counting the run's lines and reading its row back. A failure before the row leaves lines no reader joins to a run.
 * Publishing twice leaves one copy everywhere.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { cp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { PublishTarget } from '../config/schema';
import { RuntimeError } from '../errors';
import type { RunRecord } from '../runs/record';
import type { Evidence, EvidenceFile } from './evidence';
import { EVIDENCE_MANIFEST } from './evidence';
import type { Secrets } from './secrets';
import { insideWorkspace } from '../config/insideWorkspace';

export interface Published {
  readonly target: string;
  readonly type: PublishTarget['type'];
  /** Where the copy is, for people (never a secret). */
  readonly location: string;
  /** False when an identical copy was already there. */
  readonly written: boolean;
  readonly detail: string;
}

export interface PublishContext {
  readonly name: string;
  readonly cwd: string;
  readonly secrets: Secrets;
  readonly record: RunRecord;
  /** Told about each retry and each failed rollback (the CLI prints it, secrets scrubbed). */
  readonly note: (message: string) => void;
  /** How long one attempt (an Azure request, a database transaction) may go without finishing before it is retried. */
  readonly timeoutSeconds: number;
}

export async function publish(target: PublishTarget, evidence: Evidence, ctx: PublishContext): Promise<Published> {
  switch (target.type) {
    case 'folder':
      return toFolder(target, evidence, ctx);
    case 'azureBlob':
      return toBlob(target, evidence, ctx);
    case 'supabase':
      return target.urlEnv === undefined ? toTables(target, evidence, ctx) : toRestTables(target, evidence, ctx);
  }
}

const allFiles = (e: Evidence): EvidenceFile[] => [...e.files, e.manifest];

async function sameFiles(dir: string, evidence: Evidence): Promise<boolean> {
  if (!existsSync(join(dir, EVIDENCE_MANIFEST))) return false;
  const { sha256File } = await import('../runs/hash');
  for (const f of allFiles(evidence)) {
    if (!existsSync(join(dir, f.name)) || await sha256File(join(dir, f.name)) !== f.sha256) return false;
  }
  return true;
}

async function toFolder(target: Extract<PublishTarget, { type: 'folder' }>, evidence: Evidence, ctx: PublishContext): Promise<Published> {
  const root = insideWorkspace(ctx.cwd, target.path, `publish.${ctx.name}.path`);
  const final = join(root, evidence.runId);
  const base = { target: ctx.name, type: target.type, location: final };
  if (await sameFiles(final, evidence)) return { ...base, written: false, detail: 'an identical copy is already there (each file re-hashed)' };
  const temp = join(root, `.tmp-${evidence.runId}-${randomBytes(3).toString('hex')}`);
  for (const f of allFiles(evidence)) await cp(join(evidence.dir, f.name), join(temp, f.name));
  if (!await sameFiles(temp, evidence)) throw new RuntimeError(`the copy in ${temp} does not hash as written`);
  if (existsSync(final)) {
    const old = join(root, `.old-${evidence.runId}-${randomBytes(3).toString('hex')}`);
    await rename(final, old);
    await rename(temp, final);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(temp, final);
  }
  return { ...base, written: true, detail: `${allFiles(evidence).length} files written and re-hashed` };
}

const AZURE_TRIES = 4;

async function toBlob(target: Extract<PublishTarget, { type: 'azureBlob' }>, evidence: Evidence, ctx: PublishContext): Promise<Published> {
  try {
    return await uploadBlobs(target, evidence, ctx);
  } catch (error) {
    // A request past its deadline ends in an AbortError: say what happened, and where.
    if ((error as Error).name !== 'AbortError') throw error;
    throw new RuntimeError(`azure://${target.container}/${target.prefix}: no answer within ${ctx.timeoutSeconds} s`, undefined, { cause: error });
  }
}

async function uploadBlobs(target: Extract<PublishTarget, { type: 'azureBlob' }>, evidence: Evidence, ctx: PublishContext): Promise<Published> {
  const { BlobServiceClient, RestError } = require('@azure/storage-blob') as typeof import('@azure/storage-blob');
  const where = `publish.${ctx.name}`;
  const options = { retryOptions: { maxTries: AZURE_TRIES, tryTimeoutInMs: ctx.timeoutSeconds * 1000, retryDelayInMs: 500 } };
  // The SDK's per-try timeout does not end a request whose server accepted the connection and never answers
  // (measured: it waits forever); each call's own deadline, the SDK's retries included, does.
  const deadline = (): { abortSignal: AbortSignal } => ({ abortSignal: AbortSignal.timeout(ctx.timeoutSeconds * 1000) });
  const service = target.connectionStringEnv !== undefined
    ? BlobServiceClient.fromConnectionString(ctx.secrets.read(target.connectionStringEnv, `${where}.connectionStringEnv`), options)
    : new BlobServiceClient(ctx.secrets.read(target.accountUrlEnv as string, `${where}.accountUrlEnv`), undefined, options);
  const container = service.getContainerClient(target.container);
  await container.createIfNotExists(deadline());
  const prefix = `${target.prefix}${evidence.runId}/`;
  const location = `azure://${target.container}/${prefix}`;
  const md5Of = async (name: string): Promise<string | undefined> => {
    try {
      const props = await container.getBlobClient(prefix + name).getProperties(deadline());
      return props.contentMD5 === undefined ? '' : Buffer.from(props.contentMD5).toString('base64');
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  };
  if (await md5Of(EVIDENCE_MANIFEST) === evidence.manifest.md5 && (await Promise.all(evidence.files.map(async (f) => await md5Of(f.name) === f.md5))).every(Boolean)) {
    return { target: ctx.name, type: target.type, location, written: false, detail: 'an identical copy is already there (each blob\'s MD5)' };
  }
  // Replacing a copy: its manifest goes first, so no reader takes the mix of old and new files for a whole copy.
  await container.getBlobClient(prefix + EVIDENCE_MANIFEST).deleteIfExists(deadline());
  for (const f of allFiles(evidence)) {
    if (f.name !== EVIDENCE_MANIFEST && await md5Of(f.name) === f.md5) continue;
    await container.getBlockBlobClient(prefix + f.name).uploadFile(join(evidence.dir, f.name), {
      ...deadline(),
      blobHTTPHeaders: { blobContentMD5: Buffer.from(f.md5, 'base64') },
    });
  }
  for (const f of allFiles(evidence)) {
    const props = await container.getBlobClient(prefix + f.name).getProperties(deadline());
    const md5 = props.contentMD5 === undefined ? undefined : Buffer.from(props.contentMD5).toString('base64');
    if (md5 !== f.md5 || props.contentLength !== f.bytes) {
      throw new RuntimeError(`${location}${f.name}: read back ${props.contentLength} bytes with MD5 ${md5 ?? 'none'}, wrote ${f.bytes} bytes with MD5 ${f.md5}`);
    }
  }
  return { target: ctx.name, type: target.type, location, written: true, detail: `${allFiles(evidence).length} blobs written, each length and MD5 read back` };
}

/** An attempt that got no answer within its time: retried like a lost connection. */
class AttemptTimeout extends RuntimeError {}

/** Connection faults worth another try: reset/refused sockets, a server shutting down or starting, a failed link, a timeout. */
function transient(error: unknown): boolean {
  if (error instanceof AttemptTimeout) return true;
  // node-postgres reports a socket the server closed (a backend killed by a restart) with this message and no code;
  // whether a killed COPY surfaces as ECONNRESET or as this depends on timing, so both are one fault.
  if (error instanceof Error && /^Connection terminated( unexpectedly)?$/.test(error.message)) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '40001', '40P01'].includes(code);
}

async function withRetry<T>(what: string, note: (message: string) => void, work: () => Promise<T>, tries = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!transient(error) || attempt >= tries) throw error;
      note(`${what}: ${(error as Error).message}; retrying (${attempt}/${tries - 1})`);
      await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
    }
  }
}

/** One attempt's transaction: tables created if missing, the KPI lines staged by COPY and merged, counted before COMMIT. */
async function mergeRun(
  client: import('pg').Client,
  schema: string,
  record: RunRecord,
  csvFile: string,
  kpis: number,
  location: string,
  goNoGo: string | null,
  from: typeof import('pg-copy-streams').from,
  note: (message: string) => void,
): Promise<void> {
  try {
    const s = client.escapeIdentifier(schema);
    await client.query('BEGIN');
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.cutover_runs (run_id text PRIMARY KEY, kind text NOT NULL, status text NOT NULL,
      verdict text, go_no_go text, started_at timestamptz NOT NULL, ended_at timestamptz, record jsonb NOT NULL)`);
    // No foreign key to cutover_runs: the REST path writes a run's lines before its row, the row being the marker.
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.cutover_kpis (run_id text NOT NULL,
      segment text NOT NULL, kpi text NOT NULL, day text NOT NULL DEFAULT '', v1 double precision, v2 double precision, delta double precision,
      rel_variance double precision, verdict text NOT NULL, reason text NOT NULL, PRIMARY KEY (run_id, segment, kpi, day))`);
    await client.query(`CREATE TEMP TABLE cutover_kpis_stage (segment text, kpi text, day text, v1 double precision, v2 double precision,
      delta double precision, rel_variance double precision, verdict text, reason text) ON COMMIT DROP`);
    await pipeline(createReadStream(csvFile), client.query(from(`COPY cutover_kpis_stage (${KPI_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true)`)));
    await client.query(`INSERT INTO ${s}.cutover_runs VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (run_id) DO UPDATE SET kind = EXCLUDED.kind, status = EXCLUDED.status, verdict = EXCLUDED.verdict, go_no_go = EXCLUDED.go_no_go,
        started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, record = EXCLUDED.record`,
    [record.id, record.kind, record.status, record.verdict?.verdict ?? null, goNoGo, record.startedAt, record.endedAt ?? null, JSON.stringify(record)]);
    // The run's lines are exactly the staged ones: merged, and any line the run no longer has removed.
    await client.query(`DELETE FROM ${s}.cutover_kpis k WHERE k.run_id = $1 AND NOT EXISTS
      (SELECT 1 FROM cutover_kpis_stage t WHERE t.segment = k.segment AND t.kpi = k.kpi AND coalesce(t.day, '') = k.day)`, [record.id]);
    await client.query(`INSERT INTO ${s}.cutover_kpis SELECT $1, segment, kpi, coalesce(day, ''), v1, v2, delta, rel_variance, verdict, reason FROM cutover_kpis_stage
      ON CONFLICT (run_id, segment, kpi, day) DO UPDATE SET v1 = EXCLUDED.v1, v2 = EXCLUDED.v2, delta = EXCLUDED.delta,
        rel_variance = EXCLUDED.rel_variance, verdict = EXCLUDED.verdict, reason = EXCLUDED.reason`, [record.id]);
    const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${s}.cutover_kpis WHERE run_id = $1`, [record.id]);
    if (Number(counted.rows[0]?.n) !== kpis) throw new RuntimeError(`${location}: ${counted.rows[0]?.n ?? 0} KPI rows for run ${record.id} after the merge, ${kpis} published`);
    await client.query('COMMIT');
  } catch (error) {
    // On a lost connection the server has already rolled back; this only tells a live one.
    await client.query('ROLLBACK').catch((rollback: unknown) => note(`rollback after a failed publish: ${(rollback as Error).message}`));
    throw error;
  }
}

const KPI_COLUMNS = ['segment', 'kpi', 'day', 'v1', 'v2', 'delta', 'rel_variance', 'verdict', 'reason'] as const;

async function toTables(target: Extract<PublishTarget, { type: 'supabase' }>, evidence: Evidence, ctx: PublishContext): Promise<Published> {
  const pg = require('pg') as typeof import('pg');
  const { from } = require('pg-copy-streams') as typeof import('pg-copy-streams');
  const url = ctx.secrets.read(target.connectionStringEnv as string, `publish.${ctx.name}.connectionStringEnv`);
  const { record } = ctx;
  const kpis = evidence.files.find((f) => f.name.startsWith('kpis.'))?.rows ?? 0;
  const csvFile = evidence.kpisCsv;
  const location = `postgres ${target.schema}.cutover_runs / cutover_kpis`;
  const gonogo = JSON.parse(await readFile(join(evidence.dir, 'gonogo.json'), 'utf8')) as { verdict?: unknown };
  const timeoutMs = ctx.timeoutSeconds * 1000;
  await withRetry(`publishing run ${record.id} to ${location}`, ctx.note, async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    // A connection lost mid-query is also emitted here; the query's rejection carries it on to the retry.
    client.on('error', (error) => ctx.note(`connection to ${location} lost: ${error.message}`));
    // A server (or network) that stops answering: the attempt's socket is destroyed at its deadline, and retried.
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      client.connection.stream.destroy();
    }, timeoutMs);
    try {
      await client.connect();
      await mergeRun(client, target.schema, record, csvFile, kpis, location, typeof gonogo.verdict === 'string' ? gonogo.verdict : null, from, ctx.note);
    } catch (error) {
      if (timedOut) throw new AttemptTimeout(`${location}: no answer within ${ctx.timeoutSeconds} s`, undefined, { cause: error });
      throw error;
    } finally {
      clearTimeout(deadline);
      // A destroyed socket never answers end(): there is nothing left to close politely.
      if (timedOut) client.connection.stream.destroy();
      else await client.end();
    }
  });
  return { target: ctx.name, type: target.type, location, written: true, detail: `run ${record.id} and its ${kpis} KPI lines merged in one transaction, counted after` };
}

async function toRestTables(target: Extract<PublishTarget, { type: 'supabase' }>, evidence: Evidence, ctx: PublishContext): Promise<Published> {
  const { restClient, upsertRows } = await import('./rest');
  const { kpiLines } = await import('./evidence');
  const where = `publish.${ctx.name}`;
  const rest = {
    url: ctx.secrets.read(target.urlEnv as string, `${where}.urlEnv`),
    key: ctx.secrets.read(target.keyEnv as string, `${where}.keyEnv`),
    schema: target.schema,
    timeoutMs: ctx.timeoutSeconds * 1000,
  };
  const { record } = ctx;
  const location = `supabase REST ${target.schema}.cutover_runs / cutover_kpis`;
  const client = restClient(rest);
  const lines = kpiLines(record).map((l) => ({ run_id: record.id, ...l, day: l.day ?? '' }));
  const gonogo = JSON.parse(await readFile(join(evidence.dir, 'gonogo.json'), 'utf8')) as { verdict?: unknown };
  await upsertRows(client, rest, 'cutover_kpis', lines, 'run_id,segment,kpi,day', ctx.note);
  await upsertRows(client, rest, 'cutover_runs', [{
    run_id: record.id, kind: record.kind, status: record.status, verdict: record.verdict?.verdict ?? null,
    go_no_go: typeof gonogo.verdict === 'string' ? gonogo.verdict : null, started_at: record.startedAt, ended_at: record.endedAt ?? null, record,
  }], 'run_id', ctx.note);
  const signal = (): AbortSignal => AbortSignal.timeout(rest.timeoutMs);
  const counted = await client.from('cutover_kpis').select('*', { count: 'exact', head: true }).eq('run_id', record.id).abortSignal(signal());
  const row = await client.from('cutover_runs').select('run_id').eq('run_id', record.id).abortSignal(signal());
  const problem = counted.error ?? row.error;
  if (problem) throw new RuntimeError(`${location}: reading back run ${record.id}: ${problem.message}`);
  if (counted.count !== lines.length || (row.data ?? []).length !== 1) {
    throw new RuntimeError(`${location}: read back ${counted.count ?? 'no count of'} KPI lines and ${(row.data ?? []).length} run rows for run ${record.id}, wrote ${lines.length} and 1`);
  }
  return { target: ctx.name, type: target.type, location, written: true, detail: `run ${record.id} and its ${lines.length} KPI lines upserted through the REST API (the run's row last), counted after` };
}
