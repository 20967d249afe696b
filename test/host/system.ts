/**
 * The Debian packages Cutover's set-up needs (listed once, in system-packages.json), checked before anything is
 * built and installed when this process may: as root, or with passwordless sudo. Otherwise the user gets one
 * message naming the exact `apt-get install` line, never a compiler stack trace half-way through an install.
 * `decide` is pure (unit-tested); the rest looks at the machine or changes it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError, RuntimeError } from '../../src/core/errors';
import { REPO_ROOT } from './workspace';

const SystemPackage = z.object({
  /** The Debian package name, as apt-get takes it. */
  name: z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name (lowercase letters, digits, + - .)'),
  /** Why the project needs it: shown to a user who has to install it. */
  why: z.string().min(1),
  /** A file the project uses from the package; when given, the package is present only if it exists. */
  path: z.string().startsWith('/').optional(),
}).strict();
export type SystemPackage = z.infer<typeof SystemPackage>;

const PackageList = z.object({
  $comment: z.string().optional(),
  packages: z.array(SystemPackage).min(1),
}).strict();

/** The list every entry point provisions; CUTOVER_SYSTEM_PACKAGES points at another (the gate's own test does). */
export function packageListFile(): string {
  return process.env.CUTOVER_SYSTEM_PACKAGES ?? path.join(REPO_ROOT, 'system-packages.json');
}

