/**
 * Readiness commands: Open Readiness Report, Sign Off…, New Runbook from Template…, and in the Checklist Tick with
 * Evidence (check a task whose rule is met and link its run, one undoable edit) and Open Evidence (the run behind a
 * criterion: its KPI Diff, the log of a failed run, else its run.json).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CutoverError, UsageError } from '../core/errors';
import { VERDICT_TEXT } from '../core/readiness/render';
import type { SignoffEntry } from '../core/readiness/signoffs';
import { isMet } from '../core/readiness/state';
import { tickWithEvidenceEdits } from '../core/readiness/tick';
import type { ReadinessRoot } from '../core/readiness/workspace';
import { reviewerName } from '../core/reviews/reviewer';
import { RunStore } from '../core/runs/store';
import type { CommandTable } from '../shared/contributions';
import { logWarning } from '../shared/log';
import { requireTrust } from '../shared/trust';
import type { ChecklistNode } from '../views/checklistTree';
import type { PlanSource } from '../views/planSource';
import type { ReadinessState } from './readinessState';
import { toggleTask } from './toggleTask';

export interface ReadinessCommandContext {
  readonly state: ReadinessState;
  /** The Readiness Report panel (webviews/readiness/panel.ts). */
  readonly panel: { show(root: string): Promise<void> };
  readonly plans: PlanSource;
  /** media/runbook-templates in the extension. */
  readonly templates: vscode.Uri;
}

/** The workspace a command is about: the only one, or the one picked. */
async function pickRoot(state: ReadinessState, root?: string): Promise<ReadinessRoot | undefined> {
  await state.refresh();
  const roots = state.all;
  if (root !== undefined) return roots.find((r) => r.root === root);
  if (roots.length === 0) {
    void vscode.window.showInformationMessage('Cutover: no cutover plan in this workspace, so there is no readiness to show.');
    return undefined;
  }
  if (roots.length === 1) return roots[0];
  return (await vscode.window.showQuickPick(
    roots.map((r) => ({ label: vscode.workspace.asRelativePath(r.root) || r.root, description: VERDICT_TEXT[r.readiness.verdict], r })),
    { placeHolder: 'Which cutover workspace?' }))?.r;
}

function openReport({ state, panel }: ReadinessCommandContext) {
  return async (root?: string): Promise<void> => {
    const picked = await pickRoot(state, root);
    if (picked) await panel.show(picked.root);
  };
}

const ROLES = ['engineering', 'ops', 'credit-risk', 'data-governance'];

/** Sign Off…: who signs in which role, recorded with the evidence hash; arguments skip the prompts (tests, scripts). */
function signOff({ state }: ReadinessCommandContext) {
  return async (args?: { readonly role?: string; readonly by?: string; readonly note?: string; readonly root?: string }): Promise<SignoffEntry | undefined> => {
    // A sign-off vouches for the workspace's evidence; an untrusted workspace's evidence is what nobody has vouched for.
    if (!requireTrust('Sign Off', 'attests the evidence this workspace holds')) return undefined;
    const picked = await pickRoot(state, args?.root);
    if (!picked) return undefined;
    const { readiness } = picked;
    let role = args?.role;
    if (role === undefined) {
      const choice = await vscode.window.showQuickPick([...ROLES, 'Another role…'], { placeHolder: `Sign off as… (readiness now: ${VERDICT_TEXT[readiness.verdict]})` });
      if (choice === 'Another role…') role = await vscode.window.showInputBox({ prompt: 'Role', validateInput: (v) => (v.trim() ? undefined : 'a role is required') });
      else role = choice;
    }
    if (!role) return undefined;
    const by = args?.by ?? await vscode.window.showInputBox({ prompt: `Signing off as ${role}: your name`, value: await reviewerName(picked.root), validateInput: (v) => (v.trim() ? undefined : 'a name is required') });
    if (!by) return undefined;
    const note = args?.note ?? (args ? undefined : await vscode.window.showInputBox({ prompt: 'A note kept with the sign-off (optional)' }));
    const { SignoffStore } = await import('../core/readiness/signoffs');
    const entry = await new SignoffStore(picked.root).sign({ role, by, note, verdict: readiness.verdict, evidenceHash: readiness.evidenceHash });
    await state.refresh();
    void vscode.window.showInformationMessage(`Cutover: signed off as ${entry.role} by ${entry.by} (readiness ${VERDICT_TEXT[readiness.verdict]}); it goes stale when the evidence changes.`);
    return entry;
  };
}

