/**
 * The ids Cutover contributes in package.json (`contributes.views`, `contributes.commands`), typed: code names a view
 * or command through these, and a unit test holds this list and package.json to each other. Pure: no vscode.
 */

export const VIEW_IDS = {
  checklist: 'cutover.checklist',
  runbooks: 'cutover.runbooks',
  runs: 'cutover.runs',
} as const;

/** Every command in the palette or a menu; extension.ts registers exactly these (test hooks aside). */
export const COMMAND_IDS = [
  'cutover.checklist.refresh',
  'cutover.checklist.openPlan',
  'cutover.checklist.hideCompleted',
  'cutover.checklist.showCompleted',
  'cutover.checklist.collapseAll',
  'cutover.checklist.copyTaskAsMarkdown',
  'cutover.checklist.toggleTask',
  'cutover.checklist.revealTask',
  'cutover.checklist.configurePlans',
  'cutover.openConfig',
  'cutover.startShadowRun',
  'cutover.compareOutputs',
  'cutover.validateChannels',
  'cutover.publishRun',
  'cutover.setChannelSecret',
  'cutover.clearChannelSecret',
  'cutover.startReconcile',
  'cutover.startLoadTest',
  'cutover.startSoak',
  'cutover.startWatch',
  'cutover.evaluateGate',
  'cutover.openReadinessReport',
  'cutover.signOff',
  'cutover.newRunbookFromTemplate',
  'cutover.checklist.tickWithEvidence',
  'cutover.checklist.openEvidence',
  'cutover.cancelRun',
  'cutover.runs.refresh',
  'cutover.openRunManifest',
  'cutover.showRunLog',
  'cutover.openRunFolder',
  'cutover.deleteRun',
  'cutover.runbooks.runStep',
  'cutover.runbooks.runAll',
  'cutover.runbooks.refresh',
  'cutover.rollBack',
  'cutover.rollForward',
  'cutover.openKpiDiff',
  'cutover.openDashboard',
  'cutover.acceptDiscrepancy',
  'cutover.diffConfigs',
  'cutover.explain',
  'cutover.explain.accept',
  'cutover.explain.markRegression',
  'cutover.explain.showInKpiDiff',
  'cutover.revealKpi',
  'cutover.showLog',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** A command's handler: whatever arguments the command is called with (menus pass the view node). */
export type CommandHandler = (...args: never[]) => unknown;

/**
 * Every command with its handler: extension.ts assembles it from each feature's part (`satisfies
 * Partial<CommandTable>` there) and registers it in one place, so an id without a handler does not compile.
 */
export type CommandTable = Readonly<Record<CommandId, CommandHandler>>;
