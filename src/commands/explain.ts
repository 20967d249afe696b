/**
 * Explain KPI Changes (`cutover explain` in a terminal, trust-gated) and the decisions taken in the configuration
 * diff's comment threads: Accept records reviews of exactly the KPI lines attributed to the thread's key (so the one
 * go/no-go changes everywhere), Mark Regression adds an open task to the plan's checklist with a link to the
 * evidence. Both take the reason typed in the thread's reply box.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addRegressionTask, regressionTaskLine } from '../core/explain/decisions';
import { formatKeyEffect, linesCausedBy } from '../core/explain/format';
import { parsePlan } from '../core/plan/parse';
import { reviewerName } from '../core/reviews/reviewer';
import { ReviewStore } from '../core/reviews/store';
import type { CommandTable } from '../shared/contributions';
import { reportError } from '../shared/log';
import { requireTrust } from '../shared/trust';
import type { ConfigExplainView } from '../views/configExplain';
import type { PlanSource } from '../views/planSource';
import type { KpiDiffSurface } from './kpiDiff';
import type { LaunchOutcome, RunCommandContext } from './runs';
import { runHelpers } from './runs';

export interface ExplainCommandContext extends RunCommandContext {
  readonly view: ConfigExplainView;
  readonly plans: PlanSource;
  readonly panel: KpiDiffSurface;
}

/** Explain KPI Changes: `cutover explain` of the latest (or given) shadow run, then the annotated diff. */
function explainKpiChanges(ctx: ExplainCommandContext) {
  const { workspaceConfig, launch } = runHelpers(ctx);
  return async (options?: { run?: string }): Promise<LaunchOutcome | undefined> => {
    if (!requireTrust('Explain KPI Changes')) return undefined;
    const loaded = await workspaceConfig();
    if (!loaded) return undefined;
    const args = ['explain', '--config', loaded.file, ...(options?.run ? ['--run', options.run] : [])];
    const outcome = await launch('explain', args, loaded.dir, 'explain');
    await ctx.view.refresh();
    const record = outcome?.run?.record;
    const c = record?.results.explain?.counts;
    if (!record || !c) {
      void vscode.window.showErrorMessage(`Cutover: explain ended (exit ${outcome?.exitCode ?? 'unknown'}) without an explanation; see its terminal.`);
      return outcome;
    }
    const text = `Cutover: ${c.lines} KPI lines that did not pass: ${c.key} explained by one configuration key, ${c.interaction} by an interaction, ${c.code} by the code, ${c.unknown} unknown.`;
    const show = c.unknown > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(text, 'Diff V1 and V2 Configuration', 'Open Run').then(async (choice) => {
      if (choice === 'Diff V1 and V2 Configuration') await vscode.commands.executeCommand('cutover.diffConfigs');
      if (choice === 'Open Run' && outcome?.run) await vscode.window.showTextDocument(vscode.Uri.file(path.join(outcome.run.store.runDir(record.id), 'run.json')));
    });
    return outcome;
  };
}

/** What a thread's Accept or Mark Regression receives: the thread (where it is) and the reply box's text. */
export interface ThreadReply {
  readonly thread: { readonly uri: vscode.Uri; readonly range?: vscode.Range | undefined };
  readonly text: string;
}

/** The thread's key and the explanation, or a message saying why there is none. */
function threadKey(view: ConfigExplainView, reply: ThreadReply | undefined) {
  const shown = view.current;
  const key = reply ? view.keyOf(reply.thread) : undefined;
  if (!shown || !key) {
    void vscode.window.showWarningMessage('Cutover: this thread belongs to an explanation that is no longer shown; run "Cutover: Explain KPI Changes" again.');
    return undefined;
  }
  return { shown, key };
}

function reasonOf(reply: ThreadReply, action: string): string | undefined {
  const reason = reply.text.trim();
  if (reason === '') void vscode.window.showWarningMessage(`Cutover: type the reason in the reply box, then ${action}.`);
  return reason === '' ? undefined : reason;
}

