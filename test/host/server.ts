/**
 * Starts code-server (a real VS Code: server + web workbench) in its own process group with throwaway
 * user-data and extensions folders, waits for /healthz, and always stops the whole group: on stop(), on
 * failure, and on Ctrl+C or the runner's own exit.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Toolchain } from './toolchain';

export interface ServerOptions {
  /** Start with workspace trust enabled (the default disables it so tests need not click "Trust"). */
  readonly workspaceTrust?: boolean;
  /** Honour the workbench `payload` parameter (extension tests). Also hides notification toasts. */
  readonly smokeTestDriver?: boolean;
  /** Extra user settings merged over the test defaults. */
  readonly settings?: Record<string, unknown>;
  /**
   * Extension folders to load as installed extensions, linked (not copied) into the throwaway extensions folder,
   * so the workbench runs without the smoke-test driver (notifications show) and rebuilds are picked up on reload.
   */
  readonly linkExtensions?: readonly string[];
  /** Print the server's own log lines (default: kept in a file, printed on failure). */
  readonly verbose?: boolean;
  /** Fixed port (npm start); a free one otherwise. */
  readonly port?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly userDataDir: string;
  /** `vscode-remote://host:port/abs/path`, the URI form the workbench payload needs. */
  remoteUri(absolutePath: string): string;
  stop(): Promise<void>;
}

const TEST_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'terminal.integrated.gpuAcceleration': 'off',
  'security.workspace.trust.startupPrompt': 'never',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'window.restoreWindows': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

const running = new Set<RunningServer>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // stop() signals the process group before its first await, so this works even on 'exit', where no later tick runs.
  const killAll = (): void => {
    for (const server of running) void server.stop();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping VS Code\n`);
      killAll();
      process.exit(130);
    });
  }
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A loopback port nothing listens on now (the test servers, PostgreSQL and Prometheus start on one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free loopback port'))));
    });
  });
}

async function waitForHealth(url: string, exited: () => string | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const why = exited();
    if (why) throw new Error(`code-server exited before it was ready (${why})`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}

export async function startServer(toolchain: Toolchain, options: ServerOptions = {}): Promise<RunningServer> {
  installExitHooks();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-vscode-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const xdg = path.join(root, 'xdg');
  for (const dir of [userDataDir, extensionsDir, path.join(xdg, 'config'), path.join(xdg, 'data'), path.join(xdg, 'cache')]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...TEST_SETTINGS, ...options.settings }, null, 2));

  const host = '127.0.0.1';
  const port = options.port ?? await freePort();
  const args = [
    toolchain.codeServerEntry,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  if (options.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  for (const ext of options.linkExtensions ?? []) {
    const manifest = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    fs.symlinkSync(ext, path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
  }

  const logFile = path.join(root, 'server.log');
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(toolchain.node, args, {
    detached: true, // its own process group: stop() kills extension hosts, terminals and watchers with it
    stdio: ['ignore', options.verbose ? 'inherit' : logFd, options.verbose ? 'inherit' : logFd],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(xdg, 'config'),
      XDG_DATA_HOME: path.join(xdg, 'data'),
      XDG_CACHE_HOME: path.join(xdg, 'cache'),
      // Terminals inside the workbench get the same Node as the extension host on their PATH.
      PATH: `${path.dirname(toolchain.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    },
  });
  fs.closeSync(logFd);
  let exitReason: string | undefined;
  child.once('exit', (code, signal) => { exitReason = signal ? `signal ${signal}` : `exit code ${code}`; });

  let stopped = false;
  const server: RunningServer = {
    url: `http://${host}:${port}`,
    host,
    port,
    logFile,
    userDataDir,
    remoteUri: (p) => `vscode-remote://${host}:${port}${p}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      const group = -child.pid!;
      const alive = (): boolean => { try { process.kill(group, 0); return true; } catch { return false; } };
      try { process.kill(group, 'SIGTERM'); } catch { /* already gone */ }
      const deadline = Date.now() + 5000;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive()) { try { process.kill(group, 'SIGKILL'); } catch { /* gone */ } }
      if (!process.env.CUTOVER_KEEP_HOST) fs.rmSync(root, { recursive: true, force: true });
    },
  };
  running.add(server);
  try {
    await waitForHealth(server.url, () => exitReason, 60_000);
  } catch (error) {
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
    await server.stop();
    throw new Error(`${(error as Error).message}\n--- code-server log (last lines) ---\n${tail}`);
  }
  return server;
}
