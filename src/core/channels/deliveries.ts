/**
 * Reading back what a pipeline delivered to a channel, into files the engine can load: a local Parquet/CSV export is
 * read where it is; Azure blobs are downloaded into the run folder, each checked against its Content-MD5; a Supabase
 * (PostgreSQL) table is exported with `COPY … TO STDOUT` through `pg` into a CSV file in the run folder, with its
 * columns' PostgreSQL types; over the REST API (supabase-js) it is read page by page (rest.ts) into a JSON-lines file
 * that DuckDB turns into CSV (values then typed as the local output's, like any CSV delivery). The SDKs are required
 * on first use, so a command without such channels never loads them.
 *
 * API: `await fetchDelivery(channel, { name, side, cwd, dir, secrets })` → Delivery | Missing.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ChannelConfig } from '../config/schema';
import { CHANNEL_SIDE_PLACEHOLDER } from '../config/schema';
import type { Engine } from '../engine/duckdb';
import { duckdbTypeOf } from '../engine/remote/postgres';
import { literal } from '../engine/sql';
import type { ColumnInfo } from '../engine/types';
import { InputError, RuntimeError } from '../errors';
import type { ChannelCheck } from '../runs/results';
import type { Secrets } from './secrets';
import { insideWorkspace } from '../config/insideWorkspace';

export type DataChannel = Exclude<ChannelConfig, { type: 'manifest' }>;
export type Side = 'v1' | 'v2';

export interface FetchContext {
  readonly name: string;
  readonly side: Side;
  /** Folder of cutover.json: relative channel paths start there. */
  readonly cwd: string;
  /** A folder of the run being recorded, for downloaded copies. */
  readonly dir: string;
  readonly secrets: Secrets;
  /** Turns a REST read (JSON lines) into CSV. */
  readonly engine: Engine;
  /** The output's key columns: a REST read is paged in their order. */
  readonly keys: readonly string[];
  /** One request's deadline, in ms. */
  readonly timeoutMs: number;
}

export interface Delivery {
  readonly kind: 'delivered';
  /** Where it was read, for people: never a secret. */
  readonly location: string;
  /** What the engine loads: a file, a folder of files. */
  readonly path: string;
  readonly format: 'parquet' | 'csv';
  /** Checks made while fetching (each blob's MD5). */
  readonly checks: readonly ChannelCheck[];
  /** The columns with the types the channel itself stores (PostgreSQL's, mapped to DuckDB's). */
  readonly nativeColumns?: readonly ColumnInfo[];
}

export interface Missing {
  readonly kind: 'missing';
  readonly location: string;
  readonly reason: string;
}

/** A channel location with `${side}` filled in. */
export function locate(template: string, side: Side): string {
  return template.split(CHANNEL_SIDE_PLACEHOLDER).join(side);
}

/** Where a channel delivers for `side`, as shown to people (never a secret). */
export function channelLocation(channel: ChannelConfig, side: Side, cwd: string): string {
  switch (channel.type) {
    case 'parquet':
    case 'csv':
    case 'manifest':
      return insideWorkspace(cwd, locate(channel.path, side), `channel path`);
    case 'azureBlob':
      return `azure://${channel.container}/${locate(channel.prefix, side)}`;
    case 'supabase':
      return `${channel.urlEnv === undefined ? 'postgres' : 'supabase REST'} table ${channel.schema}.${locate(channel.table, side)}`;
  }
}

function formatOfName(name: string): 'parquet' | 'csv' | undefined {
  const lower = name.toLowerCase();
  if (/\.(parquet|pq)$/.test(lower)) return 'parquet';
  if (/\.(csv|tsv)(\.gz)?$/.test(lower)) return 'csv';
  return undefined;
}

export async function fetchDelivery(channel: DataChannel, ctx: FetchContext): Promise<Delivery | Missing> {
  const location = channelLocation(channel, ctx.side, ctx.cwd);
  switch (channel.type) {
    case 'parquet':
    case 'csv':
      return existsSync(location)
        ? { kind: 'delivered', location, path: location, format: channel.type, checks: [] }
        : { kind: 'missing', location, reason: `nothing at ${location}` };
    case 'azureBlob':
      return fetchBlobs(channel, ctx, location);
    case 'supabase':
      return channel.urlEnv === undefined ? fetchTable(channel, ctx, location) : fetchRestTable(channel, ctx, location);
  }
}