/** New Runbook from Template…: copies a template into the runbooks folder cutover.json names, refusing to overwrite. */
function newRunbook({ state, templates }: ReadinessCommandContext) {
  return async (args?: { readonly template?: string; readonly name?: string; readonly root?: string }): Promise<vscode.Uri | undefined> => {
    if (!requireTrust('New Runbook from Template', 'writes a runbook whose steps run commands')) return undefined;
    const files = (await vscode.workspace.fs.readDirectory(templates)).filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.md')).map(([name]) => name).sort();
    const items = await Promise.all(files.map(async (file) => {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(templates, file)));
      return { label: /^# (.+)$/m.exec(text)?.[1] ?? file, description: file, file, text };
    }));
    const template = args?.template !== undefined
      ? items.find((i) => i.file === `${args.template}.md` || i.file === args.template)
      : await vscode.window.showQuickPick(items, { placeHolder: 'New runbook from which template?' });
    if (!template) {
      if (args?.template !== undefined) throw new UsageError(`no runbook template "${args.template}" (known: ${files.join(', ')})`);
      return undefined;
    }
    const picked = await pickRoot(state, args?.root);
    const base = picked?.root ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (base === undefined) throw new UsageError('open a folder first: a runbook is created in the workspace');
    const folder = path.join(base, picked?.loaded?.config.runbooks ?? 'runbooks');
    const name = args?.name ?? await vscode.window.showInputBox({ prompt: `File name in ${vscode.workspace.asRelativePath(folder)}`, value: template.file, validateInput: (v) => (/^[^/\\]+\.md$/.test(v.trim()) ? undefined : 'a file name ending in .md') });
    if (!name) return undefined;
    const target = vscode.Uri.file(path.join(folder, name.trim()));
    const exists = await vscode.workspace.fs.stat(target).then(() => true, (error: unknown) => {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return false;
      throw error;
    });
    if (exists) throw new UsageError(`${vscode.workspace.asRelativePath(target)} already exists: pick another name`);
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(folder));
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(template.text));
    await vscode.window.showTextDocument(target);
    return target;
  };
}

/** Tick with Evidence: `[x]` and a link to the run record that meets the task's rule, in one undoable edit. */
function tickWithEvidence({ state, plans }: ReadinessCommandContext) {
  return async (node?: ChecklistNode): Promise<boolean> => {
    if (node?.kind !== 'task') return false;
    const result = state.result(node.entry, node.task.id);
    const root = state.rootOf(node.entry);
    const run = result?.runs[0];
    if (!result || !root || !run || !isMet(result)) {
      void vscode.window.showWarningMessage(`Cutover: "${node.task.text}" cannot be ticked from evidence: ${result ? `its rule is ${result.stale ? 'met on stale evidence' : result.state.replace('-', ' ')} (${result.reason})` : 'no rule in cutover.json criteria decides it'}.`);
      return false;
    }
    const runJson = path.join(new RunStore(root.root).runDir(run.id), 'run.json');
    const link = path.relative(path.dirname(node.entry.uri.fsPath), runJson);
    const save = vscode.workspace.getConfiguration('cutover.checklist').get<boolean>('saveAfterToggle', true);
    plans.invalidate();
    try {
      const { changed } = await toggleTask(node.entry, node.task, true, { save, edits: (current) => tickWithEvidenceEdits(current, node.task, run.id, link) });
      if (!changed) await plans.refresh();
      return changed;
    } catch (error) {
      logWarning(`ticking task "${node.task.text}" with evidence in ${node.entry.uri.fsPath}`, error);
      void vscode.window.showWarningMessage(`Cutover: ${error instanceof CutoverError ? error.message : String(error)}`);
      await plans.refresh();
      return false;
    }
  };
}

/** Open Evidence: the run a criterion's state rests on. */
function openEvidence({ state }: ReadinessCommandContext) {
  return async (node?: ChecklistNode): Promise<void> => {
    if (node?.kind !== 'criterion' && node?.kind !== 'task') return;
    const id = node.kind === 'criterion' ? node.criterion.id : node.task.id;
    const result = state.result(node.entry, id);
    const root = state.rootOf(node.entry);
    const run = result?.runs[0];
    if (!run || !root) {
      void vscode.window.showInformationMessage(`Cutover: no run decides this criterion${result ? `: ${result.reason}` : ''}.`);
      return;
    }
    const store = new RunStore(root.root);
    const record = await store.read(run.id);
    if (record.results.kpis || record.results.reconcile) {
      await vscode.commands.executeCommand('cutover.openKpiDiff', { store, record });
      return;
    }
    const failedLog = record.status === 'failed' ? record.commands.find((c) => c.exitCode !== 0 && c.log)?.log : undefined;
    const file = failedLog ? (path.isAbsolute(failedLog) ? failedLog : path.join(store.runDir(run.id), failedLog)) : path.join(store.runDir(run.id), 'run.json');
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  };
}

export function readinessCommands(ctx: ReadinessCommandContext) {
  return {
    'cutover.openReadinessReport': openReport(ctx),
    'cutover.signOff': signOff(ctx),
    'cutover.newRunbookFromTemplate': newRunbook(ctx),
    'cutover.checklist.tickWithEvidence': tickWithEvidence(ctx),
    'cutover.checklist.openEvidence': openEvidence(ctx),
  } satisfies Partial<CommandTable>;
}
