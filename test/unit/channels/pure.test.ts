import assert from 'node:assert/strict';
import { missingFields } from '../../../src/core/channels/manifest';
import { Secrets, secretEnvNames } from '../../../src/core/channels/secrets';
import { channelsViews } from '../../../src/core/channels/view';
import type { RunRecord } from '../../../src/core/runs/record';
import { parseConfig } from '../../../src/core/config/load';
import { DEFAULT_MANIFEST_FIELDS } from '../../../src/core/config/schema';
import { ConfigError } from '../../../src/core/errors';

describe('channel manifest fields and secrets', () => {
  it('names each missing or empty required field, list entries by index', () => {
    const manifest = {
      runId: 'r', pipeline: { name: 'v2', version: ' ' }, input: { sha256: 'x' }, createdAt: '2025-12-01T00:00:00Z',
      outputs: [{ channel: 'a', location: 'l', rows: 0, sha256: 's', schema: [] }, { channel: 'b', location: 'l', sha256: null, schema: [] }],
    };
    assert.deepEqual(missingFields(manifest, DEFAULT_MANIFEST_FIELDS), ['pipeline.version', 'outputs[1].rows', 'outputs[1].sha256']);
    assert.deepEqual(missingFields({}, ['outputs[].rows', 'runId']), ['outputs[]', 'runId']);
    assert.deepEqual(missingFields(manifest, ['runId', 'outputs[].channel']), []);
  });

  it('reads secrets by variable name and scrubs them, and the secret parts inside them, from any text', () => {
    const secrets = new Secrets({
      PG: 'postgres://app:p%40ss-word-1@db.example:5432/x',
      AZ: 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5LWtleS1rZXk=;EndpointSuffix=core.windows.net',
    });
    const pg = secrets.read('PG', 'channels.db.connectionStringEnv');
    secrets.read('AZ', 'channels.blob.connectionStringEnv');
    const text = `failed ${pg}; password p@ss-word-1; key a2V5LWtleS1rZXk= for acct`;
    assert.equal(secrets.redact(text), 'failed ***; password ***; key *** for acct');
    assert.throws(() => secrets.read('UNSET', 'channels.x.connectionStringEnv'), (e: unknown) => e instanceof ConfigError && /channels\.x\.connectionStringEnv: the environment variable UNSET is not set/.test((e as Error).message));
  });

  it('lists the secret variables that channels and publish targets name, each with the settings that use it (Set Channel Secret… picks from these)', () => {
    const pipelines = { v1: { command: ['a'], outputs: { kpis: { path: 'k.parquet' } } }, v2: { command: ['a'], outputs: { kpis: { path: 'k.parquet' } } } };
    const config = parseConfig(JSON.stringify({
      pipelines,
      channels: {
        blob: { type: 'azureBlob', output: 'kpis', container: 'c', prefix: 'p', accountUrlEnv: 'AZ_URL' },
        db: { type: 'supabase', output: 'loans', table: 't', connectionStringEnv: 'DB_URL' },
        file: { type: 'parquet', output: 'kpis', path: 'k.parquet' },
      },
      publish: { evidence: { type: 'supabase', connectionStringEnv: 'DB_URL' } },
    }), 'cutover.json');
    assert.deepEqual(secretEnvNames(config), [
      { env: 'AZ_URL', usedBy: ['channels.blob.accountUrlEnv'] },
      { env: 'DB_URL', usedBy: ['channels.db.connectionStringEnv', 'publish.evidence.connectionStringEnv'] },
    ]);
    assert.throws(() => new Secrets({}).read('DB_URL', 'channels.db.connectionStringEnv'), /DB_URL is not set \(.*"Cutover: Set Channel Secret…"\)/);
  });

  it('reports a bad channel in cutover.json at its file:line:column, without echoing a pasted secret', () => {
    const text = [
      '{',
      '  "pipelines": { "v1": { "command": ["a"], "outputs": { "kpis": { "path": "k.parquet" } } }, "v2": { "command": ["a"], "outputs": { "kpis": { "path": "k.parquet" } } } },',
      '  "channels": {',
      '    "blob": { "type": "azureBlob", "output": "kpis", "container": "c", "prefix": "p", "connectionStringEnv": "AccountKey=pasted-secret" },',
      '    "db": { "type": "supabase", "output": "loans", "table": "t", "sides": ["v1", "v2"], "connectionStringEnv": "DB_URL" }',
      '  }',
      '}',
    ].join('\n');
    assert.throws(() => parseConfig(text, 'cutover.json'), (e: unknown) => {
      const message = (e as Error).message;
      assert.match(message, /cutover\.json:4:\d+: channels\.blob\.connectionStringEnv: must be an environment variable name/);
      assert.match(message, /cutover\.json:5:\d+: channels\.db\.table: carries v1 and v2: table must contain \$\{side\}/);
      assert.ok(!message.includes('pasted-secret'));
      return true;
    });
  });
});

describe('channel results of a run, for its KPI Diff', () => {
  const base = { status: 'complete', argv: [], cwd: '/ws', inputs: [], outputs: [], commands: [], phases: [] };
  const result = (run: string, verdict: 'pass' | 'fail', location: string) => ({
    run, verdict, channels: [{ channel: 'c', type: 'parquet', side: 'v2', location, verdict, reasons: ['r'], checks: [] }],
  });
  const record = (id: string, kind: string, endedAt: string, channels?: ReturnType<typeof result>) =>
    ({ ...base, id, kind, startedAt: endedAt, endedAt, results: channels ? { channels } : {} }) as unknown as RunRecord;
  const shadow = record('s1', 'shadow', '2026-01-01T10:00:00Z');
  const older = record('c1', 'channels', '2026-01-01T11:00:00Z', result('s1', 'fail', '/ws/out/k.parquet'));
  const newer = record('c2', 'channels', '2026-01-01T12:00:00Z', result('s1', 'pass', '/elsewhere/k.parquet'));
  const other = record('c3', 'channels', '2026-01-01T13:00:00Z', result('s0', 'pass', '/ws/k.parquet'));

  it('a shadow run gets the channels runs that validated it, newest first, locations under the workspace relative', () => {
    const views = channelsViews(shadow, [older, other, newer, shadow], '/ws');
    assert.deepEqual(views.map((v) => [v.runId, v.validated, v.verdict]), [['c2', 's1', 'pass'], ['c1', 's1', 'fail']]);
    assert.deepEqual(views.map((v) => v.channels[0]?.location), ['/elsewhere/k.parquet', 'out/k.parquet']);
  });

  it('a channels run gets its own results only; a run nobody validated gets none', () => {
    assert.deepEqual(channelsViews(older, [newer, other], '/ws').map((v) => v.runId), ['c1']);
    assert.deepEqual(channelsViews(record('s9', 'shadow', '2026-01-02T00:00:00Z'), [older, newer, other], '/ws'), []);
  });
});
