/**
 * Commands only the in-host tests use, registered by activate() only when the test host sets CUTOVER_TEST_HOOKS=1
 * (test/host/integration.ts passes it through `extensionEnvironment`): never in the palette, never in a user's
 * window. They read state a person sees on screen (the KPI Diff panel) and answer modal confirmations and
 * notifications, which a test inside the extension host cannot click.
 */
import * as vscode from 'vscode';
import { scriptedConfirmations } from './shared/confirm';
import { scriptedNotifications } from './shared/notify';
import type { KpiDiffPanel } from './webviews/kpiDiff/panel';
import type { ConfigExplainView } from './views/configExplain';
import type { DashboardPanel } from './webviews/dashboard/panel';
import type { WebviewMessage as DashboardMessage } from './webviews/dashboard/protocol';

export const TEST_HOOKS_ENV = 'CUTOVER_TEST_HOOKS';

export function registerTestHooks(panel: KpiDiffPanel, dashboard: DashboardPanel, configExplain: ConfigExplainView): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('cutover.explain.debugState', () => configExplain.debugState()),
    vscode.commands.registerCommand('cutover.kpiDiff.debugState', () => panel.debugState()),
    vscode.commands.registerCommand('cutover.dashboard.debugState', () => dashboard.debugState()),
    // A click in the Dashboard, delivered as the app posts it (the in-host test cannot click inside the webview).
    vscode.commands.registerCommand('cutover.test.dashboardMessage', (message: DashboardMessage) => dashboard.receiveForTest(message)),
    vscode.commands.registerCommand('cutover.test.answerConfirmations', (...answers: boolean[]) => scriptedConfirmations.answer(...answers)),
    vscode.commands.registerCommand('cutover.test.lastConfirmation', () => scriptedConfirmations.last),
    vscode.commands.registerCommand('cutover.test.answerNotifications', (...actions: string[]) => scriptedNotifications.answer(...actions)),
    vscode.commands.registerCommand('cutover.test.lastNotification', () => scriptedNotifications.last),
  ];
}
