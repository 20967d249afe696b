/**
 * What the publish fault tests (faults.test.ts, restarts.test.ts) read back from the real servers, and how they send
 * a client through a proxy or a stand-in instead.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import pg from 'pg';

/** The same address with the loopback port `from` swapped for `to`. */
export function viaPort(url: string, from: number, to: number): string {
  return url.replace(`127.0.0.1:${from}`, `127.0.0.1:${to}`);
}

/** The blob names in `container`, sorted; none when the container was never created. */
export async function blobNames(connectionString: string, container: string): Promise<string[]> {
  const client = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  const names: string[] = [];
  if (!(await client.exists())) return names;
  for await (const b of client.listBlobsFlat()) names.push(b.name);
  return names.sort();
}

/** The `n` a `SELECT count(*) AS n …` returns; 0 when its table was never created. */
export async function countRows(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(sql)).rows[0]?.n);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return 0;
    throw error;
  } finally {
    await client.end();
  }
}