async function md5File(file: string): Promise<Buffer> {
  const hash = createHash('md5');
  await pipeline(createReadStream(file), hash);
  return hash.digest();
}

type AzureChannel = Extract<DataChannel, { type: 'azureBlob' }>;

async function fetchBlobs(channel: AzureChannel, ctx: FetchContext, location: string): Promise<Delivery | Missing> {
  const { BlobServiceClient } = require('@azure/storage-blob') as typeof import('@azure/storage-blob');
  const where = `channels.${ctx.name}`;
  // The SDK retries transient faults itself; bounded, so an unreachable service ends in minutes, not a hang.
  const options = { retryOptions: { maxTries: 3, tryTimeoutInMs: ctx.timeoutMs, retryDelayInMs: 500 } };
  const service = channel.connectionStringEnv !== undefined
    ? BlobServiceClient.fromConnectionString(ctx.secrets.read(channel.connectionStringEnv, `${where}.connectionStringEnv`), options)
    : new BlobServiceClient(ctx.secrets.read(channel.accountUrlEnv as string, `${where}.accountUrlEnv`), undefined, options);
  const container = service.getContainerClient(channel.container);
  // Each call's own deadline: the SDK's per-try timeout does not end a request a server accepted and never answers.
  // A download may take longer than a metadata call: ten deadlines.
  const deadline = (times = 1): { abortSignal: AbortSignal } => ({ abortSignal: AbortSignal.timeout(ctx.timeoutMs * times) });
  if (!(await container.exists(deadline()))) return { kind: 'missing', location, reason: `container ${channel.container} does not exist` };
  const prefix = locate(channel.prefix, ctx.side);
  const names: string[] = [];
  if (prefix.endsWith('/')) {
    for await (const blob of container.listBlobsFlat({ prefix, ...deadline() })) names.push(blob.name);
  } else if (await container.getBlobClient(prefix).exists(deadline())) {
    names.push(prefix);
  }
  if (names.length === 0) return { kind: 'missing', location, reason: `no blob ${prefix.endsWith('/') ? 'under' : 'named'} ${prefix} in container ${channel.container}` };
  names.sort();
  // Blobs keep their names below the prefix, so a hive layout stays one; a single blob keeps its file name.
  const folder = prefix.endsWith('/');
  const local = join(ctx.dir, 'blobs');
  const fileOf = (name: string): string => join(local, folder ? name.slice(prefix.length) : basename(name));
  const checks: ChannelCheck[] = [];
  for (const name of names) {
    const file = fileOf(name);
    // A blob name is any text: one with `..` segments must not write outside the run folder.
    if (!resolve(file).startsWith(`${resolve(local)}${sep}`)) throw new InputError(`blob name ${name} points outside the download folder`);
    await mkdir(dirname(file), { recursive: true });
    const response = await container.getBlobClient(name).downloadToFile(file, undefined, undefined, deadline(10));
    const actual = await md5File(file);
    const stored = response.contentMD5 === undefined ? undefined : Buffer.from(response.contentMD5);
    checks.push(stored === undefined
      ? { check: 'md5', verdict: 'inconclusive', detail: `${name}: the blob has no Content-MD5, so the download cannot be verified (upload with blobContentMD5 set)` }
      : stored.equals(actual)
        ? { check: 'md5', verdict: 'pass', detail: `${name}: MD5 ${actual.toString('base64')} matches its Content-MD5` }
        : { check: 'md5', verdict: 'fail', detail: `${name}: downloaded bytes have MD5 ${actual.toString('base64')}, the blob's Content-MD5 is ${stored.toString('base64')}` });
  }
  const format = channel.format ?? formatOfName(names[0] as string) ?? 'parquet';
  return { kind: 'delivered', location, path: folder ? local : fileOf(prefix), format, checks };
}

type TableChannel = Extract<DataChannel, { type: 'supabase' }>;

