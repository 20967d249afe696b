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
  'cutover.startShadowRun',
  'cutover.compareOutputs',
  'cutover.startReconcile',
  'cutover.evaluateGate',
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
  'cutover.acceptDiscrepancy',
  'cutover.diffConfigs',
  'cutover.revealKpi',
  'cutover.showLog',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
