/**
 * The latest `cutover explain` shown where the change is: on each changed key of V2's configuration file (the right
 * side of Diff V1 and V2 Configuration, or the file itself) an after-line annotation of what the change does to the
 * KPIs, a hover with the full table and a link to the KPI Diff filtered to those lines, and a comment thread in which
 * a reviewer accepts the effect or marks it a regression (src/commands/explain.ts). Threads are rebuilt from
 * `.cutover/reviews.json` and the plan, so a reopened diff shows the same decisions. Nothing is shown when V2's file
 * changed since the explanation: its lines and numbers would be wrong.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ReviewStore } from '../core/reviews/store';
import type { RunRecord } from '../core/runs/record';
import type { ExplainKey, ExplainResults } from '../core/runs/results';
import type { RunStore } from '../core/runs/store';
import { logWarning, loggedAs } from '../shared/log';
import type { RunStoreEvents } from '../shared/runStoreEvents';
import { workspaceStores } from '../shared/runStores';
import { annotationText, hoverText, threadNotes } from './configExplainText';
import type { PlanSource } from './planSource';

export const EXPLAIN_COMMENTS_ID = 'cutover.explain';

/** The explanation on screen and the run that recorded it. */
export interface ShownExplain {
  readonly store: RunStore;
  readonly record: RunRecord;
  readonly explain: ExplainResults;
}

class Note implements vscode.Comment {
  readonly mode = vscode.CommentMode.Preview;
  constructor(readonly body: vscode.MarkdownString, readonly author: vscode.CommentAuthorInformation, readonly label?: string, readonly timestamp?: Date) {}
}

function trusted(text: string): vscode.MarkdownString {
  const s = new vscode.MarkdownString(text);
  s.isTrusted = { enabledCommands: ['cutover.explain.showInKpiDiff'] };
  return s;
}

/** What the in-host tests read (`cutover.explain.debugState`): the annotations on screen and the threads. */
export interface ConfigExplainDebugState {
  readonly explainRunId: string | undefined;
  readonly decorated: readonly { readonly file: string; readonly line: number; readonly text: string }[];
  readonly threads: readonly { readonly key: string; readonly line: number; readonly state: string | undefined; readonly comments: readonly { readonly author: string; readonly label: string | undefined; readonly body: string }[] }[];
}