async function fetchTable(channel: TableChannel, ctx: FetchContext, location: string): Promise<Delivery | Missing> {
  const pg = require('pg') as typeof import('pg');
  const { to } = require('pg-copy-streams') as typeof import('pg-copy-streams');
  // The server ends a statement past the deadline, and a wait for a lock another session holds (which would otherwise
  // last as long as that session) at the deadline too. The export may take longer than a metadata query: ten
  // deadlines, as for a blob download. (pg's client-side query_timeout is not used: it never clears for a COPY stream.)
  const client = new pg.Client({
    connectionString: ctx.secrets.read(channel.connectionStringEnv as string, `channels.${ctx.name}.connectionStringEnv`),
    connectionTimeoutMillis: ctx.timeoutMs,
    statement_timeout: ctx.timeoutMs,
    lock_timeout: ctx.timeoutMs,
  });
  let statementMs = ctx.timeoutMs;
  const table = locate(channel.table, ctx.side);
  // A connection lost mid-query is also emitted as an event (unhandled, it would end the process): named in the error.
  const lost: Error[] = [];
  client.on('error', (error) => lost.push(error));
  await client.connect();
  try {
    const qualified = `${client.escapeIdentifier(channel.schema)}.${client.escapeIdentifier(table)}`;
    const described = await client.query<{ name: string; type: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
       WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [qualified],
    );
    if (described.rows.length === 0) return { kind: 'missing', location, reason: `table ${channel.schema}.${table} does not exist (or has no columns)` };
    const file = join(ctx.dir, `${table}.csv`);
    await mkdir(ctx.dir, { recursive: true });
    // UTC and exact float text, so values read back as DuckDB wrote them; the export's own deadline.
    statementMs = Math.round(ctx.timeoutMs * 10);
    await client.query(`SET TIME ZONE 'UTC'; SET extra_float_digits = 3; SET statement_timeout = ${statementMs}`);
    await pipeline(client.query(to(`COPY (SELECT * FROM ${qualified}) TO STDOUT WITH (FORMAT csv, HEADER true)`)), createWriteStream(file));
    return {
      kind: 'delivered',
      location,
      path: file,
      format: 'csv',
      checks: [],
      nativeColumns: described.rows.map((r) => ({ name: r.name, type: duckdbTypeOf(r.type) })),
    };
  } catch (error) {
    const connection = lost[0] && lost[0].message !== (error as Error).message ? ` (connection lost: ${lost[0].message})` : '';
    const code = (error as { code?: unknown }).code;
    const reason = code === LOCK_TIMEOUT ? `waited ${ctx.timeoutMs / 1000} s for a lock another session holds on the table`
      : code === STATEMENT_TIMEOUT ? `no answer within ${statementMs / 1000} s` : (error as Error).message;
    throw new RuntimeError(`reading ${location}: ${reason}${connection}`, undefined, { cause: error });
  } finally {
    await client.end();
  }
}

/** SQLSTATEs of a statement the server ended at lock_timeout and at statement_timeout. */
const LOCK_TIMEOUT = '55P03';
const STATEMENT_TIMEOUT = '57014';

async function fetchRestTable(channel: TableChannel, ctx: FetchContext, location: string): Promise<Delivery | Missing> {
  const { MissingTable, readAllRows, restClient } = await import('./rest');
  const where = `channels.${ctx.name}`;
  const target = {
    url: ctx.secrets.read(channel.urlEnv as string, `${where}.urlEnv`),
    key: ctx.secrets.read(channel.keyEnv as string, `${where}.keyEnv`),
    schema: channel.schema,
    timeoutMs: ctx.timeoutMs,
  };
  const table = locate(channel.table, ctx.side);
  await mkdir(ctx.dir, { recursive: true });
  const lines = join(ctx.dir, `${table}.jsonl`);
  await writeFile(lines, '');
  let rows: number;
  try {
    rows = await readAllRows(restClient(target), target, table, ctx.keys, (page) => appendFile(lines, `${page.map((r) => JSON.stringify(r)).join('\n')}\n`));
  } catch (error) {
    if (error instanceof MissingTable) return { kind: 'missing', location, reason: error.message };
    throw error;
  }
  if (rows === 0) return { kind: 'missing', location, reason: `table ${channel.schema}.${table} has no rows (the server counted 0)` };
  // Every line read for its types (sample_size = -1), so a column is not typed from its first rows only.
  const file = join(ctx.dir, `${table}.csv`);
  await ctx.engine.exec(`COPY (SELECT * FROM read_json(${literal(lines)}, format = 'newline_delimited', sample_size = -1)) TO ${literal(file)} (FORMAT csv, HEADER true)`);
  await rm(lines);
  return { kind: 'delivered', location, path: file, format: 'csv', checks: [] };
}
