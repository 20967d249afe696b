/**
 * A throwaway Azure Blob Storage for tests, benchmarks and `npm start`: azurite (the npm devDependency, pinned) on a
 * free loopback port, in memory, stopped by `stop()` (its process group is killed, so nothing outlives the caller).
 *
 *   const blob = await startAzurite();   // { connectionString, port, stop() }
 *   … BlobServiceClient.fromConnectionString(blob.connectionString) …
 *   await blob.stop();
 *
 * `--skipApiVersionCheck`: azurite 3.35 otherwise rejects the API version @azure/storage-blob 12.32 sends.
 * The account is azurite's well-known development account (devstoreaccount1), whose key is public.
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort } from './server';
import { REPO_ROOT } from './workspace';

export interface Azurite {
  readonly connectionString: string;
  readonly port: number;
  stop(): Promise<void>;
}

const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * `port`: listen there (a restart on the same address); `location`: keep the blobs in that folder instead of memory,
 * so a restarted azurite still has them (fault tests stop and start it mid-upload).
 */
export async function startAzurite(options: { readonly port?: number; readonly location?: string } = {}): Promise<Azurite> {
  const port = options.port ?? await freePort();
  const main = join(REPO_ROOT, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
  const persistence = options.location === undefined ? ['--inMemoryPersistence'] : ['--location', options.location];
  const child = spawn(process.execPath, [main, '--blobHost', '127.0.0.1', '--blobPort', String(port), ...persistence, '--disableTelemetry', '--silent', '--skipApiVersionCheck'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  // azurite alone must not keep the caller alive (a failed `npm start` ends; its 'exit' hook stops azurite).
  child.unref();
  (child.stderr as unknown as { unref(): void }).unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await accepting(port))) {
    if (child.exitCode !== null) throw new Error(`azurite exited with ${child.exitCode} before listening on 127.0.0.1:${port}\n${stderr}`);
    if (Date.now() > deadline) {
      process.kill(-(child.pid as number), 'SIGKILL');
      throw new Error(`azurite did not listen on 127.0.0.1:${port} within 15 s\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopped = false;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
    port,
    async stop() {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      process.kill(-(child.pid as number), 'SIGTERM');
      // Waiting for it must keep the caller alive, or an awaited stop() ends the process before its code after it runs.
      child.ref();
      await exited;
    },
  };
}
