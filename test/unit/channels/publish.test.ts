/**
 * `cutover publish` to a local folder, a real azurite and a real PostgreSQL (started here, stopped after): each target
 * holds one verified copy of the run's evidence, publishing again changes nothing, a replaced copy never mixes old
 * and new, and the secrets appear nowhere.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import pg from 'pg';
import type { Azurite } from '../../host/azurite';
import { startAzurite } from '../../host/azurite';
import type { Postgres } from '../../host/postgres';
import { startPostgres } from '../../host/postgres';
import { requireSystemPackages } from '../../host/system';
import { runCli } from '../cli';
import { makeWorkspace, recordKpiRun, setPublishTargets } from './fixture';

const CANARY = 'canary-PublishS3cret-51d2';

describe('cutover publish to a folder, azurite and PostgreSQL', function () {
  this.timeout(60_000);
  let azurite: Azurite;
  let postgres: Postgres;
  let ws: string;
  let runId: string;
  let db: string;

  before(async () => {
    requireSystemPackages();
    [azurite, postgres] = await Promise.all([startAzurite(), startPostgres()]);
    db = postgres.url.replace('postgres@', `postgres:${CANARY}@`);
    process.env.CUTOVER_TEST_PUBLISH_AZURE = azurite.connectionString;
    process.env.CUTOVER_TEST_PUBLISH_DB = db;
    ws = (await makeWorkspace({ azure: 'UNUSED_AZURE', pg: 'UNUSED_PG' })).dir;
    setPublishTargets(ws, {
      local: { type: 'folder', path: 'evidence', format: 'csv' },
      blob: { type: 'azureBlob', container: 'evidence', connectionStringEnv: 'CUTOVER_TEST_PUBLISH_AZURE' },
      db: { type: 'supabase', connectionStringEnv: 'CUTOVER_TEST_PUBLISH_DB' },
    });
    runId = await recordKpiRun(ws);
  });
  after(async () => {
    delete process.env.CUTOVER_TEST_PUBLISH_AZURE;
    delete process.env.CUTOVER_TEST_PUBLISH_DB;
    await Promise.all([azurite?.stop(), postgres?.stop()]);
  });

  const publishAll = () => runCli(['publish', '--run', runId, '--to', 'local', 'blob', 'db', '--json'], ws);

  async function blobs(): Promise<Map<string, string>> {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('evidence');
    const out = new Map<string, string>();
    for await (const b of container.listBlobsFlat()) out.set(b.name, Buffer.from(b.properties.contentMD5 ?? []).toString('base64'));
    return out;
  }

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }

  it('writes one verified copy to each target, the manifest listing every file with its MD5', async () => {
    const r = await publishAll();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const manifest = JSON.parse(readFileSync(join(ws, 'evidence', runId, 'manifest.json'), 'utf8')) as { runId: string; files: { name: string; md5: string; rows?: number }[] };
    assert.equal(manifest.runId, runId);
    assert.deepEqual(manifest.files.map((f) => f.name), ['run.json', 'kpis.csv', 'mismatches.csv', 'gonogo.json']);
    assert.equal(manifest.files[1]?.rows, 3);
    assert.equal(manifest.files[2]?.rows, 2);
    assert.equal(readFileSync(join(ws, 'evidence', runId, 'mismatches.csv'), 'utf8'), 'loan_id,kind,balance_v1,balance_v2\n7,changed,100.0,103.0\n9,onlyV1,55.5,\n');
    assert.match(readFileSync(join(ws, 'evidence', runId, 'kpis.csv'), 'utf8'), /^segment,kpi,day,v1,v2,delta,rel_variance,verdict,reason\n/);
    const stored = await blobs();
    assert.deepEqual([...stored.keys()].sort(), ['gonogo.json', 'kpis.parquet', 'manifest.json', 'mismatches.parquet', 'run.json'].map((n) => `cutover/${runId}/${n}`));
    assert.ok([...stored.values()].every((md5) => md5.length === 24), 'every blob has an MD5');
    assert.deepEqual(await rows(`SELECT run_id, kind, verdict, go_no_go FROM cutover_runs`), [{ run_id: runId, kind: 'shadow', verdict: 'fail', go_no_go: 'no-go' }]);
    const kpis = await rows(`SELECT segment, kpi, v2, verdict, reason FROM cutover_kpis ORDER BY segment, kpi`);
    assert.deepEqual(kpis.map((k) => [k['segment'], k['kpi'], k['v2'], k['verdict']]), [['product=car', 'balance', 103, 'fail'], ['total', 'dq30', 0.1004, 'inconclusive'], ['total', 'loans', 50, 'pass']]);
    assert.equal(kpis[0]?.['reason'], 'balance moved, it\'s "fine", or not');
  });

  it('publishing again leaves one copy everywhere, and says the copies were already there', async () => {
    const before = await blobs();
    const r = await publishAll();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const json = JSON.parse(r.stdout) as { publish: { targets: { target: string; written: boolean }[] } };
    assert.deepEqual(json.publish.targets.map((t) => [t.target, t.written]), [['local', false], ['blob', false], ['db', true]]);
    assert.deepEqual(await blobs(), before);
    assert.deepEqual(readdirSync(join(ws, 'evidence')), [runId]);
    assert.deepEqual(await rows('SELECT count(*)::int AS n FROM cutover_runs'), [{ n: 1 }]);
    assert.deepEqual(await rows('SELECT count(*)::int AS n FROM cutover_kpis'), [{ n: 3 }]);
  });

  it('replaces a tampered copy whole: the blob and the file are written again and verified', async () => {
    const before = await blobs();
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('evidence');
    await container.getBlockBlobClient(`cutover/${runId}/kpis.parquet`).upload('tampered', 8);
    writeFileSync(join(ws, 'evidence', runId, 'kpis.csv'), 'tampered\n');
    const r = await runCli(['publish', '--run', runId, '--to', 'local', 'blob', '--json'], ws);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const json = JSON.parse(r.stdout) as { publish: { targets: { target: string; written: boolean }[] } };
    assert.deepEqual(json.publish.targets.map((t) => [t.target, t.written]), [['local', true], ['blob', true]]);
    assert.deepEqual(await blobs(), before);
    assert.match(readFileSync(join(ws, 'evidence', runId, 'kpis.csv'), 'utf8'), /^segment,kpi/);
    assert.deepEqual(readdirSync(join(ws, 'evidence')), [runId], 'no temporary or old folder is left');
  });

  it('fails (exit 4) naming the target it could not reach, and never shows the secret', async () => {
    process.env.CUTOVER_TEST_PUBLISH_DB = db.replace(`:${postgres.port}/`, ':1/');
    let r;
    try {
      r = await runCli(['publish', '--run', runId, '--to', 'db'], ws);
    } finally {
      process.env.CUTOVER_TEST_PUBLISH_DB = db;
    }
    assert.equal(r.code, 4);
    assert.match(r.stdout, /✗ db: .*ECONNREFUSED/);
    assert.match(r.stderr, /retrying \(3\/3\)/);
    const records = readdirSync(join(ws, '.cutover', 'runs')).map((id) => join(ws, '.cutover', 'runs', id, 'run.json')).filter((f) => f.endsWith('run.json') && !f.includes('.lock') && !f.includes('index.jsonl'));
    for (const text of [r.stdout, r.stderr, ...records.map((f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } })]) assert.ok(!text.includes(CANARY), 'the secret leaked');
  });
});
