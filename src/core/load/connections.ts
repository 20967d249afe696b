/**
 * Database connections during a load test: when a channel is a PostgreSQL database (Supabase), the connections held
 * on its server are counted from `pg_stat_activity` while the pipelines run, and reported against
 * `max_connections`. One connection of our own polls (and is left out of the count); a poll still running when the
 * next is due is skipped, so a slow server is not queued up.
 */
import type { Client } from 'pg';

export interface ConnectionPeak {
  readonly maxConnections: number;
  /** Client connections before the pipelines started (ours excluded). */
  readonly baseline: number;
  readonly peak: number;
  readonly polls: number;
}

export interface ConnectionWatch {
  stop(): Promise<ConnectionPeak>;
}

const COUNT = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()";

export async function watchConnections(connectionString: string, intervalMs = 200): Promise<ConnectionWatch> {
  const pg = require('pg') as typeof import('pg');
  const client: Client = new pg.Client({ connectionString, connectionTimeoutMillis: 15_000 });
  await client.connect();
  let maxConnections: number;
  let baseline: number;
  try {
    maxConnections = Number((await client.query<{ max_connections: string }>('SHOW max_connections')).rows[0]?.max_connections);
    baseline = (await client.query<{ n: number }>(COUNT)).rows[0]?.n ?? 0;
  } catch (error) {
    await client.end();
    throw error;
  }
  let peak = baseline;
  let polls = 1;
  let inFlight: Promise<void> | undefined;
  let failure: Error | undefined;
  const poll = (): void => {
    if (inFlight) return;
    inFlight = client.query<{ n: number }>(COUNT).then((r) => {
      peak = Math.max(peak, r.rows[0]?.n ?? 0);
      polls++;
    }, (error: unknown) => {
      failure = error instanceof Error ? error : new Error(String(error));
    }).finally(() => {
      inFlight = undefined;
    });
  };
  const timer = setInterval(poll, intervalMs);
  const finish = async (): Promise<ConnectionPeak> => {
    clearInterval(timer);
    await inFlight;
    await client.end();
    // A failed poll means the figure may have missed the peak: the caller reports it rather than a low number.
    if (failure) throw failure;
    return { maxConnections, baseline, peak, polls };
  };
  let stopped: Promise<ConnectionPeak> | undefined;
  // Stopping twice (the figures, then the clean-up after an error) ends the connection once.
  return { stop: () => (stopped ??= finish()) };
}
