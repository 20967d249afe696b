import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/core/errors';
import { decide, readPackageList, type HostFacts, type SystemPackage } from '../../host/system';
import { REPO_ROOT } from '../../host/workspace';

const CHROMIUM: SystemPackage = { name: 'chromium', path: '/usr/bin/chromium', why: 'the UI checks' };
const KRB5: SystemPackage = { name: 'libkrb5-dev', path: '/usr/include/gssapi/gssapi.h', why: 'code-server builds kerberos' };
const POSTGRES: SystemPackage = { name: 'postgresql', why: 'throwaway clusters' };
const LIST = [CHROMIUM, KRB5, POSTGRES];

/** A Debian host where `installed` are installed (with their files), as `user`; counts the sudo questions. */
function host(installed: readonly SystemPackage[], user: { root: boolean; sudo?: boolean }): HostFacts & { sudoAsked: () => number } {
  let asked = 0;
  return {
    installed: new Set(installed.map((p) => p.name)),
    existingPaths: new Set(installed.flatMap((p) => (p.path ? [p.path] : []))),
    user: user.root ? 'root' : 'dev',
    root: user.root,
    passwordlessSudo: () => { asked += 1; return user.sudo ?? false; },
    sudoAsked: () => asked,
  };
}

describe('host/system: what to do about the Debian packages', () => {
  it('does nothing when every package is present, and never asks sudo', () => {
    const h = host(LIST, { root: false, sudo: true });
    assert.deepEqual(decide(LIST, h), { kind: 'ready' });
    assert.equal(h.sudoAsked(), 0);
  });

  it('as root installs only the missing packages, after apt-get update, without asking sudo', () => {
    const h = host([CHROMIUM], { root: true });
    assert.deepEqual(decide(LIST, h), {
      kind: 'install',
      missing: [KRB5, POSTGRES],
      commands: [
        ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq'],
        ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '--no-install-recommends', 'libkrb5-dev', 'postgresql'],
      ],
    });
    assert.equal(h.sudoAsked(), 0);
  });

  it('not root but with passwordless sudo installs through `sudo -n`', () => {
    const decision = decide(LIST, host([CHROMIUM, POSTGRES], { root: false, sudo: true }));
    assert.equal(decision.kind, 'install');
    assert.deepEqual(decision.kind === 'install' && decision.commands, [
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq'],
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '--no-install-recommends', 'libkrb5-dev'],
    ]);
  });

  it('not root and without sudo: one message naming the missing packages, why, and the exact apt-get line', () => {
    const decision = decide(LIST, host([POSTGRES], { root: false, sudo: false }));
    assert.equal(decision.kind, 'cannot-install');
    assert.equal(decision.kind === 'cannot-install' && decision.message, [
      'Cutover needs Debian packages that are not installed, and dev cannot install them (not root, no passwordless sudo):',
      '    chromium     the UI checks',
      '    libkrb5-dev  code-server builds kerberos',
      'Install them, then run this again:',
      '',
      '    sudo apt-get install -y --no-install-recommends chromium libkrb5-dev',
    ].join('\n'));
  });

  it('counts a package whose file is gone as missing, even when dpkg still lists it', () => {
    const h = { ...host(LIST, { root: true }), existingPaths: new Set([KRB5.path!]) };
    const decision = decide(LIST, h);
    assert.deepEqual(decision.kind === 'install' && decision.missing, [CHROMIUM]);
  });

  it('without dpkg and apt-get: present only by its file; otherwise a message even for root', () => {
    const notDebian = (paths: string[]): HostFacts => ({ ...host([], { root: true }), installed: null, existingPaths: new Set(paths) });
    assert.deepEqual(decide([CHROMIUM, KRB5], notDebian([CHROMIUM.path!, KRB5.path!])), { kind: 'ready' });
    const decision = decide(LIST, notDebian([CHROMIUM.path!, KRB5.path!]));
    assert.equal(decision.kind, 'cannot-install');
    assert.deepEqual(decision.kind === 'cannot-install' && decision.missing, [POSTGRES], 'a package without a file cannot be seen');
    assert.match(decision.kind === 'cannot-install' ? decision.message : '', /no dpkg and apt-get[^]*postgresql {2}throwaway clusters/);
  });
});

describe('host/system: the package list', () => {
  it("the repository's list names what the README's two commands need", () => {
    const names = readPackageList(join(REPO_ROOT, 'system-packages.json')).map((p) => p.name);
    for (const needed of ['chromium', 'libkrb5-dev', 'fonts-dejavu-core', 'postgresql']) assert.ok(names.includes(needed), needed);
  });

  it('a list entry without its reason is refused, naming the file and the entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-syspkg-'));
    try {
      const file = join(dir, 'list.json');
      writeFileSync(file, JSON.stringify({ packages: [{ name: 'chromium' }] }));
      assert.throws(() => readPackageList(file), (e: unknown) => e instanceof ConfigError
        && e.message.startsWith(`${file}: invalid system package list`) && /packages\[0\]\.why/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
