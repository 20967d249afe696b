/**
 * Times, inside the real extension host, (1) activate(): loading the bundle and wiring views and commands, and
 * (2) the checklist becoming ready (discovering and parsing the plans). The workspace has no activation trigger
 * besides the plan file, so the extension is measured from its first activation in this host.
 */
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../util';
import type { CutoverApi } from '../../../src/extension';

describe('activation benchmark', function () {
  it('measures activate() and checklist readiness', async function () {
    const extension = vscode.extensions.getExtension<CutoverApi>(EXTENSION_ID)!;
    const wasActive = extension.isActive;
    const t0 = performance.now();
    const api = await extension.activate();
    const activateMs = performance.now() - t0;
    await api.plans.ready();
    const readyMs = performance.now() - t0;
    console.log(`BENCH ${JSON.stringify({ activateMs, readyMs, wasActive, tasks: api.plans.plans[0]?.plan?.totals.tasks ?? 0 })}`);
  });
});
