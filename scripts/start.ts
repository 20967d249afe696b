/**
 * `npm start`: Cutover in a real VS Code on the example workspace. Here that is code-server (VS Code OSS from
 * the npm registry) on 127.0.0.1 with our extension linked in; open the printed URL in a browser. With a desktop
 * `code` on the PATH, `npm start -- --desktop` opens it there instead (--extensionDevelopmentPath).
 * The machine's Debian packages are provisioned first, before anything is built (test/host/system.ts).
 * For the example's output channels it starts azurite and a throwaway PostgreSQL (see startChannelBackends).
 * Ctrl+C stops everything this started.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAzurite } from '../test/host/azurite';
import { startPostgres } from '../test/host/postgres';
import { onPath } from '../test/host/system';
import { provision } from '../test/host/toolchain';
import { freePort, portIsFree, startServer } from '../test/host/server';

const REPO = path.resolve(__dirname, '..');
const EXAMPLE = path.join(REPO, 'examples', 'loan-cutover');

function buildExtension(): void {
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
}

/**
 * The example's output channels need an Azure Blob Storage and a Supabase (PostgreSQL) database: azurite and a
 * throwaway PostgreSQL on loopback, their connection strings in the environment variables the example's
 * cutover.json names (VS Code, its terminals and the pipelines inherit them). Both stop when this process ends.
 */
async function startChannelBackends(): Promise<void> {
  process.stdout.write('▶ starting azurite and PostgreSQL for the example\'s output channels\n');
  const [azurite, postgres] = await Promise.all([startAzurite(), startPostgres()]);
  // Both stop synchronously up to their first await, so this works on 'exit' (Ctrl+C ends in process.exit).
  process.on('exit', () => {
    void azurite.stop();
    void postgres.stop();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(130));
  process.env.CUTOVER_EXAMPLE_AZURE_STORAGE = azurite.connectionString;
  process.env.CUTOVER_EXAMPLE_SUPABASE_DB_URL = postgres.url;
  process.stdout.write(`  azurite on 127.0.0.1:${azurite.port}, PostgreSQL on 127.0.0.1:${postgres.port} (stopped with Ctrl+C)\n`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--desktop')) {
    if (!onPath('code')) throw new Error('--desktop needs the `code` command on the PATH');
    buildExtension();
    spawn('code', [`--extensionDevelopmentPath=${REPO}`, EXAMPLE], { stdio: 'inherit' });
    return;
  }
  process.stdout.write('▶ checking the Debian packages (system-packages.json), then starting VS Code (code-server); '
    + 'the first run installs it into a cache, about 2 minutes\n');
  const toolchain = provision();
  buildExtension();
  const generator = path.join(EXAMPLE, 'scripts', 'generate-data.mjs');
  if (fs.existsSync(generator) && !fs.existsSync(path.join(EXAMPLE, 'data'))) {
    process.stdout.write('▶ generating the example data (10k loans, 30 daily partitions)\n');
    execFileSync(process.execPath, [generator], { cwd: EXAMPLE, stdio: 'inherit' });
  }
  await startChannelBackends();
  const wanted = Number(process.env.CUTOVER_PORT ?? 8080);
  const port = await portIsFree(wanted) ? wanted : await freePort();
  const server = await startServer(toolchain, { linkExtensions: [REPO], port, settings: { 'workbench.startupEditor': 'none' } });
  const url = `${server.url}/?folder=${encodeURIComponent(EXAMPLE)}`;
  process.stdout.write(`\nCutover is running in VS Code at\n\n    ${url}\n\nOpen it in a browser; the Cutover icon is in the activity bar. Ctrl+C stops it.\n`);
  if (onPath('code')) process.stdout.write('(A desktop VS Code is on your PATH: `npm start -- --desktop` opens Cutover there instead.)\n');
  // The server's process group is stopped by its exit hooks on Ctrl+C (see test/host/server.ts).
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
