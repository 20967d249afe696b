// V2's deliveries: after the pipeline has written its outputs, it hands them on to the channels the team reads —
// a KPI Parquet export, a loans CSV export, the loans in Azure Blob Storage and in the Supabase database — and
// writes a manifest last, so a reader that sees the manifest sees every delivery. `cutover channels validate` reads
// each channel back and checks it against the shadow run's local output (cutover.json, "channels").
//
// Secrets come from environment variables only (names in pipeline.config.json, "delivery"); `npm start` sets them
// for its local azurite and PostgreSQL. A channel whose variable is not set is skipped with a note, so a shadow run
// without those services still works (and validating that channel then fails: nothing was delivered).
// CUTOVER_EXAMPLE_LOSE_ROWS=N makes the Supabase write lose N rows: the example README's failing validation.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';

const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;

async function hashFile(file, algorithm) {
  const hash = createHash(algorithm);
  await pipeline(createReadStream(file), hash);
  return hash.digest();
}

/** As Cutover hashes an input: one file's sha256, or the sha256 of a folder's sorted per-file hashes. */
async function inputSha256(path) {
  if (!statSync(path).isDirectory()) return (await hashFile(path, 'sha256')).toString('hex');
  const files = readdirSync(path, { recursive: true }).map((f) => join(path, f))
    .filter((f) => statSync(f).isFile() && !/(^|[\\/])[._][^\\/]*$/.test(f));
  const hashes = [];
  for (const f of files) hashes.push((await hashFile(f, 'sha256')).toString('hex'));
  return createHash('sha256').update(hashes.sort().join('\n')).digest('hex');
}

/**
 * Writes `file` through a temp file of this process, renamed into place: a reader sees the old file or the new one,
 * and two shadow runs delivering at once never write into the same file (the last one to finish wins each file).
 */
async function writeInPlace(file, write) {
  const tmp = `${file}.tmp-${process.pid}`;
  await write(tmp);
  renameSync(tmp, file);
}

const PG_TYPES = { VARCHAR: 'text', DOUBLE: 'double precision', FLOAT: 'real', BIGINT: 'bigint', INTEGER: 'integer', SMALLINT: 'smallint', DATE: 'date', BOOLEAN: 'boolean', TIMESTAMP: 'timestamp' };
const pgType = (t) => PG_TYPES[t] ?? (/^DECIMAL\(\d+,\d+\)$/.test(t) ? t.replace('DECIMAL', 'numeric') : 'text');

/**
 * con: the pipeline's DuckDB connection (tables `loans` and `kpis`); output: its output folder, inside the run
 * folder `.cutover/runs/.tmp-<run id>/v2` while Cutover runs it; settings: pipeline.config.json's "delivery".
 */
