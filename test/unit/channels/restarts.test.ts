/**
 * Publishing while the real servers go away, with real processes: azurite killed and started again in the middle of
 * an upload, PostgreSQL stopped at once (every connection cut) and started again in the middle of the COPY, and a
 * server that accepts a connection and never answers (Azure, and Supabase's REST API). Each publish ends complete
 * with one copy, or failed with a clear message and nothing a reader would take for a copy.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const ENV = { azure: 'CUTOVER_TEST_RESTART_AZURE', db: 'CUTOVER_TEST_RESTART_DB', url: 'CUTOVER_TEST_RESTART_URL', key: 'CUTOVER_TEST_RESTART_KEY' };
const FILES = ['gonogo.json', 'kpis.parquet', 'manifest.json', 'mismatches.parquet', 'run.json'];

/** A loopback server that accepts connections and never answers: a stuck service. */
async function silentServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => sockets.delete(socket));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('cutover publish while the servers restart or stop answering (real processes)', function () {
  this.timeout(90_000);
  let azurite: Azurite;
  let postgres: Postgres;
  let blobDir: string;
  let ws: string;
  let runId: string;
  const proxies: Proxy[] = [];

  before(async () => {
    requireSystemPackages();
    blobDir = mkdtempSync(join(tmpdir(), 'cutover-azurite-'));
    // On disk, so a restarted azurite still holds what was uploaded before.
    [azurite, postgres] = await Promise.all([startAzurite({ location: blobDir }), startPostgres()]);
    ws = (await makeWorkspace({ azure: 'UNUSED_AZURE', pg: 'UNUSED_PG' })).dir;
    setPublishTargets(ws, {
      blob: { type: 'azureBlob', container: 'restarts', connectionStringEnv: ENV.azure },
      db: { type: 'supabase', connectionStringEnv: ENV.db },
      api: { type: 'supabase', urlEnv: ENV.url, keyEnv: ENV.key },
    });
    runId = await recordKpiRun(ws);
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    for (const name of Object.values(ENV)) delete process.env[name];
  });
  after(async () => {
    await Promise.all([azurite?.stop(), postgres?.stop()]);
    rmSync(blobDir, { recursive: true, force: true });
  });

  it('azurite killed in the middle of an upload and started again: the upload is retried, one verified copy', async () => {
    let restarted: Promise<void> | undefined;
    const port = azurite.port;
    const p = await startProxy(port, (chunk) => {
      if (restarted || !/^PUT \S+\/mismatches\.parquet/.test(chunk.toString('latin1'))) return false;
      // The request reaches a server that dies under it; a new one takes the port a moment later.
      restarted = (async () => {
        await azurite.stop();
        await new Promise((r) => setTimeout(r, 300));
        azurite = await startAzurite({ port, location: blobDir });
      })();
      return false;
    });
    proxies.push(p);
    process.env[ENV.azure] = viaPort(azurite.connectionString, port, p.port);
    const r = await runCli(['publish', '--run', runId, '--to', 'blob', '--timeout', '5'], ws);
    assert.ok(restarted, 'azurite was restarted during the upload');
    await restarted;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /✓ blob \(azureBlob\) .*5 blobs written, each length and MD5 read back/);
    assert.deepEqual(await blobNames(azurite.connectionString, 'restarts'), FILES.map((n) => `cutover/${runId}/${n}`));
  });

  it('PostgreSQL stopped at once in the middle of the COPY and started again: the transaction is retried, one copy', async () => {
    let restarted = false;
    const p = await startProxy(postgres.port, (chunk) => {
      if (restarted || !chunk.includes('COPY cutover_kpis_stage')) return false;
      restarted = true;
      // The COPY is under way when the server stops (pg_ctl -m immediate: every backend killed) and comes back.
      setImmediate(() => void postgres.restart());
      return false;
    });
    proxies.push(p);
    process.env[ENV.db] = viaPort(postgres.url, postgres.port, p.port);
    const r = await runCli(['publish', '--run', runId, '--to', 'db', '--timeout', '10'], ws);
    assert.ok(restarted, 'PostgreSQL was restarted during the COPY');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /retrying \(1\/3\)/);
    assert.equal(await countRows(postgres.url, `SELECT count(*) AS n FROM cutover_runs WHERE run_id = '${runId}'`), 1);
    assert.equal(await countRows(postgres.url, `SELECT count(*) AS n FROM cutover_kpis WHERE run_id = '${runId}'`), 3);
  });

  it('an Azure that accepts the connection and never answers: given up on at --timeout with a clear message, nothing written', async function () {
    const silent = await silentServer();
    try {
      process.env[ENV.azure] = viaPort(azurite.connectionString, azurite.port, silent.port);
      const started = Date.now();
      const r = await runCli(['publish', '--run', runId, '--to', 'blob', '--timeout', '1'], ws);
      assert.equal(r.code, 4, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /blob.*azure:\/\/restarts\/cutover\/: no answer within 1 s/);
      assert.ok(silent.accepted() >= 1, 'the request reached the server');
      assert.ok(Date.now() - started < 30_000, 'bounded: it did not wait for a reply that never comes');
    } finally {
      await silent.close();
    }
  });

  it('a Supabase REST API that never answers: each batch given up on at --timeout and retried, then a clear failure, no run row', async function () {
    const silent = await silentServer();
    try {
      Object.assign(process.env, { [ENV.url]: `http://127.0.0.1:${silent.port}`, [ENV.key]: 'a-key-for-nothing' });
      const r = await runCli(['publish', '--run', runId, '--to', 'api', '--timeout', '1'], ws);
      assert.equal(r.code, 4, r.stdout + r.stderr);
      assert.match(r.stdout, /✗ api: .*upserting rows 1–3 of 3 into public\.cutover_kpis: no answer within 1 s \(gave up after 4 tries\)/);
      assert.equal((r.stderr.match(/retrying \(\d\/3\)/g) ?? []).length, 3);
      assert.ok(silent.accepted() >= 4, `a connection per try at least (${silent.accepted()})`);
    } finally {
      await silent.close();
    }
  });
});
