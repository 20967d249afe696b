/**
 * `cutover channels validate` against REAL backends started here: azurite (npm, loopback) and a throwaway
 * PostgreSQL (Debian's, test/host/postgres.ts), both stopped after. Small data (50 loans), so it takes seconds.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openEngine } from '../../../src/core/engine/duckdb';
import { RunRecord } from '../../../src/core/runs/record';
import type { ChannelResult } from '../../../src/core/runs/results';
import type { Azurite } from '../../host/azurite';
import { startAzurite } from '../../host/azurite';
import type { Postgres } from '../../host/postgres';
import { startPostgres } from '../../host/postgres';
import { requireSystemPackages } from '../../host/system';
import { runCli } from '../cli';
import type { Workspace } from './fixture';
import { deliver, makeWorkspace, TABLE } from './fixture';

const AZURE_ENV = 'CUTOVER_TEST_AZURE_CONNECTION';
const PG_ENV = 'CUTOVER_TEST_SUPABASE_DB_URL';
/** A password PostgreSQL's trust authentication ignores: it must show up nowhere Cutover writes. */
const CANARY = 'canary-S3cr3t-7f3a91c2';

interface ValidateJson {
  runId: string;
  runDir: string;
  verdict: string;
  run: string;
  channels: ChannelResult[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map((f) => join(dir, String(f))).filter((f) => statSync(f).isFile());
}

describe('cutover channels validate with azurite and PostgreSQL', function () {
  this.timeout(60_000);
  let azurite: Azurite;
  let postgres: Postgres;
  let ws: Workspace;
  let secrets: { azure: string; pg: string };

  before(async () => {
    requireSystemPackages();
    [azurite, postgres] = await Promise.all([startAzurite(), startPostgres()]);
    secrets = { azure: azurite.connectionString, pg: postgres.url.replace('postgres@', `postgres:${CANARY}@`) };
    process.env[AZURE_ENV] = secrets.azure;
    process.env[PG_ENV] = secrets.pg;
    ws = await makeWorkspace({ azure: AZURE_ENV, pg: PG_ENV });
  });
  after(async () => {
    delete process.env[AZURE_ENV];
    delete process.env[PG_ENV];
    await Promise.all([azurite?.stop(), postgres?.stop()]);
  });

  async function validate(...flags: string[]): Promise<{ code: number; json: ValidateJson; stdout: string; stderr: string; byName: (name: string) => ChannelResult }> {
    const r = await runCli(['channels', 'validate', '--run', ws.runId, '--json', ...flags], ws.dir);
    const json = JSON.parse(r.stdout) as ValidateJson;
    const byName = (name: string): ChannelResult => {
      const found = json.channels.find((c) => c.channel === name);
      assert.ok(found, `no result for channel ${name} in ${r.stdout}`);
      return found;
    };
    return { code: r.code, json, stdout: r.stdout, stderr: r.stderr, byName };
  }

  it('passes every channel when each delivery equals the local output, and records a channels run', async () => {
    await deliver(ws, secrets);
    const r = await validate();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json.verdict, 'pass');
    assert.equal(r.json.run, ws.runId);
    assert.deepEqual(r.json.channels.map((c) => [c.channel, c.verdict]), [
      ['loans-parquet', 'pass'], ['kpis-csv', 'pass'], ['loans-blob', 'pass'], ['loans-db', 'pass'], ['manifest', 'pass'],
    ]);
    for (const name of ['loans-parquet', 'loans-blob', 'loans-db']) assert.deepEqual(r.byName(name).rows, { local: 50, delivered: 50 });
    assert.deepEqual(r.byName('loans-blob').checks.map((c) => c.check), ['md5', 'exists', 'schema', 'rows', 'contents', 'checksum']);
    const record = RunRecord.parse(JSON.parse(readFileSync(join(r.json.runDir, 'run.json'), 'utf8')));
    assert.equal(record.kind, 'channels');
    assert.equal(record.verdict?.verdict, 'pass');
    assert.equal(record.results.channels?.channels.length, 5);
    // The blob was downloaded into the channels run's folder.
    assert.ok(filesUnder(r.json.runDir).some((f) => f.endsWith(join('loans-blob', 'v2', 'blobs', 'loans.parquet'))));
  });

  it('fails the Supabase channel that lost rows, with both counts', async () => {
    await deliver(ws, secrets, { loseDbRows: 3 });
    const r = await validate();
    assert.equal(r.code, 1);
    const db = r.byName('loans-db');
    assert.equal(db.verdict, 'fail');
    assert.deepEqual(db.rows, { local: 50, delivered: 47 });
    assert.ok(db.reasons.some((x) => x === 'rows: 47 delivered, the local output has 50 (3 lost)'), db.reasons.join('\n'));
    assert.ok(db.reasons.some((x) => /contents: .*3 rows missing from the delivery/.test(x)), db.reasons.join('\n'));
    assert.equal(r.byName('loans-parquet').verdict, 'pass');
    // The manifest claimed 50 rows for the table.
    assert.ok(r.byName('manifest').reasons.some((x) => x.includes('outputs[3].rows is 50, loans-db delivered 47')), r.byName('manifest').reasons.join('\n'));
  });

  it('fails a blob whose bytes do not have its Content-MD5', async () => {
    await deliver(ws, secrets, { wrongMd5: true });
    const r = await validate();
    assert.equal(r.code, 1);
    const blob = r.byName('loans-blob');
    assert.equal(blob.verdict, 'fail');
    assert.equal(blob.checks.find((c) => c.check === 'md5')?.verdict, 'fail');
    assert.match(blob.reasons.join('\n'), /md5: v2\/loans\.parquet: downloaded bytes have MD5 \S+, the blob's Content-MD5 is \S+/);
  });

  it('fails a manifest missing a required field and names it', async () => {
    await deliver(ws, secrets, { omitManifestField: 'pipeline.version' });
    const r = await validate();
    assert.equal(r.code, 1);
    const manifest = r.byName('manifest');
    assert.equal(manifest.verdict, 'fail');
    assert.deepEqual(manifest.reasons, ['required fields: missing pipeline.version']);
    assert.ok(r.json.channels.filter((c) => c.channel !== 'manifest').every((c) => c.verdict === 'pass'));
  });

  it('fails a Parquet delivery whose column type changed and a CSV delivery with one value changed', async () => {
    await deliver(ws, secrets);
    const engine = await openEngine();
    try {
      const out = join(ws.dir, 'delivery');
      await engine.exec(`COPY (SELECT * REPLACE (balance::DOUBLE AS balance) FROM '${ws.local.loans}') TO '${join(out, 'loans.parquet')}' (FORMAT parquet)`);
      await engine.exec(`COPY (SELECT * REPLACE (CASE WHEN segment = 'car' THEN value + 0.01 ELSE value END AS value) FROM '${ws.local.kpis}') TO '${join(out, 'kpis.csv')}' (FORMAT csv, HEADER true)`);
    } finally {
      engine.close();
    }
    const r = await validate();
    assert.equal(r.code, 1);
    const parquet = r.byName('loans-parquet');
    assert.equal(parquet.verdict, 'fail');
    assert.ok(parquet.reasons.includes('schema: column balance is DOUBLE, locally DECIMAL(12,2)'), parquet.reasons.join('\n'));
    const csv = r.byName('kpis-csv');
    assert.equal(csv.verdict, 'fail');
    assert.deepEqual(csv.rows, { local: 4, delivered: 4 });
    assert.ok(csv.reasons.some((x) => /^contents: keyed on segment, kpi: 1 changed rows \(value 1\)/.test(x)), csv.reasons.join('\n'));
    // Both files differ from what the manifest recorded.
    for (const c of [parquet, csv]) assert.ok(c.reasons.some((x) => x.startsWith('checksum: the manifest says sha256')), c.reasons.join('\n'));
  });

  it('fails a missing delivery (never a pass) and is inconclusive about a channel whose secret is not set', async () => {
    await deliver(ws, secrets);
    const { Client } = await import('pg');
    const client = new Client({ connectionString: secrets.pg });
    await client.connect();
    await client.query(`DROP TABLE ${TABLE}`);
    await client.end();
    let r = await validate();
    assert.equal(r.code, 1);
    assert.deepEqual(r.byName('loans-db').reasons, [`exists: nothing delivered: table public.${TABLE} does not exist (or has no columns)`]);

    await deliver(ws, secrets);
    delete process.env[PG_ENV];
    try {
      r = await validate();
    } finally {
      process.env[PG_ENV] = secrets.pg;
    }
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.byName('loans-db').verdict, 'inconclusive');
    assert.match(r.byName('loans-db').reasons.join('\n'), new RegExp(`channels\\.loans-db\\.connectionStringEnv: the environment variable ${PG_ENV} is not set`));
  });

  it('ends a PostgreSQL read that waits on a table another session locked at --timeout, naming the channel and the deadline', async () => {
    await deliver(ws, secrets);
    const locker = new pg.Client({ connectionString: postgres.url });
    await locker.connect();
    let r;
    let ms: number;
    try {
      await locker.query(`BEGIN; LOCK TABLE ${TABLE} IN ACCESS EXCLUSIVE MODE`);
      const started = Date.now();
      r = await validate('--timeout', '2');
      ms = Date.now() - started;
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.byName('loans-db').verdict, 'inconclusive');
    assert.match(r.byName('loans-db').reasons.join('\n'), new RegExp(`^read: could not read the channel: reading postgres table public\\.${TABLE}: waited 2 s for a lock another session holds on the table$`, 'm'));
    assert.match(r.stderr, /^\? inconclusive +loans-db \(supabase, v2\)/m, 'the progress line names the channel');
    assert.ok(ms < 30_000, `the read ended at its deadline, not at pg's defaults (${ms} ms)`);
    // The other channels were read as usual.
    assert.equal(r.byName('loans-blob').verdict, 'pass');
  });

  it('refuses a --timeout that is not a positive number of seconds', async () => {
    const r = await runCli(['channels', 'validate', '--run', ws.runId, '--timeout', '0'], ws.dir);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /--timeout must be a number ≥ 1, got "0"/);
  });

  it('never writes the canary secret into run records, logs or output, even when a channel fails to connect', async () => {
    await deliver(ws, secrets);
    // A wrong port: pg's error message is about the connection; whatever it says is redacted.
    process.env[PG_ENV] = secrets.pg.replace(`:${postgres.port}/`, ':1/');
    let r;
    try {
      r = await validate();
    } finally {
      process.env[PG_ENV] = secrets.pg;
    }
    assert.equal(r.byName('loans-db').verdict, 'inconclusive');
    const ok = await validate();
    const written = filesUnder(join(ws.dir, '.cutover')).filter((f) => /\.(json|log|txt)$/.test(f));
    assert.ok(written.some((f) => f.endsWith('run.json')));
    for (const text of [r.stdout, r.stderr, ok.stdout, ok.stderr, ...written.map((f) => readFileSync(f, 'utf8'))]) {
      assert.ok(!text.includes(CANARY), `the canary secret leaked:\n${text.slice(0, 2000)}`);
      assert.ok(!text.includes(secrets.azure.split('AccountKey=')[1]?.split(';')[0] ?? 'unreachable'), 'the Azure account key leaked');
    }
  });
});
