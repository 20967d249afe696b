import assert from 'node:assert/strict';
import { missingFields } from '../../../src/core/channels/manifest';
import { Secrets } from '../../../src/core/channels/secrets';
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
});
