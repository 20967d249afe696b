/**
 * Supabase over its REST API (supabase-js): `cutover channels validate` reading a table back page by page and
 * `cutover publish` upserting the evidence tables. PostgREST cannot be installed here, so the server is the local
 * stand-in test/host/postgrest.ts — exactly the PostgREST requests Cutover sends, answered from the REAL PostgreSQL
 * started here — with max-rows set to 7, so the 50 delivered loans take 8 pages and a reader that trusted one page
 * would see 7 rows.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { ChannelResult } from '../../../src/core/runs/results';
import type { Azurite } from '../../host/azurite';
import { startAzurite } from '../../host/azurite';
import type { Postgres } from '../../host/postgres';
import { startPostgres } from '../../host/postgres';
import type { Postgrest } from '../../host/postgrest';
import { startPostgrest } from '../../host/postgrest';
import { requireSystemPackages } from '../../host/system';
import { runCli } from '../cli';
import type { Workspace } from './fixture';
import { deliver, makeWorkspace, recordKpiRun, setPublishTargets, TABLE } from './fixture';

const ENV = { azure: 'CUTOVER_TEST_REST_AZURE', pg: 'CUTOVER_TEST_REST_PG', url: 'CUTOVER_TEST_REST_URL', key: 'CUTOVER_TEST_REST_KEY' };
/** The API key: it must show up nowhere Cutover writes. */
const KEY = 'canary-RestKey-0c4b9e71';
const MAX_ROWS = 7;

interface ValidateJson { runDir: string; verdict: string; channels: ChannelResult[] }

