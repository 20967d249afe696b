/**
 * Supabase's REST API (PostgREST) through `@supabase/supabase-js`, for channels and publish targets configured with a
 * project URL and key instead of a database connection string.
 *
 * - `readAllRows`: a table read page by page, ordered by its key columns so pages neither overlap nor skip. PostgREST
 *   caps every response at its `max-rows` (1,000 on Supabase by default) without saying so in the body, so a single
 *   page is never trusted: the first request asks for the exact count, each next page starts where the rows received
 *   end (a cap below our page size just means more pages), and the read fails unless the rows received add up to the
 *   count and the count did not move meanwhile.
 * - `upsertRows`: rows merged in batches of `UPSERT_BATCH_ROWS` on a key (`on_conflict`, `resolution=merge-duplicates`):
 *   idempotent, so a batch that failed on a transient fault (a timeout, a reset, 429/503) is sent again.
 *
 * supabase-js is required on first use. On Node 20 its realtime client needs a WebSocket implementation (`ws`);
 * Cutover never opens a realtime channel, but the client is built with one. Every request has a deadline.
 */
import type { SupabaseClient as Client } from '@supabase/supabase-js';
import { RuntimeError } from '../errors';

/** A client for any schema and table: they are named in cutover.json, there are no generated database types. */
type SupabaseClient = Client<any, any, any>;

/** Rows asked for per page: Supabase's default max-rows. A server capped lower answers with fewer, and we go on. */
export const READ_PAGE_ROWS = 1000;
/**
 * Rows per upsert request. Measured with the local stand-in over PostgreSQL (bench/channels.bench.ts): throughput
 * rises to ~500 rows per request and falls beyond (each request is one statement and one JSON body the server parses
 * whole), and a failed batch costs little to resend.
 */
export const UPSERT_BATCH_ROWS = 500;

export interface RestTarget {
  readonly url: string;
  readonly key: string;
  readonly schema: string;
  /** One request's deadline. */
  readonly timeoutMs: number;
}

export function restClient(target: RestTarget): SupabaseClient {
  const { createClient } = require('@supabase/supabase-js') as typeof import('@supabase/supabase-js');
  const ws = require('ws') as typeof import('ws');
  return createClient(target.url, target.key, {
    db: { schema: target.schema },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: ws.WebSocket as never },
  });
}

/** A PostgREST error as one line: its message, code and details. */
function describe(error: { message?: string; code?: string; details?: string | null; hint?: string | null }): string {
  return [error.message, error.code ? `(${error.code})` : '', error.details ? `: ${error.details}` : '', error.hint ? ` (hint: ${error.hint})` : ''].join('').trim();
}

/** PostgREST's answer for a table it does not know (PGRST205, or 42P01 from PostgreSQL). */
export class MissingTable extends RuntimeError {}

function failure(what: string, error: { message?: string; code?: string }): RuntimeError {
  return error.code === 'PGRST205' || error.code === '42P01' ? new MissingTable(`${what}: ${describe(error)}`) : new RuntimeError(`${what}: ${describe(error)}`);
}

/**
 * Every row of `table`, page by page, ordered by `orderBy`; `onPage` gets each page in order. Resolves with the
 * row count; throws MissingTable when there is no such table.
 */
export async function readAllRows(
  client: SupabaseClient,
  target: RestTarget,
  table: string,
  orderBy: readonly string[],
  onPage: (rows: readonly Record<string, unknown>[]) => Promise<void>,
): Promise<number> {
  if (orderBy.length === 0) throw new RuntimeError(`reading ${table} page by page needs key columns to order the pages by (set compare.keys)`);
  let total: number | undefined;
  let offset = 0;
  for (;;) {
    let query = client.from(table).select('*', { count: 'exact' });
    for (const column of orderBy) query = query.order(column, { ascending: true });
    const { data, error, count } = await query.range(offset, offset + READ_PAGE_ROWS - 1).abortSignal(AbortSignal.timeout(target.timeoutMs));
    if (error) throw failure(`reading ${target.schema}.${table} at row ${offset}`, error);
    if (count === null || count === undefined) throw new RuntimeError(`reading ${target.schema}.${table}: the server sent no row count (Content-Range), so a capped page cannot be told from the end`);
    if (total !== undefined && count !== total) throw new RuntimeError(`reading ${target.schema}.${table}: the table changed while it was read (${total} rows, then ${count})`);
    total = count;
    const rows = (data ?? []) as Record<string, unknown>[];
    if (rows.length > 0) await onPage(rows);
    offset += rows.length;
    if (offset >= total) break;
    if (rows.length === 0) throw new RuntimeError(`reading ${target.schema}.${table}: no rows at offset ${offset} of ${total}`);
  }
  if (offset !== total) throw new RuntimeError(`reading ${target.schema}.${table}: ${offset} rows received, the server counted ${total}`);
  return total;
}

/**
 * Faults worth sending a batch again: 0 (supabase-js's status when the request got no response: a lost connection,
 * our deadline), 429 Too Many Requests, 502/503/504, 520.
 */
function transientStatus(status: number): boolean {
  return [0, 429, 502, 503, 504, 520].includes(status);
}

/**
 * Merges `rows` into `table` on `onConflict` (comma-separated key columns) in batches; `note` is told about each
 * retry. Tries each batch up to 4 times with backoff (a Retry-After header is honoured by waiting at least 1 s).
 */
export async function upsertRows(
  client: SupabaseClient,
  target: RestTarget,
  table: string,
  rows: readonly Record<string, unknown>[],
  onConflict: string,
  note: (message: string) => void,
  batchRows = UPSERT_BATCH_ROWS,
): Promise<void> {
  for (let start = 0; start < rows.length; start += batchRows) {
    const batch = rows.slice(start, start + batchRows);
    const what = `upserting rows ${start + 1}–${start + batch.length} of ${rows.length} into ${target.schema}.${table}`;
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      try {
        const { error, status } = await client.from(table).upsert(batch as Record<string, unknown>[], { onConflict })
          .abortSignal(AbortSignal.timeout(target.timeoutMs));
        if (!error) break;
        if (!transientStatus(status)) throw failure(what, error);
        // Status 0: no response at all; supabase-js names the fetch error (our deadline is a TimeoutError) in the message.
        problem = status !== 0 ? `HTTP ${status} ${describe(error)}`
          : /^(TimeoutError|AbortError)\b/.test(error.message) ? `no answer within ${target.timeoutMs / 1000} s` : error.message;
      } catch (error) {
        if (error instanceof RuntimeError) throw error;
        // A network fault or our deadline (an AbortError) reaches here as a thrown fetch error.
        problem = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
          ? `no answer within ${target.timeoutMs / 1000} s` : (error as Error).message;
      }
      if (attempt >= 4) throw new RuntimeError(`${what}: ${problem} (gave up after ${attempt} tries)`);
      note(`${what}: ${problem}; retrying (${attempt}/3)`);
      await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
    }
  }
}
