/**
 * A local stand-in for PostgREST (Supabase's REST API), for tests and benchmarks: PostgREST itself cannot be
 * installed here (no Debian package; the npm `postgrest` package downloads its binary at install time). It implements
 * exactly the requests Cutover's supabase-js path sends (src/core/channels/rest.ts, publish.ts), against the real
 * PostgreSQL the tests start, the way PostgREST answers them:
 *
 *   GET/HEAD /rest/v1/<table>?select=<*|a,b>&order=a.asc,b.desc&offset=N&limit=M&<col>=eq.<value>
 *     rows as one JSON array (`json_agg`, so numbers and dates are PostgreSQL's JSON), at most `maxRows` of them
 *     whatever the limit (PostgREST's `max-rows`); `Prefer: count=exact` gives the total in Content-Range `a-b/N`.
 *   POST /rest/v1/<table>?columns="a","b"[&on_conflict=a,b] with `Prefer: resolution=merge-duplicates`
 *     the JSON array inserted through `json_populate_recordset`, merged on the conflict columns; 201, no body.
 *   Profiles (Accept-Profile / Content-Profile) pick the schema; the `apikey` header must equal the key (else 401).
 *   A table PostgreSQL does not have: 404 with code PGRST205, as PostgREST 12+. A PostgreSQL error: 400 (409 for a
 *   unique violation) with its code, message, details and hint. Anything else: 501, naming what is not implemented.
 *
 *   const rest = await startPostgrest({ databaseUrl: pg.url, key: 'k', maxRows: 1000 });  // { url, key, requests, stop() }
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export interface Postgrest {
  /** http://127.0.0.1:PORT, the "project URL" supabase-js is given. */
  readonly url: string;
  readonly key: string;
  /** Each request as `METHOD /path?query` (tests check what was asked). */
  readonly requests: string[];
  stop(): Promise<void>;
}

export interface PostgrestOptions {
  readonly databaseUrl: string;
  readonly key: string;
  /** PostgREST's db-max-rows: no response carries more rows. */
  readonly maxRows: number;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly body: Record<string, unknown>) {
    super(String(body['message']));
  }
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `a.asc,b.desc.nullsfirst` → ORDER BY text. */
function orderBy(param: string | null): string {
  if (!param) return '';
  const terms = param.split(',').map((term) => {
    const [column, direction = 'asc', nulls] = term.split('.');
    if (!column || !['asc', 'desc'].includes(direction) || (nulls && !['nullsfirst', 'nullslast'].includes(nulls))) throw new HttpError(400, { code: 'PGRST100', message: `bad order term ${term}` });
    return `${ident(column)} ${direction.toUpperCase()}${nulls ? ` NULLS ${nulls === 'nullsfirst' ? 'FIRST' : 'LAST'}` : ''}`;
  });
  return ` ORDER BY ${terms.join(', ')}`;
}

const RESERVED = new Set(['select', 'order', 'offset', 'limit', 'columns', 'on_conflict']);

