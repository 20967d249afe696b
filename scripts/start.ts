/**
 * `npm start`: Cutover in a real VS Code on the example workspace. Here that is code-server (VS Code OSS from
 * the npm registry) on 127.0.0.1 with our extension linked in; open the printed URL in a browser. With a desktop
 * `code` on the PATH, `npm start -- --desktop` opens it there instead (--extensionDevelopmentPath).
 * The machine's Debian packages are provisioned first, before anything is built (test/host/system.ts).
 * Ctrl+C stops everything this started.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onPath } from '../test/host/system';
import { provision } from '../test/host/toolchain';
import { freePort, portIsFree, startServer } from '../test/host/server';

const REPO = path.resolve(__dirname, '..');
const EXAMPLE = path.join(REPO, 'examples', 'loan-cutover');

function buildExtension(): void {
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
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
