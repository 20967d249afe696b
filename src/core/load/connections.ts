/**
 * Database connections during a load test or a soak: when a channel is a PostgreSQL database (Supabase), the
 * connections held on its server are counted from `pg_stat_activity` while the pipelines run, and reported against
 * `max_connections` (a soak also per iteration). One connection of our own polls (and is left out of the count); a
 * poll still running when the next is due is skipped, so a slow server is not queued up.
 */
import type { Client } from 'pg';
import type { Secrets } from '../channels/secrets';
import type { LoadedConfig } from '../config/load';
import type { ConnectionFigures } from '../runs/results';

export interface ConnectionPeak {
  readonly maxConnections: number;
  /** Client connections before the pipelines started (ours excluded). */
  readonly baseline: number;
  readonly peak: number;
  readonly polls: number;
}

export interface ConnectionWatch {
  /**
   * The peak of the polls made since the previous call, which starts a new window: a soak's figure per iteration.
   * Null when no poll was made in the window (a run shorter than the interval) or once a poll failed: unknown, not 0.
   */
  window(): number | null;
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
  let windowPeak: number | null = null;
  // A poll started in an earlier window does not count in this one.
  let generation = 0;
  let polls = 1;
  let inFlight: Promise<void> | undefined;
  let failure: Error | undefined;
  const poll = (): void => {
    if (inFlight) return;
    const started = generation;
    inFlight = client.query<{ n: number }>(COUNT).then((r) => {
      const n = r.rows[0]?.n ?? 0;
      peak = Math.max(peak, n);
      if (started === generation) windowPeak = Math.max(windowPeak ?? 0, n);
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
  return {
    window: () => {
      const seen = windowPeak;
      windowPeak = null;
      generation++;
      return failure ? null : seen;
    },
    stop: () => (stopped ??= finish()),
  };
}

/** A channel's connection counter, or why it has none. */
export interface DatabaseWatch {
  readonly channel: string;
  readonly env: string;
  readonly watch?: ConnectionWatch;
  readonly note?: string;
}

/**
 * A connection counter for each PostgreSQL (Supabase) channel whose variable is set, one per database. A channel whose
 * variable is unset, or whose database cannot be reached, gets a note instead: its figure is missing, and says why.
 */
export async function watchDatabases(loaded: LoadedConfig, secrets: Secrets, intervalMs?: number): Promise<DatabaseWatch[]> {
  const out: DatabaseWatch[] = [];
  const seen = new Set<string>();
  for (const [channel, spec] of Object.entries(loaded.config.channels ?? {})) {
    // A channel reached only through the REST API names no connection string: there is no database to ask.
    const env: string | undefined = spec.type === 'supabase' ? spec.connectionStringEnv : undefined;
    if (env === undefined || seen.has(env)) continue;
    seen.add(env);
    if (!process.env[env]) {
      out.push({ channel, env, note: `${env} is not set: database connections not measured` });
      continue;
    }
    try {
      out.push({ channel, env, watch: await watchConnections(secrets.read(env, `channels.${channel}.connectionStringEnv`), intervalMs) });
    } catch (error) {
      out.push({ channel, env, note: `connections not measured: ${secrets.redact(error instanceof Error ? error.message : String(error))}` });
    }
  }
  return out;
}

/** A counter's figures once the pipelines are done (it is stopped); a missing figure says why. */
export async function settleWatch(w: DatabaseWatch, secrets: Secrets): Promise<ConnectionFigures> {
  const base = { channel: w.channel, env: w.env };
  if (!w.watch) return { ...base, maxConnections: null, baseline: null, peak: null, note: w.note ?? 'not measured' };
  try {
    const { maxConnections, baseline, peak } = await w.watch.stop();
    return { ...base, maxConnections, baseline, peak };
  } catch (error) {
    return { ...base, maxConnections: null, baseline: null, peak: null, note: `counting connections failed: ${secrets.redact(error instanceof Error ? error.message : String(error))}` };
  }
}

/** Stops every counter still connected (after an error their figures are gone, their connections must go too). */
export async function closeWatches(watches: readonly DatabaseWatch[], secrets: Secrets, report: (line: string) => void): Promise<void> {
  await Promise.all(watches.flatMap((w) => (w.watch ? [w.watch.stop().then(() => undefined, (error: unknown) => {
    report(`closing the connection counter of ${w.channel}: ${secrets.redact(error instanceof Error ? error.message : String(error))}`);
  })] : [])));
}