export class ConfigExplainView implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController(EXPLAIN_COMMENTS_ID, 'Cutover: configuration effects');
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
  });
  private readonly disposables: vscode.Disposable[] = [this.controller, this.decoration];
  /** One thread per changed key, by key. */
  private threads = new Map<string, vscode.CommentThread>();
  private shown: ShownExplain | undefined;
  private loading: Promise<void> = Promise.resolve();
  private decorated: ConfigExplainDebugState['decorated'] = [];

  constructor(storeEvents: RunStoreEvents, private readonly plans: PlanSource) {
    this.controller.options = { prompt: 'Reason, then Accept or Mark Regression…', placeHolder: 'Why this effect is intended, or what is wrong with it' };
    this.disposables.push(
      storeEvents.onDidChange(() => void this.refresh()),
      plans.onDidChange(() => void this.refresh()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (this.shown && path.resolve(doc.uri.fsPath) === path.resolve(this.shown.explain.files.v2)) void this.refresh();
      }),
    );
    void this.refresh();
  }

  /** The explanation on screen (the latest complete explain run, while V2's file is unchanged). */
  get current(): ShownExplain | undefined {
    return this.shown;
  }

  /** The key whose thread is at this place (V2's file and the key's line). */
  keyOf(thread: { readonly uri: vscode.Uri; readonly range?: vscode.Range | undefined }): ExplainKey | undefined {
    const s = this.shown;
    if (!s || !thread.range || path.resolve(thread.uri.fsPath) !== path.resolve(s.explain.files.v2)) return undefined;
    return s.explain.keys.find((k) => k.line === thread.range?.start.line);
  }

  /** Re-reads the latest explanation, the reviews and the plan; rebuilds the threads and the annotations. */
  refresh(): Promise<void> {
    this.loading = this.loading.then(() => this.load()).catch(loggedAs('showing the latest cutover explain in the configuration diff', undefined));
    return this.loading;
  }

  private async latest(): Promise<ShownExplain | undefined> {
    for (const store of workspaceStores()) {
      // Through the store's index: one run.json read however many runs there are (this runs on every store change).
      const record = await store.latest('explain', 'complete');
      if (record?.results.explain) return { store, record, explain: record.results.explain };
    }
    return undefined;
  }

  private async load(): Promise<void> {
    const found = await this.latest();
    const shown = found && (await this.stillMatches(found)) ? found : undefined;
    const reviews = shown ? await new ReviewStore(shown.store.workspaceRoot).list() : [];
    const plan = this.plans.plans.find((p) => p.plan)?.plan;
    const previous = this.threads;
    this.threads = new Map();
    this.shown = shown;
    if (shown) {
      const uri = vscode.Uri.file(shown.explain.files.v2);
      for (const key of shown.explain.keys) {
        if (key.line === null) continue;
        const notes = threadNotes(shown.record.id, shown.explain, key, reviews, plan)
          .map((n) => new Note(trusted(n.body), { name: n.author }, n.label, n.when));
        // An open thread keeps its place (and what the reviewer is typing); only its comments change.
        const old = previous.get(key.key);
        const thread = old && old.range?.start.line === key.line ? old : this.controller.createCommentThread(uri, new vscode.Range(key.line, 0, key.line, 0), []);
        previous.delete(key.key);
        thread.comments = notes;
        thread.label = `${key.key}`;
        thread.contextValue = notes.some((n) => n.label === 'accepted') ? 'accepted' : notes.some((n) => n.label?.startsWith('regression')) ? 'regression' : 'open';
        thread.canReply = true;
        this.threads.set(key.key, thread);
      }
    }
    for (const stale of previous.values()) stale.dispose();
    this.decorate();
  }

  /** The explanation's lines hold only while V2's file is the one it ran with (its recorded sha256). */
  private async stillMatches(s: ShownExplain): Promise<boolean> {
    const recorded = s.record.inputs.find((i) => i.role === 'config-v2')?.sha256;
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(s.explain.files.v2));
      const same = recorded === undefined || createHash('sha256').update(doc.getText()).digest('hex') === recorded;
      if (!same) logWarning(`explain run ${s.record.id}`, new Error(`${s.explain.files.v2} changed since the run: its annotations are not shown`));
      return same;
    } catch (error) {
      logWarning(`reading ${s.explain.files.v2} for explain run ${s.record.id}`, error);
      return false;
    }
  }

  private decorate(): void {
    const s = this.shown;
    const decorated: { file: string; line: number; text: string }[] = [];
    for (const editor of vscode.window.visibleTextEditors) {
      const mine = s !== undefined && path.resolve(editor.document.uri.fsPath) === path.resolve(s.explain.files.v2);
      const options = mine ? s.explain.keys.flatMap((k) => this.annotation(editor.document, s, k)) : [];
      editor.setDecorations(this.decoration, options);
      for (const o of options) decorated.push({ file: editor.document.uri.fsPath, line: o.range.start.line, text: o.renderOptions?.after?.contentText ?? '' });
    }
    this.decorated = decorated;
  }

  debugState(): ConfigExplainDebugState {
    return {
      explainRunId: this.shown?.record.id,
      decorated: this.decorated,
      threads: [...this.threads.entries()].map(([key, t]) => ({
        key,
        line: t.range?.start.line ?? -1,
        state: t.contextValue,
        comments: t.comments.map((c) => ({ author: c.author.name, label: c.label, body: typeof c.body === 'string' ? c.body : c.body.value })),
      })),
    };
  }

  private annotation(doc: vscode.TextDocument, s: ShownExplain, key: ExplainKey): vscode.DecorationOptions[] {
    if (key.line === null || key.line >= doc.lineCount) return [];
    const end = doc.lineAt(key.line).range.end;
    return [{
      range: new vscode.Range(end, end),
      renderOptions: { after: { contentText: annotationText(key) } },
      hoverMessage: trusted(hoverText(s.record.id, s.explain, key)),
    }];
  }

  dispose(): void {
    for (const t of this.threads.values()) t.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