export async function deliver(con, { output, input, settings, pipeline: name, version }) {
  const dir = resolve(settings.folder);
  mkdirSync(dir, { recursive: true });
  const say = (text) => console.log(`v2 deliver: ${text}`);
  const columnsOf = async (table) => (await con.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJson().map((r) => ({ name: r.column_name, type: r.column_type }));
  const loansColumns = await columnsOf('loans');
  const kpisColumns = await columnsOf('kpis');
  const loansRows = Number((await con.runAndReadAll('SELECT count(*) AS n FROM loans')).getRowObjectsJson()[0].n);
  const kpisRows = Number((await con.runAndReadAll('SELECT count(*) AS n FROM kpis')).getRowObjectsJson()[0].n);
  const outputs = [];

  const kpisFile = join(dir, 'kpis.parquet');
  await writeInPlace(kpisFile, (tmp) => con.run(`COPY (SELECT segment, kpi, value FROM kpis ORDER BY segment, kpi) TO ${lit(tmp)} (FORMAT parquet)`));
  outputs.push({ channel: 'kpis-parquet', output: 'kpis', location: relative(process.cwd(), kpisFile), rows: kpisRows, sha256: (await hashFile(kpisFile, 'sha256')).toString('hex'), schema: kpisColumns });
  const loansCsv = join(dir, 'loans.csv');
  await writeInPlace(loansCsv, (tmp) => con.run(`COPY (FROM loans ORDER BY loan_id, as_of_date) TO ${lit(tmp)} (FORMAT csv, HEADER true)`));
  outputs.push({ channel: 'loans-csv', output: 'loans', location: relative(process.cwd(), loansCsv), rows: loansRows, sha256: (await hashFile(loansCsv, 'sha256')).toString('hex'), schema: loansColumns });
  say(`wrote ${relative(process.cwd(), kpisFile)} and ${relative(process.cwd(), loansCsv)}`);

  const localLoans = join(output, 'loans.parquet');
  const azure = process.env[settings.azureBlob.connectionStringEnv];
  if (azure) {
    const { BlobServiceClient } = await import('@azure/storage-blob');
    const container = BlobServiceClient.fromConnectionString(azure).getContainerClient(settings.azureBlob.container);
    await container.createIfNotExists();
    // Azure computes no MD5 for block uploads: set the whole file's, so a reader can verify the bytes.
    await container.getBlockBlobClient(settings.azureBlob.blob).uploadFile(localLoans, { blobHTTPHeaders: { blobContentMD5: await hashFile(localLoans, 'md5') } });
    outputs.push({ channel: 'loans-blob', output: 'loans', location: `azure://${settings.azureBlob.container}/${settings.azureBlob.blob}`, rows: loansRows, sha256: (await hashFile(localLoans, 'sha256')).toString('hex'), schema: loansColumns });
    say(`uploaded azure://${settings.azureBlob.container}/${settings.azureBlob.blob}`);
  } else {
    say(`skipped Azure Blob: ${settings.azureBlob.connectionStringEnv} is not set (npm start sets it)`);
  }

  const db = process.env[settings.supabase.connectionStringEnv];
  if (db) {
    const { default: pg } = await import('pg');
    const { from } = await import('pg-copy-streams');
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    const table = client.escapeIdentifier(settings.supabase.table);
    try {
      // One transaction: a reader sees the old rows or all the new ones.
      await client.query('BEGIN');
      await client.query(`CREATE TABLE IF NOT EXISTS ${table} (${loansColumns.map((c) => `${client.escapeIdentifier(c.name)} ${pgType(c.type)}`).join(', ')})`);
      await client.query(`TRUNCATE ${table}`);
      await pipeline(createReadStream(loansCsv), client.query(from(`COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`)));
      const lose = Number(process.env.CUTOVER_EXAMPLE_LOSE_ROWS ?? 0);
      if (lose > 0) {
        await client.query(`DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} ORDER BY loan_id DESC LIMIT $1)`, [lose]);
        say(`CUTOVER_EXAMPLE_LOSE_ROWS: dropped ${lose} rows from the Supabase write (a fault for the demo)`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      await client.end();
    }
    // The table holds the local output's rows: the manifest names that file's checksum.
    outputs.push({ channel: 'loans-supabase', output: 'loans', location: `public.${settings.supabase.table}`, rows: loansRows, sha256: (await hashFile(localLoans, 'sha256')).toString('hex'), schema: loansColumns });
    say(`wrote ${loansRows} rows into public.${settings.supabase.table}`);
  } else {
    say(`skipped Supabase: ${settings.supabase.connectionStringEnv} is not set (npm start sets it)`);
  }

  // Last, and atomically (rename): the manifest is the commit marker of the whole delivery.
  const manifest = {
    runId: basename(dirname(resolve(output))).replace(/^\.tmp-/, ''),
    pipeline: { name, version },
    input: { sha256: await inputSha256(input) },
    createdAt: new Date().toISOString(),
    outputs,
  };
  const file = join(dir, 'manifest.json');
  await writeInPlace(file, async (tmp) => writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`));
  say(`manifest ${relative(process.cwd(), file)} (${outputs.length} outputs)`);
}
