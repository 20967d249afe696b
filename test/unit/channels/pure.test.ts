import assert from 'node:assert/strict';
import { missingFields } from '../../../src/core/channels/manifest';
import { Secrets, secretEnvNames } from '../../../src/core/channels/secrets';
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