/** The `col=eq.value` filters; any other operator is not something Cutover sends. */
function filters(query: URLSearchParams, values: unknown[]): string {
  const where: string[] = [];
  for (const [column, condition] of query) {
    if (RESERVED.has(column)) continue;
    if (!condition.startsWith('eq.')) throw new HttpError(501, { message: `the PostgREST stand-in implements only eq filters, not ${column}=${condition}` });
    values.push(condition.slice(3));
    where.push(`${ident(column)}::text = $${values.length}`);
  }
  return where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startPostgrest(options: PostgrestOptions): Promise<Postgrest> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
  const requests: string[] = [];

  async function table(schema: string, name: string): Promise<string> {
    const qualified = `${ident(schema)}.${ident(name)}`;
    const found = await pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [qualified]);
    if (!found.rows[0]?.t) throw new HttpError(404, { code: 'PGRST205', message: `Could not find the table '${schema}.${name}' in the schema cache`, details: null, hint: null });
    return qualified;
  }

  async function read(req: IncomingMessage, res: ServerResponse, name: string, query: URLSearchParams): Promise<void> {
    const qualified = await table(String(req.headers['accept-profile'] ?? 'public'), name);
    const select = query.get('select') ?? '*';
    const columns = select === '*' ? '*' : select.split(',').map((c) => ident(c.trim())).join(', ');
    const values: unknown[] = [];
    const where = filters(query, values);
    const offset = Number(query.get('offset') ?? 0);
    const limit = Math.min(Number(query.get('limit') ?? options.maxRows), options.maxRows);
    const rows = await pool.query<{ rows: unknown[] }>(
      `SELECT coalesce(json_agg(t), '[]'::json) AS rows FROM (SELECT ${columns} FROM ${qualified}${where}${orderBy(query.get('order'))} OFFSET ${offset} LIMIT ${limit}) t`, values);
    const list = rows.rows[0]?.rows ?? [];
    let total = '*';
    if (/count=exact/.test(String(req.headers['prefer'] ?? ''))) {
      const counted = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified}${where}`, values);
      total = counted.rows[0]?.n ?? '0';
    }
    const range = list.length > 0 ? `${offset}-${offset + list.length - 1}` : '*';
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Range': `${range}/${total}` });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(list));
  }

  async function write(req: IncomingMessage, res: ServerResponse, name: string, query: URLSearchParams): Promise<void> {
    const qualified = await table(String(req.headers['content-profile'] ?? 'public'), name);
    const rows = JSON.parse(await body(req)) as unknown;
    if (!Array.isArray(rows)) throw new HttpError(501, { message: 'the PostgREST stand-in implements only JSON arrays of rows' });
    const listed = query.get('columns');
    const columns = listed ? listed.split(',').map((c) => c.trim().replace(/^"|"$/g, '')) : Object.keys((rows[0] ?? {}) as object);
    const cols = columns.map(ident).join(', ');
    const conflict = query.get('on_conflict');
    const merge = /resolution=merge-duplicates/.test(String(req.headers['prefer'] ?? ''));
    let sql = `INSERT INTO ${qualified} (${cols}) SELECT ${cols} FROM json_populate_recordset(null::${qualified}, $1::json)`;
    if (merge) {
      const keys = (conflict ?? '').split(',').map((c) => c.trim()).filter(Boolean);
      if (keys.length === 0) throw new HttpError(501, { message: 'the PostgREST stand-in needs on_conflict with merge-duplicates' });
      const updates = columns.filter((c) => !keys.includes(c)).map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`);
      sql += ` ON CONFLICT (${keys.map(ident).join(', ')}) ${updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`;
    }
    await pool.query(sql, [JSON.stringify(rows)]);
    res.writeHead(201);
    res.end();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const handle = async (): Promise<void> => {
      if (req.headers['apikey'] !== options.key) throw new HttpError(401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
      const match = /^\/rest\/v1\/([^/]+)$/.exec(url.pathname);
      if (!match?.[1]) throw new HttpError(501, { message: `the PostgREST stand-in does not implement ${url.pathname}` });
      const name = decodeURIComponent(match[1]);
      if (req.method === 'GET' || req.method === 'HEAD') return read(req, res, name, url.searchParams);
      if (req.method === 'POST') return write(req, res, name, url.searchParams);
      throw new HttpError(501, { message: `the PostgREST stand-in does not implement ${req.method}` });
    };
    handle().catch((error: unknown) => {
      const pgError = error as { code?: string; message?: string; detail?: string; hint?: string };
      const [status, payload] = error instanceof HttpError
        ? [error.status, error.body]
        : [pgError.code === '23505' ? 409 : 400, { code: pgError.code ?? '', message: pgError.message ?? String(error), details: pgError.detail ?? null, hint: pgError.hint ?? null }];
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key: options.key,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
