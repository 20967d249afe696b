import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { onPath } from '../../host/system';
import { REPO_ROOT } from '../../host/workspace';

const TSX_CLI = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const ABSENT = 'cutover-gate-test-absent';

/** How to run a command as a user who is not root: `nobody` when we are root, else ourselves. */
function asNonRoot(): { prefix: string[]; user: string } {
  if (process.getuid?.() !== 0) return { prefix: [], user: userInfo().username };
  return { prefix: ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'], user: 'nobody' };
}

/** Why this machine cannot run the check for real, or undefined when it can. */
function cannotRun(prefix: readonly string[]): string | undefined {
  if (!onPath('dpkg-query') || !onPath('apt-get')) return 'not a Debian machine (no dpkg-query and apt-get): the apt-get message does not apply';
  if (prefix.length > 0 && !onPath('setpriv')) return 'running as root and setpriv (util-linux) is missing: cannot become a non-root user';
  if (prefix.length === 0 && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) {
    return 'this user has passwordless sudo, so the gate would install instead of refusing';
  }
  const [command, ...args] = [...prefix, process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(TSX_CLI)})`];
  const probe = spawnSync(command!, args, { encoding: 'utf8' });
  if (probe.status !== 0) return `the non-root user cannot run Node on this repository: ${probe.stderr.trim() || probe.error?.message}`;
  return undefined;
}

describe('host/system: the gate, run for real by a user who cannot install', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-gate-'));
    chmodSync(dir, 0o777); // the non-root user may read the list and could create the cache: only the gate stops it
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops the test VS Code install before anything is built, with one message and the apt-get line for the missing package only', function () {
    const { prefix, user } = asNonRoot();
    const reason = cannotRun(prefix);
    if (reason) {
      process.stdout.write(`      skipped: ${reason}\n`);
      this.skip();
    }
    const list = join(dir, 'system-packages.json');
    writeFileSync(list, JSON.stringify({
      packages: [
        { name: 'dpkg', path: '/usr/bin/dpkg-query', why: 'installed on every Debian machine' },
        { name: ABSENT, why: 'named by this test, never installed' },
      ],
    }));
    const cache = join(dir, 'vscode-cache');
    const command = [...prefix, process.execPath, TSX_CLI, 'test/host/toolchain.ts'];
    const run = spawnSync(command[0]!, command.slice(1), {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 15_000,
      // npm offline with an empty cache: a broken gate fails at its first download instead of installing code-server.
      env: { PATH: process.env.PATH, HOME: dir, npm_config_offline: 'true', CUTOVER_SYSTEM_PACKAGES: list, CUTOVER_VSCODE_CACHE: cache },
    });
    assert.equal(run.stderr, [
      '',
      `Cutover needs Debian packages that are not installed, and ${user} cannot install them (not root, no passwordless sudo):`,
      `    ${ABSENT}  named by this test, never installed`,
      'Install them, then run this again:',
      '',
      `    sudo apt-get install -y --no-install-recommends ${ABSENT}`,
      '',
    ].join('\n'));
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.equal(existsSync(cache), false, 'nothing was fetched or built');
  });
});
