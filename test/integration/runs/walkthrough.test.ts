/**
 * The "Get started with Cutover" walkthrough against the live extension: every step's button runs a command the
 * extension contributes and registers, every completion event is that command or a context key the extension
 * sets, the walkthrough opens by its id, and starting a shadow run sets the key its step waits for. (That the
 * workbench then ticks the steps is seen in test/e2e/walkthrough.e2e.ts.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import { CONTEXT_KEYS } from '../../../src/shared/contextKeys';
import { cutoverApi, EXTENSION_ID, waitFor } from '../util';

interface Step {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly media: { readonly svg?: string; readonly markdown?: string; readonly altText?: string };
  readonly completionEvents: readonly string[];
}
interface Walkthrough { readonly id: string; readonly title: string; readonly steps: readonly Step[] }

function manifest(): { packageJSON: { contributes: { commands: { command: string }[]; walkthroughs: Walkthrough[] } }; extensionPath: string } {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is loaded`);
  return extension as never;
}

/** The `command:` links of a step's description: its buttons. */
function buttons(step: Step): string[] {
  return [...step.description.matchAll(/\(command:([\w.]+)[^)]*\)/g)].map((m) => m[1]!);
}

describe('Walkthrough "Get started with Cutover" (in the extension host)', function () {
  this.timeout(180_000);

  const walkthrough = (): Walkthrough => {
    const found = manifest().packageJSON.contributes.walkthroughs.find((w) => w.id === 'getStarted');
    assert.ok(found, 'the walkthrough is contributed');
    return found;
  };

  it('walks plan → cutover.json → shadow run → KPI Diff → go/no-go, each button a contributed, registered command', async function () {
    const steps = walkthrough().steps;
    assert.deepEqual(steps.map((s) => buttons(s)), [
      ['cutover.checklist.openPlan'], ['cutover.openConfig'], ['cutover.startShadowRun'], ['cutover.openKpiDiff'], ['cutover.evaluateGate'],
    ]);
    const contributed = new Set(manifest().packageJSON.contributes.commands.map((c) => c.command));
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of steps.flatMap(buttons)) {
      assert.ok(contributed.has(command), `${command} is in contributes.commands`);
      assert.ok(registered.has(command), `${command} is registered`);
    }
  });

  it('each step completes on its own button\'s command or on a context key the extension sets', function () {
    const keys = new Set<string>(Object.values(CONTEXT_KEYS));
    for (const step of walkthrough().steps) {
      assert.ok(step.completionEvents.length > 0, `${step.id} has a completion event (else selecting it marks it done)`);
      for (const event of step.completionEvents) {
        const [kind, name] = event.split(/:(.*)/s) as [string, string];
        if (kind === 'onCommand') assert.ok(buttons(step).includes(name), `${step.id}: ${event} is its button`);
        else assert.ok(kind === 'onContext' && keys.has(name), `${step.id}: ${event} is a context key Cutover sets`);
      }
    }
    assert.deepEqual(walkthrough().steps.find((s) => s.id === 'shadowRun')?.completionEvents, [`onContext:${CONTEXT_KEYS.hasShadowRun}`]);
  });

  it('has its media in the extension, drawn with theme colours and no external resources', function () {
    for (const step of walkthrough().steps) {
      const file = step.media.svg ?? step.media.markdown;
      assert.ok(file !== undefined && file.startsWith('media/walkthrough/'), `${step.id}: media under media/walkthrough/`);
      const text = fs.readFileSync(path.join(manifest().extensionPath, file), 'utf8');
      assert.ok(step.media.altText, `${step.id}: alt text`);
      assert.doesNotMatch(text, /(href|src)\s*=\s*["']?https?:|url\(\s*["']?https?:|@import/i, `${file} loads nothing from outside`);
      if (step.media.svg) assert.match(text, /var\(--vscode-/, `${file} follows the theme`);
    }
  });

  it('opens by its id with workbench.action.openWalkthrough', async function () {
    // The host sees the page's tab only ("Welcome" until the page names the walkthrough): which walkthrough it
    // shows is checked on screen by the UI check.
    const page = (): vscode.Tab | undefined => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /^(Welcome|Walkthrough: Cutover)$/.test(t.label));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no welcome page', () => page() === undefined);
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#getStarted`, false);
    const tab = await waitFor('the walkthrough page', page, 15_000);
    assert.equal(tab.input instanceof vscode.TabInputText, false, 'a walkthrough page, not a text file');
    await vscode.window.tabGroups.close(tab);
  });

  it('Start Shadow Run sets the context key its step completes on; with no shadow run on record the key is false', async function () {
    const api = await cutoverApi();
    // Start from no shadow run: the runs an earlier file of this suite made are deleted.
    for (const node of await api.runs.getChildren()) {
      if (node.kind === 'run' && node.record.kind === 'shadow') fs.rmSync(node.store.runDir(node.record.id), { recursive: true });
    }
    await vscode.commands.executeCommand('cutover.runs.refresh');
    await waitFor('the key to be false without shadow runs', () => api.contextKeys.get(CONTEXT_KEYS.hasShadowRun) === false, 15_000);
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startShadowRun', { input: 'sample-10k', noise: false }))!;
    assert.equal(outcome.run?.record.kind, 'shadow');
    await waitFor(`${CONTEXT_KEYS.hasShadowRun} to be set`, () => api.contextKeys.get(CONTEXT_KEYS.hasShadowRun) === true, 15_000);
  });
});
