/**
 * Cutover's entry point: builds the services and registers views and commands. Wiring only; nothing heavy runs
 * here (parsers and schemas load on first use; DuckDB is loaded by the CLI and the KPI Diff rows only).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChannelSecrets, channelSecretCommands } from './commands/channelSecrets';
import { checklistCommands, connectChecklistView } from './commands/checklist';
import { explainCommands } from './commands/explain';
import { kpiDiffCommands } from './commands/kpiDiff';
import { readinessCommands } from './commands/readiness';
import { ReadinessState } from './commands/readinessState';
import { Launcher } from './commands/launcher';
import { loadCommands } from './commands/load';
import { watchCommands } from './commands/watch';
import { runbookCommands } from './commands/runbooks';
import { runCommands } from './commands/runs';
import { configCommands } from './commands/workspaceConfig';
import type { ChecklistTreeProvider } from './views/checklistTree';
import { createChecklistView } from './views/checklistView';
import { PlanSource } from './views/planSource';
import { RunbooksTreeProvider } from './views/runbooksTree';
import { registerCommands } from './shared/commands';
import { VIEW_IDS, type CommandTable } from './shared/contributions';
import { CONTEXT_KEYS, ContextKeys } from './shared/contextKeys';
import { createLog, loggedAs, showLog } from './shared/log';
import { observeWhileVisible, RunStoreEvents } from './shared/runStoreEvents';
import { workspaceStores } from './shared/runStores';
import { RunsTreeProvider } from './views/runsTree';
import { CutoverStatus } from './views/statusBar';
import { WatchStatus } from './views/watchStatus';
import { registerKpiCodeLens } from './views/kpiCodeLens';
import { ConfigExplainView } from './views/configExplain';
import { registerTestHooks, TEST_HOOKS_ENV } from './testHooks';
import { KpiDiffPanel } from './webviews/kpiDiff/panel';
import { ReadinessPanel } from './webviews/readiness/panel';
import { DashboardPanel } from './webviews/dashboard/panel';
import { dashboardCommands } from './commands/dashboard';

/** What activate() returns: used by the in-host tests to reach the live services (no mocks). */
export interface CutoverApi {
  readonly plans: PlanSource;
  readonly checklist: ChecklistTreeProvider;
  readonly runs: RunsTreeProvider;
  readonly runbooks: RunbooksTreeProvider;
  readonly contextKeys: ContextKeys;
  /** The status bar item (tests read what it shows). */
  readonly status: CutoverStatus;
  /** The status bar item of a `cutover watch` in progress (tests read what it shows and the alert it raised). */
  readonly watch: WatchStatus;
  /** The extension's log folder (the Cutover log): tests check that no secret reaches it. */
  readonly logFolder: vscode.Uri;
  /** The criteria decided by evidence, and the Readiness Report panel. */
  readonly readiness: ReadinessState;
  readonly readinessPanel: ReadinessPanel;
}

export function activate(context: vscode.ExtensionContext): CutoverApi {
  context.subscriptions.push(createLog());
  const status = new CutoverStatus();
  const watch = new WatchStatus();
  context.subscriptions.push(watch);
  const plans = new PlanSource();
  const checklist = createChecklistView(plans, status);
  context.subscriptions.push(status, plans, checklist);
  const checklistContext = { workspaceState: context.workspaceState, source: plans, tree: checklist.provider, view: checklist.view };
  context.subscriptions.push(connectChecklistView(checklistContext));
  const channelSecrets = new ChannelSecrets(context);
  const launcher = new Launcher(context.asAbsolutePath(path.join('dist', 'cli.js')), () => channelSecrets.env());
  const storeEvents = new RunStoreEvents(workspaceStores);
  const runs = new RunsTreeProvider(storeEvents);
  const runbooks = new RunbooksTreeProvider(storeEvents);
  const runsView = vscode.window.createTreeView(VIEW_IDS.runs, { treeDataProvider: runs, showCollapseAll: true });
  const runbooksView = vscode.window.createTreeView(VIEW_IDS.runbooks, { treeDataProvider: runbooks, showCollapseAll: true });
  context.subscriptions.push(
    launcher, storeEvents, runs, runbooks, runsView, runbooksView,
    // While either view is on screen, runs made in any terminal show up even when no watcher event announces them.
    observeWhileVisible([runsView, runbooksView], storeEvents),
  );
  const contextKeys = new ContextKeys();
  const showLastShadow = async (): Promise<void> => {
    const latest = await runs.latest('shadow');
    await contextKeys.set(CONTEXT_KEYS.hasShadowRun, latest !== undefined);
    await status.setLastShadow(latest);
  };
  context.subscriptions.push(runs.onDidChangeTreeData(showLastShadow));
  void showLastShadow();
  const kpiDiff = new KpiDiffPanel(context.extensionUri, storeEvents);
  const configExplain = new ConfigExplainView(storeEvents, plans);
  context.subscriptions.push(kpiDiff, registerKpiCodeLens(runs), configExplain);
  const dashboard = new DashboardPanel(context.extensionUri, storeEvents);
  context.subscriptions.push(dashboard);
  const readiness = new ReadinessState(plans, storeEvents);
  const readinessPanel = new ReadinessPanel(readiness);
  checklist.provider.setEvidence(readiness);
  context.subscriptions.push(readiness, readinessPanel, readiness.onDidChange(() => checklist.provider.redraw()));
  // Every command of package.json, in one table: an id without its handler does not compile.
  const commands = {
    ...checklistCommands(checklistContext),
    ...runCommands({ context, runs, launcher, status }),
    ...loadCommands({ context, runs, launcher, status }),
    ...watchCommands({ context, runs, launcher, status }),
    ...configCommands(context),
    ...channelSecretCommands(context, channelSecrets),
    ...runbookCommands({ tree: runbooks, launcher }),
    ...kpiDiffCommands({ runs, panel: kpiDiff }),
    ...explainCommands({ context, runs, launcher, status, view: configExplain, plans, panel: kpiDiff }),
    ...dashboardCommands(dashboard),
    ...readinessCommands({ state: readiness, panel: readinessPanel, plans, templates: vscode.Uri.joinPath(context.extensionUri, 'media', 'runbook-templates') }),
    'cutover.showLog': showLog,
  } satisfies CommandTable;
  context.subscriptions.push(...registerCommands(commands));
  if (process.env[TEST_HOOKS_ENV] === '1') context.subscriptions.push(...registerTestHooks(kpiDiff, dashboard, configExplain));
  // Runs whose process died while no window looked (a closed VS Code, a killed terminal) are marked interrupted.
  void Promise.all(workspaceStores().map((s) => s.recoverInterrupted().catch(loggedAs(`marking the interrupted runs in ${s.root}`, []))))
    .then((recovered) => { if (recovered.some((ids) => ids.length > 0)) storeEvents.nudge(); });
  void plans.ready();
  return { plans, checklist: checklist.provider, runs, runbooks, contextKeys, status, watch, logFolder: context.logUri, readiness, readinessPanel };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
