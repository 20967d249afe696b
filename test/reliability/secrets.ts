/**
 * Secrets: canary values in the environment variables cutover.json names (an Azure connection string with its
 * account key, a database URL with its password) and in PGPASSWORD, through a whole workflow whose channels and
 * publish targets cannot be reached (so every error path that might print a connection string runs) → the canaries
 * appear in no file the workflow wrote (run.json, logs, manifests, metrics, published evidence) and in nothing it
 * printed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { withPublishTarget } from './concurrency';
import { cli, type Figure, figure, note, tally } from './harness';

const ACCOUNT_KEY = 'Q2FuYXJ5QWNjb3VudEtleUNhbmFyeUFjY291bnRLZXk5OTk5OTk=';
const DB_PASSWORD = 'canary-db-password-7f3a91';
const PG_PASSWORD = 'canary-pgpassword-55c2e0';

/** The canaries, and the environment that carries them. */
export const CANARIES = [ACCOUNT_KEY, DB_PASSWORD, PG_PASSWORD, encodeURIComponent(DB_PASSWORD)];

function canaryEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // Nothing listens on port 1: every client fails, through its error path.
    CUTOVER_EXAMPLE_AZURE_STORAGE: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;`,
    CUTOVER_EXAMPLE_SUPABASE_DB_URL: `postgres://cutover:${DB_PASSWORD}@127.0.0.1:1/cutover`,
    PGPASSWORD: PG_PASSWORD,
  };
}

/** The workflow: a shadow run (V2 delivers to every channel), channel validation, publish everywhere, the gate and the lists. */
const WORKFLOW: readonly (readonly string[])[] = [
  ['shadow'],
  ['channels', 'validate'],
  ['publish', '--to', 'local', 'blob', 'db', '--timeout', '1'],
  ['gate'],
  ['runs'],
  ['runs', '--json'],
  ['compare', 'postgres://cutover@127.0.0.1:1/cutover#public.loans', 'data/sample-10k.parquet', '--key', 'loan_id'],
  ['metrics'],
  ['readiness'],
];

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

export async function secrets(ws: string): Promise<Figure[]> {
  withPublishTarget(ws);
  const config = join(ws, 'cutover.json');
  const text = readFileSync(config, 'utf8');
  if (!text.includes('"blob"')) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(config, text.replace('"local": { "type": "folder", "path": "published" }', '"local": { "type": "folder", "path": "published" }, "blob": { "type": "azureBlob", "container": "evidence", "connectionStringEnv": "CUTOVER_EXAMPLE_AZURE_STORAGE" }, "db": { "type": "supabase", "connectionStringEnv": "CUTOVER_EXAMPLE_SUPABASE_DB_URL" }'));
  }
  const env = canaryEnv();
  const printed = figure('Secrets', `canaries in env (Azure key, database password, PGPASSWORD): what ${WORKFLOW.length} commands printed`);
  for (const argv of WORKFLOW) {
    const out = await cli(argv, ws, env);
    note(printed, `exit ${out.code}`);
    const leaks = CANARIES.filter((c) => out.stdout.includes(c) || out.stderr.includes(c));
    tally(printed, `cutover ${argv.join(' ')}`, leaks.map((c) => `printed ${c.slice(0, 12)}…`));
  }
  const written = figure('Secrets', 'the same canaries in every file the workflow wrote (run records, logs, manifests, deliveries, published evidence)');
  for (const file of files(ws).filter((f) => !f.includes(`${ws}/node_modules`) && !f.includes(`${ws}/data/`))) {
    const content = readFileSync(file).toString('latin1');
    const leaks = CANARIES.filter((c) => content.includes(c));
    tally(written, relative(ws, file), leaks.map((c) => `holds ${c.slice(0, 12)}…`));
  }
  return [printed, written];
}
