/**
 * The example workspace's channels end to end, as its README shows them: with azurite and PostgreSQL up (as
 * `npm start` provides them) a shadow run's V2 delivers to all four channels and writes a manifest, and
 * `cutover channels validate` passes; a V2 whose Supabase write loses rows (CUTOVER_EXAMPLE_LOSE_ROWS) fails.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { ChannelResult } from '../../../src/core/runs/results';
import type { Azurite } from '../../host/azurite';
import { startAzurite } from '../../host/azurite';
import type { Postgres } from '../../host/postgres';
import { startPostgres } from '../../host/postgres';
import { requireSystemPackages } from '../../host/system';
import { runCli } from '../cli';
import { exampleWorkspace } from '../shadow/workspace';

const ENV = ['CUTOVER_EXAMPLE_AZURE_STORAGE', 'CUTOVER_EXAMPLE_SUPABASE_DB_URL', 'CUTOVER_EXAMPLE_LOSE_ROWS'] as const;

describe('the example workspace delivers to its channels and validates them', function () {
  this.timeout(120_000);
  let azurite: Azurite;
  let postgres: Postgres;
  let ws: string;

  before(async () => {
    requireSystemPackages();
    ws = exampleWorkspace('cutover channels example ', ['--rows', '10000']);
    [azurite, postgres] = await Promise.all([startAzurite(), startPostgres()]);
    process.env.CUTOVER_EXAMPLE_AZURE_STORAGE = azurite.connectionString;
    process.env.CUTOVER_EXAMPLE_SUPABASE_DB_URL = postgres.url;
  });
  after(async () => {
    for (const name of ENV) delete process.env[name];
    await Promise.all([azurite?.stop(), postgres?.stop()]);
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  async function shadowThenValidate(): Promise<{ code: number; channels: ChannelResult[]; text: string }> {
    const shadow = await runCli(['shadow', '--input', 'data/sample-10k.parquet'], ws);
    // The example's V2 moves the delinquency KPIs on purpose (its README): a failing comparison, a complete run.
    assert.equal(shadow.code, 1, shadow.stderr);
    const text = await runCli(['channels', 'validate'], ws);
    const json = JSON.parse((await runCli(['channels', 'validate', '--json'], ws)).stdout) as { channels: ChannelResult[] };
    return { code: text.code, channels: json.channels, text: text.stdout };
  }

  it('passes every channel of a shadow run whose V2 delivered everything', async () => {
    const r = await shadowThenValidate();
    assert.equal(r.code, 0, r.text);
    assert.deepEqual(r.channels.map((c) => [c.channel, c.verdict]), [
      ['kpis-parquet', 'pass'], ['loans-csv', 'pass'], ['loans-blob', 'pass'], ['loans-supabase', 'pass'], ['manifest', 'pass'],
    ]);
    assert.match(r.text, /Channels: PASS/);
  });

  it('fails the Supabase channel when V2\'s write loses rows, and says how many', async () => {
    process.env.CUTOVER_EXAMPLE_LOSE_ROWS = '25';
    let r;
    try {
      r = await shadowThenValidate();
    } finally {
      delete process.env.CUTOVER_EXAMPLE_LOSE_ROWS;
    }
    assert.equal(r.code, 1, r.text);
    const db = r.channels.find((c) => c.channel === 'loans-supabase');
    assert.equal(db?.verdict, 'fail');
    assert.deepEqual(db?.rows, { local: 10000, delivered: 9975 });
    // The manifest claims the rows V2 meant to write: it is wrong about the table, and says so.
    assert.deepEqual(r.channels.find((c) => c.channel === 'manifest')?.reasons, ['fields: outputs[3].rows is 10000, loans-supabase delivered 9975']);
    assert.ok(r.channels.filter((c) => !['loans-supabase', 'manifest'].includes(c.channel)).every((c) => c.verdict === 'pass'), JSON.stringify(r.channels, null, 1));
    assert.match(r.text, /rows: 9975 delivered, the local output has 10000 \(25 lost\)/);
  });
});
