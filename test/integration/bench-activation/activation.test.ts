/**
 * Times, inside the real extension host, (1) activate(): loading the bundle and wiring views and commands, and
 * (2) the checklist becoming ready (discovering and parsing the plans). The workspace has no activation trigger
 * besides the plan file, so the extension is measured from its first activation in this host.
 *
 * Peers, timed the same way in the same host: built-in extensions of about our bundle's size that nothing in this
 * workspace activates. They separate the host's speed (and this machine's load) from ours. The order alternates
 * between runs (`bench-order.json` in the workspace), so neither side always gets the colder host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, workspaceRoot } from '../util';
import type { CutoverApi } from '../../../src/extension';

const PEERS = ['vscode.php-language-features', 'vscode.ipynb'];

interface Timing { readonly ms: number; readonly bundleBytes: number }

async function timeActivation(id: string): Promise<Timing> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`peer ${id} is not in this host`);
  if (extension.isActive) throw new Error(`peer ${id} was already active: its measurement would be empty`);
  const main = String((extension.packageJSON as { main: string }).main);
  const file = path.join(extension.extensionPath, main.endsWith('.js') ? main : `${main}.js`);
  const t0 = performance.now();
  await extension.activate();
  return { ms: performance.now() - t0, bundleBytes: fs.statSync(file).size };
}

describe('activation benchmark', function () {
  it('measures activate() and checklist readiness, and the peers', async function () {
    const order = JSON.parse(fs.readFileSync(path.join(workspaceRoot().fsPath, 'bench-order.json'), 'utf8')) as { peersFirst: boolean };
    const peers: Record<string, Timing> = {};
    const timePeers = async (): Promise<void> => { for (const id of PEERS) peers[id] = await timeActivation(id); };
    if (order.peersFirst) await timePeers();
    const extension = vscode.extensions.getExtension<CutoverApi>(EXTENSION_ID)!;
    const wasActive = extension.isActive;
    const t0 = performance.now();
    const api = await extension.activate();
    const activateMs = performance.now() - t0;
    await api.plans.ready();
    const readyMs = performance.now() - t0;
    if (!order.peersFirst) await timePeers();
    console.log(`BENCH ${JSON.stringify({ activateMs, readyMs, wasActive, peers })}`);
  });
});