/** Accept: reviews of exactly the KPI lines the explanation attributes to this key, with the typed reason. */
function accept(ctx: ExplainCommandContext) {
  return async (reply?: ThreadReply): Promise<{ accepted: number } | undefined> => {
    const found = threadKey(ctx.view, reply);
    if (!found || !reply) return undefined;
    const lines = linesCausedBy(found.key.key, found.shown.explain.lines);
    if (lines.length === 0) {
      void vscode.window.showInformationMessage(`Cutover: no KPI line that did not pass is explained by ${found.key.key} alone; there is nothing to accept.`);
      return { accepted: 0 };
    }
    const reason = reasonOf(reply, 'Accept');
    if (reason === undefined) return undefined;
    const root = found.shown.store.workspaceRoot;
    try {
      const who = await reviewerName(root);
      const reviews = new ReviewStore(root);
      for (const line of lines) await reviews.accept(found.shown.explain.shadowRun, line, reason, who);
    } catch (error) {
      reportError(`accepting the effect of ${found.key.key}`, error);
      return undefined;
    }
    await ctx.view.refresh();
    await ctx.panel.postAccepted();
    return { accepted: lines.length };
  };
}

/** Mark Regression: an open task in the plan's checklist naming the key, its effect and the explain run. */
function markRegression(ctx: ExplainCommandContext) {
  return async (reply?: ThreadReply): Promise<{ plan: string } | undefined> => {
    const found = threadKey(ctx.view, reply);
    if (!found || !reply) return undefined;
    const entry = ctx.plans.plans.find((p) => p.plan);
    if (!entry) {
      void vscode.window.showWarningMessage('Cutover: no cutover plan with a checklist in this workspace (cutover.json "plans"): the regression has nowhere to go.');
      return undefined;
    }
    try {
      const doc = await vscode.workspace.openTextDocument(entry.uri);
      const text = doc.getText();
      const evidence = path.relative(path.dirname(entry.uri.fsPath), path.join(found.shown.store.runDir(found.shown.record.id), 'run.json')).split(path.sep).join('/');
      const who = await reviewerName(found.shown.store.workspaceRoot);
      const line = regressionTaskLine(found.key.key, formatKeyEffect(found.key), evidence, who, new Date(), reply.text);
      const insert = addRegressionTask(text, parsePlan(text), line);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(entry.uri, doc.positionAt(insert.offset), insert.text);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`the edit of ${entry.label} was refused`);
      await doc.save();
    } catch (error) {
      reportError(`adding the regression of ${found.key.key} to ${entry.label}`, error);
      return undefined;
    }
    ctx.plans.invalidate();
    await ctx.plans.refresh();
    await ctx.view.refresh();
    return { plan: entry.uri.fsPath };
  };
}

/** The KPI Diff of the explained shadow run, filtered to the lines `key` explains. */
function showInKpiDiff(ctx: ExplainCommandContext) {
  return async (explainRunId?: string, key?: string): Promise<void> => {
    const shown = ctx.view.current;
    if (!shown || shown.record.id !== explainRunId || key === undefined) {
      void vscode.window.showWarningMessage('Cutover: that explanation is no longer the latest; run "Cutover: Explain KPI Changes" again.');
      return;
    }
    try {
      const record = await shown.store.read(shown.explain.shadowRun);
      await ctx.panel.show({ store: shown.store, record }, undefined, key);
    } catch (error) {
      reportError(`opening the KPI Diff of shadow run ${shown.explain.shadowRun}`, error);
    }
  };
}

export function explainCommands(ctx: ExplainCommandContext) {
  return {
    'cutover.explain': explainKpiChanges(ctx),
    'cutover.explain.accept': accept(ctx),
    'cutover.explain.markRegression': markRegression(ctx),
    'cutover.explain.showInKpiDiff': showInKpiDiff(ctx),
  } satisfies Partial<CommandTable>;
}