describe('Supabase through its REST API (supabase-js) against a PostgREST stand-in over a real PostgreSQL', function () {
  this.timeout(60_000);
  let azurite: Azurite;
  let postgres: Postgres;
  let rest: Postgrest;
  let ws: Workspace;
  let secrets: { azure: string; pg: string };

  before(async () => {
    requireSystemPackages();
    [azurite, postgres] = await Promise.all([startAzurite(), startPostgres()]);
    rest = await startPostgrest({ databaseUrl: postgres.url, key: KEY, maxRows: MAX_ROWS });
    secrets = { azure: azurite.connectionString, pg: postgres.url };
    Object.assign(process.env, { [ENV.azure]: secrets.azure, [ENV.pg]: secrets.pg, [ENV.url]: rest.url, [ENV.key]: KEY });
    ws = await makeWorkspace({ azure: ENV.azure, pg: ENV.pg });
    const config = JSON.parse(readFileSync(join(ws.dir, 'cutover.json'), 'utf8')) as Record<string, unknown>;
    config['channels'] = { 'loans-rest': { type: 'supabase', output: 'loans', table: TABLE, urlEnv: ENV.url, keyEnv: ENV.key } };
    writeFileSync(join(ws.dir, 'cutover.json'), JSON.stringify(config, null, 2));
  });
  after(async () => {
    for (const name of Object.values(ENV)) delete process.env[name];
    await rest?.stop();
    await Promise.all([azurite?.stop(), postgres?.stop()]);
  });

  async function validate(): Promise<{ code: number; result: ChannelResult; json: ValidateJson; output: string }> {
    const r = await runCli(['channels', 'validate', '--run', ws.runId, '--json'], ws.dir);
    const json = JSON.parse(r.stdout) as ValidateJson;
    assert.equal(json.channels.length, 1, r.stdout);
    return { code: r.code, result: json.channels[0]!, json, output: r.stdout + r.stderr };
  }

  it('reads a table back page by page past the server\'s max-rows, and passes when it equals the local output', async () => {
    await deliver(ws, secrets);
    rest.requests.length = 0;
    const r = await validate();
    assert.equal(r.code, 0, r.output);
    assert.equal(r.result.verdict, 'pass', r.result.reasons.join('\n'));
    assert.equal(r.result.location, `supabase REST table public.${TABLE}`);
    assert.deepEqual(r.result.rows, { local: 50, delivered: 50 });
    // 50 rows at most 7 a page: 8 pages, each starting where the rows received ended, in key order.
    const pages = rest.requests.filter((q) => q.startsWith(`GET /rest/v1/${TABLE}?`)).map((q) => new URL(q.slice(4), 'http://x').searchParams);
    assert.deepEqual(pages.map((p) => p.get('offset')), ['0', '7', '14', '21', '28', '35', '42', '49']);
    assert.ok(pages.every((p) => p.get('order') === 'loan_id.asc' && p.get('limit') === '1000'), rest.requests.join('\n'));
  });

  it('fails a REST delivery that lost rows, with both counts', async () => {
    await deliver(ws, secrets, { loseDbRows: 3 });
    const r = await validate();
    assert.equal(r.code, 1);
    assert.deepEqual(r.result.rows, { local: 50, delivered: 47 });
    assert.ok(r.result.reasons.includes('rows: 47 delivered, the local output has 50 (3 lost)'), r.result.reasons.join('\n'));
  });

  it('fails a table that does not exist, and is inconclusive with a key the server refuses (never showing the key)', async () => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    await client.query(`DROP TABLE ${TABLE}`);
    await client.end();
    const missing = await validate();
    assert.equal(missing.code, 1);
    assert.match(missing.result.reasons.join('\n'), new RegExp(`exists: nothing delivered: .*Could not find the table 'public\\.${TABLE}'`));

    process.env[ENV.key] = `${KEY}-revoked`;
    try {
      const refused = await validate();
      assert.equal(refused.code, 2);
      assert.match(refused.result.reasons.join('\n'), /read: could not read the channel: .*Invalid API key/);
      const written = readdirSync(refused.json.runDir, { recursive: true }).map((f) => join(refused.json.runDir, String(f))).filter((f) => statSync(f).isFile());
      for (const text of [refused.output, ...written.map((f) => readFileSync(f, 'utf8'))]) assert.ok(!text.includes(KEY), 'the API key leaked');
    } finally {
      process.env[ENV.key] = KEY;
    }
  });

  it('publishes the evidence tables by batched upserts, the run\'s row last; publishing again leaves one copy', async () => {
    setPublishTargets(ws.dir, { db: { type: 'supabase', connectionStringEnv: ENV.pg }, api: { type: 'supabase', urlEnv: ENV.url, keyEnv: ENV.key } });
    const runId = await recordKpiRun(ws.dir);
    const sql = async (text: string): Promise<Record<string, unknown>[]> => {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        return (await client.query(text)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    };
    // Over the REST API the tables must exist: the Postgres route creates them, and is emptied again here.
    assert.equal((await runCli(['publish', '--run', runId, '--to', 'db'], ws.dir)).code, 0);
    await sql('TRUNCATE cutover_runs, cutover_kpis');
    rest.requests.length = 0;
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['publish', '--run', runId, '--to', 'api', '--json'], ws.dir);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(!(r.stdout + r.stderr).includes(KEY), 'the API key leaked');
    }
    const posts = rest.requests.filter((q) => q.startsWith('POST'));
    assert.deepEqual(posts.map((q) => q.split('?')[0]), ['POST /rest/v1/cutover_kpis', 'POST /rest/v1/cutover_runs', 'POST /rest/v1/cutover_kpis', 'POST /rest/v1/cutover_runs']);
    assert.deepEqual(await sql('SELECT run_id, kind, verdict, go_no_go FROM cutover_runs'), [{ run_id: runId, kind: 'shadow', verdict: 'fail', go_no_go: 'no-go' }]);
    const kpis = await sql('SELECT segment, kpi, day, v2, verdict FROM cutover_kpis ORDER BY segment, kpi');
    assert.deepEqual(kpis.map((k) => [k['segment'], k['kpi'], k['day'], k['v2'], k['verdict']]), [
      ['product=car', 'balance', '', 103, 'fail'], ['total', 'dq30', '', 0.1004, 'inconclusive'], ['total', 'loans', '', 50, 'pass'],
    ]);
  });
});
