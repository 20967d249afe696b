/**
 * Table references on the command line: `postgres://[user@]host[:port]/database#schema.table` (or `postgresql://`,
 * or `#table` for the `public` schema). Host, port, database and user may also come from PostgreSQL's own
 * environment variables (PGHOST, PGPORT, PGDATABASE, PGUSER) with a bare `postgres://#schema.table`.
 *
 * Secrets come from the environment only: a password in the reference is refused (it would land in shell history,
 * process listings and the run record's command line); `pg` reads PGPASSWORD (or ~/.pgpass) itself. The reference
 * as shown in output and records (`display`) never carries a password.
 *
 * A supabase channel of cutover.json is a table reference too (`channelReference`): its table and schema, with
 * `${side}` standing for the side it is compared as, and the connection string read from the environment variable
 * the channel names (through Secrets, so an error can be scrubbed of it). Its `display` names the channel, never
 * the connection string.
 */
import type { Secrets } from '../../channels/secrets';
import type { ChannelConfig } from '../../config/schema';
import { CHANNEL_SIDE_PLACEHOLDER } from '../../config/schema';
import { UsageError } from '../../errors';

export interface TableReference {
  /** The connection string without the fragment (and without any password). */
  readonly url: string;
  readonly schema: string;
  readonly table: string;
  /** For messages and records: `postgres://user@host:port/db#schema.table`. */
  readonly display: string;
}

export function isTableReference(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/** Splits `schema.table` (each part optionally double-quoted) into its parts. */
function tableName(fragment: string, text: string): { schema: string; table: string } {
  const part = '(?:"((?:[^"]|"")+)"|([^."]+))';
  const m = new RegExp(`^(?:${part}\\.)?${part}$`).exec(fragment);
  if (!m) throw new UsageError(`table reference "${text}" must end in #schema.table or #table`);
  const unquote = (quoted: string | undefined, plain: string | undefined): string | undefined => (quoted !== undefined ? quoted.replaceAll('""', '"') : plain);
  return { schema: unquote(m[1], m[2]) ?? 'public', table: unquote(m[3], m[4]) as string };
}

export function parseTableReference(text: string): TableReference {
  const hash = text.indexOf('#');
  if (hash < 0) throw new UsageError(`table reference "${text}" must name a table after "#", e.g. postgres://host/db#public.loans`);
  const base = text.slice(0, hash);
  const { schema, table } = tableName(decodeURIComponent(text.slice(hash + 1)), text);
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`table reference "${text}" is not a valid postgres:// URL`);
  }
  if (url.password !== '') throw new UsageError('a table reference must not contain a password: set PGPASSWORD (or use ~/.pgpass) instead');
  const shown = `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}${url.pathname}${url.search}`;
  return { url: base, schema, table, display: `${shown}#${schema}.${table}` };
}

/** Channel `name` of cutover.json as a table reference for `side`; only a supabase (PostgreSQL) channel is a table. */
export function channelReference(name: string, channel: ChannelConfig, side: 'v1' | 'v2', secrets: Secrets): TableReference {
  if (channel.type !== 'supabase') {
    throw new UsageError(`channel "${name}" is a ${channel.type} channel: compare takes a supabase (PostgreSQL) channel by name, and a file channel by its path`);
  }
  if (channel.connectionStringEnv === undefined) {
    throw new UsageError(`channel "${name}" names no connectionStringEnv: compare reads a database table over its PostgreSQL connection, not the REST API`);
  }
  const table = channel.table.replaceAll(CHANNEL_SIDE_PLACEHOLDER, side);
  const url = secrets.read(channel.connectionStringEnv, `channels.${name}.connectionStringEnv`);
  return { url, schema: channel.schema, table, display: `channel ${name} (${channel.schema}.${table})` };
}
