/**
 * Publishing through faults, with real processes: a loopback proxy (proxy.ts) in front of the real azurite and
 * PostgreSQL resets chosen connections mid-request. Each publish ends complete with one copy (the fault retried), or
 * failed with a clear message and nothing a reader would take for a copy (no manifest, no rows).
 */
import assert from 'node:assert/strict';
import { BlobServiceClient } from '@azure/storage-blob';
import pg from 'pg';
import type { Azurite } from '../../host/azurite';
import { startAzurite } from '../../host/azurite';
import type { Postgres } from '../../host/postgres';
import { startPostgres } from '../../host/postgres';
import { requireSystemPackages } from '../../host/system';
import { runCli } from '../cli';
import { makeWorkspace, recordKpiRun, setPublishTargets } from './fixture';
import type { Proxy } from './proxy';
import { startProxy } from './proxy';
import { blobNames, countRows, viaPort } from './readBack';

describe('cutover publish through connection faults', function () {
  this.timeout(90_000);
  let azurite: Azurite;
  let postgres: Postgres;
  let ws: string;
  let runId: string;
  const proxies: Proxy[] = [];

  before(async () => {
    requireSystemPackages();
    [azurite, postgres] = await Promise.all([startAzurite(), startPostgres()]);
    ws = (await makeWorkspace({ azure: 'UNUSED_AZURE', pg: 'UNUSED_PG' })).dir;
    setPublishTargets(ws, {
      blob: { type: 'azureBlob', container: 'faults', connectionStringEnv: 'CUTOVER_TEST_FAULT_AZURE' },
      db: { type: 'supabase', connectionStringEnv: 'CUTOVER_TEST_FAULT_DB' },
    });
    runId = await recordKpiRun(ws);
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    delete process.env.CUTOVER_TEST_FAULT_AZURE;
    delete process.env.CUTOVER_TEST_FAULT_DB;
  });
  after(async () => {
    await Promise.all([azurite?.stop(), postgres?.stop()]);
  });

  async function proxy(target: number, cut: Parameters<typeof startProxy>[1]): Promise<Proxy> {
    const p = await startProxy(target, cut);
    proxies.push(p);
    return p;
  }

  it('a PostgreSQL connection reset in the middle of the COPY transaction is retried: one copy', async () => {
    let cutOnce = false;
    // The first time the client starts the COPY, its connection is reset: the transaction dies on the server.
    const p = await proxy(postgres.port, (chunk) => {
      if (cutOnce || !chunk.includes('COPY cutover_kpis_stage')) return false;
      cutOnce = true;
      return 'reset';
    });
    process.env.CUTOVER_TEST_FAULT_DB = viaPort(postgres.url, postgres.port, p.port);
    const r = await runCli(['publish', '--run', runId, '--to', 'db'], ws);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.resets, 1);
    assert.match(r.stderr, /ECONNRESET|Connection terminated|connection/i);
    assert.match(r.stderr, /retrying \(1\/3\)/);
    assert.equal(await countRows(postgres.url, 'SELECT count(*) AS n FROM cutover_runs'), 1);
    assert.equal(await countRows(postgres.url, 'SELECT count(*) AS n FROM cutover_kpis'), 3);
  });

  it('a PostgreSQL that resets every COPY fails with a clear message and leaves no rows behind', async () => {
    await (async () => {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      await client.query('DROP TABLE IF EXISTS cutover_kpis, cutover_runs');
      await client.end();
    })();
    const p = await proxy(postgres.port, (chunk) => (chunk.includes('COPY cutover_kpis_stage') ? 'reset' : false));
    process.env.CUTOVER_TEST_FAULT_DB = viaPort(postgres.url, postgres.port, p.port);
    const r = await runCli(['publish', '--run', runId, '--to', 'db'], ws);
    assert.equal(r.code, 4);
    assert.equal(p.resets, 4, 'the first try and three retries');
    assert.match(r.stdout, /✗ db: /);
    assert.equal(await countRows(postgres.url, 'SELECT count(*) AS n FROM cutover_runs'), 0);
    assert.equal(await countRows(postgres.url, 'SELECT count(*) AS n FROM cutover_kpis'), 0);
  });

  it('a PostgreSQL that stops answering in the middle of the transaction is given up on at --timeout and retried: one copy', async () => {
    let hangOnce = false;
    const p = await proxy(postgres.port, (chunk) => {
      if (hangOnce || !chunk.includes('COPY cutover_kpis_stage')) return false;
      hangOnce = true;
      return 'hang';
    });
    process.env.CUTOVER_TEST_FAULT_DB = viaPort(postgres.url, postgres.port, p.port);
    const r = await runCli(['publish', '--run', runId, '--to', 'db', '--timeout', '1'], ws);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.resets, 1);
    assert.match(r.stderr, /no answer within 1 s; retrying \(1\/3\)/);
    assert.equal(await countRows(postgres.url, 'SELECT count(*) AS n FROM cutover_runs'), 1);
    assert.equal(await countRows(postgres.url, 'SELECT count(*) AS n FROM cutover_kpis'), 3);
  });

  it('an Azure upload whose connection is reset is retried by the SDK: one copy, verified', async () => {
    let cutOnce = false;
    const p = await proxy(azurite.port, (chunk) => {
      if (cutOnce || !/^PUT \S+\/kpis\.parquet/.test(chunk.toString('latin1'))) return false;
      cutOnce = true;
      return 'reset';
    });
    process.env.CUTOVER_TEST_FAULT_AZURE = viaPort(azurite.connectionString, azurite.port, p.port);
    const r = await runCli(['publish', '--run', runId, '--to', 'blob'], ws);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.resets, 1);
    assert.deepEqual(await blobNames(azurite.connectionString, 'faults'), ['gonogo.json', 'kpis.parquet', 'manifest.json', 'mismatches.parquet', 'run.json'].map((n) => `cutover/${runId}/${n}`));
  });

  it('an Azure that never takes the manifest fails the publish, and no manifest is visible', async () => {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('faults');
    await container.deleteIfExists();
    const p = await proxy(azurite.port, (chunk) => (/^PUT \S+\/manifest\.json/.test(chunk.toString('latin1')) ? 'reset' : false));
    process.env.CUTOVER_TEST_FAULT_AZURE = viaPort(azurite.connectionString, azurite.port, p.port);
    const r = await runCli(['publish', '--run', runId, '--to', 'blob'], ws);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stdout, /✗ blob: /);
    assert.ok(p.resets >= 2, `the SDK retried (${p.resets} resets)`);
    const names = await blobNames(azurite.connectionString, 'faults');
    assert.ok(names.length > 0, 'the data blobs were written');
    assert.ok(!names.some((n) => n.endsWith('manifest.json')), `no manifest: ${names.join(', ')}`);
  });
});