export function readPackageList(file: string): SystemPackage[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the system package list: ${(error as Error).message}`, { file }, { cause: error });
  }
  const parsed = PackageList.safeParse(json);
  if (!parsed.success) throw new ConfigError(`invalid system package list:\n${z.prettifyError(parsed.error)}`, { file });
  return parsed.data.packages;
}

/** What the machine has and who is asking, as far as the package list is concerned. */
export interface HostFacts {
  /** Packages dpkg reports installed; null on a machine without dpkg and apt-get (not Debian or Ubuntu). */
  readonly installed: ReadonlySet<string> | null;
  /** Those of the list's `path`s that exist. */
  readonly existingPaths: ReadonlySet<string>;
  readonly user: string;
  readonly root: boolean;
  /** Whether `sudo -n true` succeeds; asked only when something is missing and the user is not root (sudo logs, and may report, a refused attempt). */
  readonly passwordlessSudo: () => boolean;
}

export type Decision =
  | { readonly kind: 'ready' }
  /** Commands to run in order (argv); then the packages are there. */
  | { readonly kind: 'install'; readonly missing: readonly SystemPackage[]; readonly commands: readonly (readonly string[])[] }
  | { readonly kind: 'cannot-install'; readonly missing: readonly SystemPackage[]; readonly message: string };

/** The listed packages that are not there: not installed per dpkg, or their `path` is missing. */
function missingPackages(packages: readonly SystemPackage[], facts: Pick<HostFacts, 'installed' | 'existingPaths'>): SystemPackage[] {
  return packages.filter((p) => {
    const fileThere = p.path === undefined || facts.existingPaths.has(p.path);
    // Without dpkg only a path can show a package is there.
    if (facts.installed === null) return p.path === undefined || !fileThere;
    return !facts.installed.has(p.name) || !fileThere;
  });
}

const APT_INSTALL = ['apt-get', 'install', '-y', '--no-install-recommends'] as const;

/** The line a user who cannot install runs (the same install the root path runs). */
function installLine(missing: readonly SystemPackage[]): string {
  return ['sudo', ...APT_INSTALL, ...missing.map((p) => p.name)].join(' ');
}

function listed(missing: readonly SystemPackage[]): string {
  const width = Math.max(...missing.map((p) => p.name.length));
  return missing.map((p) => `    ${p.name.padEnd(width)}  ${p.why}`).join('\n');
}

/** What to do: nothing (all present), install the missing packages, or tell the user the one line to run. */
export function decide(packages: readonly SystemPackage[], host: HostFacts): Decision {
  const missing = missingPackages(packages, host);
  if (missing.length === 0) return { kind: 'ready' };
  if (host.installed === null) {
    return {
      kind: 'cannot-install',
      missing,
      message: 'Cutover needs these packages (by their Debian names), and this machine has no '
        + `dpkg and apt-get to check or install them:\n${listed(missing)}\nInstall their equivalents with your `
        + 'package manager, or use Debian or Ubuntu.',
    };
  }
  if (host.root || host.passwordlessSudo()) {
    const prefix = [...(host.root ? [] : ['sudo', '-n']), 'env', 'DEBIAN_FRONTEND=noninteractive'];
    return {
      kind: 'install',
      missing,
      commands: [[...prefix, 'apt-get', 'update', '-qq'], [...prefix, ...APT_INSTALL, ...missing.map((p) => p.name)]],
    };
  }
  return {
    kind: 'cannot-install',
    missing,
    message: 'Cutover needs Debian packages that are not installed, and '
      + `${host.user} cannot install them (not root, no passwordless sudo):\n${listed(missing)}\n`
      + `Install them, then run this again:\n\n    ${installLine(missing)}`,
  };
}

/** The packages are missing and this process may not install them; the message says what to run. */
class MissingSystemPackagesError extends RuntimeError {}

/** `command` is an executable file in a PATH directory. */
export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    const file = path.join(dir, command);
    return dir !== '' && fs.existsSync(file) && fs.statSync(file).isFile() && (fs.statSync(file).mode & 0o111) !== 0;
  });
}

function inspectInstalled(packages: readonly SystemPackage[]): Pick<HostFacts, 'installed' | 'existingPaths'> {
  const existingPaths = new Set(packages.flatMap((p) => (p.path !== undefined && fs.existsSync(p.path) ? [p.path] : [])));
  if (!onPath('dpkg-query') || !onPath('apt-get')) return { installed: null, existingPaths };
  const query = spawnSync('dpkg-query', ['-W', '-f', '${Package}\\t${db:Status-Status}\\n', ...packages.map((p) => p.name)], { encoding: 'utf8' });
  // Exit 1 means some names are unknown to dpkg (never installed): they are missing, not an error.
  if (query.error || (query.status !== 0 && query.status !== 1)) {
    throw new RuntimeError(`dpkg-query failed (${query.error?.message ?? `exit ${query.status}`}): ${query.stderr}`);
  }
  const installed = new Set(query.stdout.split('\n').flatMap((line) => {
    const [name, status] = line.split('\t');
    return status === 'installed' && name ? [name] : [];
  }));
  return { installed, existingPaths };
}

function inspectHost(packages: readonly SystemPackage[]): HostFacts {
  return {
    ...inspectInstalled(packages),
    user: os.userInfo().username,
    root: process.getuid?.() === 0,
    passwordlessSudo: () => onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
  };
}

function log(message: string): void {
  process.stderr.write(`[system] ${message}\n`);
}

/** Checks the list's packages and installs the missing ones; throws MissingSystemPackagesError when it may not. */
function provisionSystemPackages(file: string): void {
  const packages = readPackageList(file);
  const decision = decide(packages, inspectHost(packages));
  if (decision.kind === 'ready') return;
  if (decision.kind === 'cannot-install') throw new MissingSystemPackagesError(decision.message);
  log(`installing Debian packages: ${decision.missing.map((p) => p.name).join(', ')} (from ${path.relative(REPO_ROOT, file) || file})`);
  for (const argv of decision.commands) {
    log(argv.join(' '));
    const [command, ...args] = argv;
    const result = spawnSync(command!, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) {
      throw new RuntimeError(`\`${argv.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}); its output is above`);
    }
  }
  const still = missingPackages(packages, inspectInstalled(packages));
  if (still.length > 0) {
    throw new RuntimeError(`apt-get finished, but still missing: ${still.map((p) => (p.path ? `${p.name} (${p.path})` : p.name)).join(', ')}`);
  }
}

/**
 * The first step of everything that needs the machine set up (the test VS Code, the UI checks, `npm start`):
 * missing packages are installed, or the process ends here with the one message and exit code 1.
 */
export function requireSystemPackages(file = packageListFile()): void {
  try {
    provisionSystemPackages(file);
  } catch (error) {
    if (!(error instanceof MissingSystemPackagesError)) throw error;
    process.stderr.write(`\n${error.message}\n`);
    process.exit(1);
  }
}
