import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COMMAND_IDS, VIEW_IDS } from '../../src/shared/contributions';

const ROOT = join(__dirname, '..', '..');

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    menus: Record<string, { command?: string }[]>;
  };
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('contributions: the typed ids and package.json', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

  it('COMMAND_IDS are exactly the commands package.json contributes', () => {
    assert.deepEqual([...COMMAND_IDS].sort(), manifest.contributes.commands.map((c) => c.command).sort());
  });

  it('every command a menu names is a contributed one', () => {
    const named = Object.values(manifest.contributes.menus).flat().flatMap((m) => (m.command ? [m.command] : []));
    assert.deepEqual(named.filter((id) => !(COMMAND_IDS as readonly string[]).includes(id)), []);
  });

  it('VIEW_IDS are exactly the views package.json contributes', () => {
    assert.deepEqual(Object.values(VIEW_IDS).sort(), Object.values(manifest.contributes.views).flat().map((v) => v.id).sort());
  });

  it('commands are registered only from the table (shared/commands.ts) and the test hooks', () => {
    const elsewhere = sources(join(ROOT, 'src'))
      .filter((file) => readFileSync(file, 'utf8').includes('registerCommand('))
      .map((file) => relative(ROOT, file));
    assert.deepEqual(elsewhere.sort(), ['src/shared/commands.ts', 'src/testHooks.ts']);
  });
});
