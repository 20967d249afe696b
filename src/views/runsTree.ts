/**
 * The Runs view: the run store on disk, newest first. A run started from the extension, a plain terminal or CI
 * appears alike, because the view only renders `.cutover/runs/<id>/run.json` (a file watcher refreshes it). Which
 * runs there are comes from the store's index; each landed run's run.json is read once.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../core/runs/record';
import type { RunStore } from '../core/runs/store';
import type { ChannelResult, RunKpiLine } from '../core/runs/results';
import { summarizeRun, type RunOutcome } from '../core/runs/summary';
import { formatPercent } from '../core/percent';
import { figuresLabel, figuresLines } from '../core/load/format';
import { goNoGoDecider, goNoGoLabel, goNoGoLines, type GoNoGoShown } from '../shared/goNoGo';
import { logError, loggedAs, logWarning } from '../shared/log';
import type { RunStoreEvents } from '../shared/runStoreEvents';
import { workspaceStores, type RunRef } from '../shared/runStores';

export type RunNode =
  | (RunRef & { readonly kind: 'run'; readonly goNoGo?: GoNoGoShown })
  | (RunRef & { readonly kind: 'kpi'; readonly kpi: RunKpiLine; readonly accepted?: { readonly by: string; readonly reason: string } })
  | (RunRef & { readonly kind: 'channel'; readonly channel: ChannelResult })
  | (RunRef & { readonly kind: 'file'; readonly uri: vscode.Uri });

const ICONS: Record<RunOutcome, vscode.ThemeIcon> = {
  pass: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  inconclusive: new vscode.ThemeIcon('question', new vscode.ThemeColor('testing.iconQueued')),
  fail: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  error: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  stopped: new vscode.ThemeIcon('debug-stop', new vscode.ThemeColor('descriptionForeground')),
  interrupted: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('disabledForeground')),
  running: new vscode.ThemeIcon('loading~spin'),
};

function duration(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  /** Run folders whose run.json does not fit the schema, already logged (the view refreshes often). */
  private readonly reported = new Set<string>();
  /**
   * Landed runs' records, read once: the store's index says which runs there are, and a landed run does not change
   * (a resumed soak lands again with another end, so the key holds it).
   */
  private readonly records = new Map<string, RunRecord>();

  constructor(private readonly storeEvents: RunStoreEvents) {
    this.subscriptions = [this.changed, storeEvents.onDidChange(() => this.changed.fire())];
  }

  stores(): RunStore[] {
    return workspaceStores();
  }

  /** Shows the stores as they are now, and watches them closely for a while (a run was just started or ended). */
  refresh(): void {
    this.changed.fire();
    this.storeEvents.nudge();
  }

  /** Follows the stores closely until `done` (a CLI the extension launched) settles. */
  follow(done: Promise<unknown>): void {
    this.storeEvents.watchWhile(done);
  }

  /** The newest run of `kind` across the workspace's stores, found through each store's index. */
  async latest(kind: string): Promise<RunRef | undefined> {
    const all = await Promise.all(this.stores().map(async (store) => {
      const record = await store.latest(kind).catch(loggedAs(`Runs: finding the latest ${kind} run in ${store.root}`, undefined));
      return record ? [{ store, record }] : [];
    }));
    return all.flat().sort((a, b) => b.record.id.localeCompare(a.record.id))[0];
  }

  /** The store's landed runs, newest first; each run folder that could not be read is logged, once. */
  private async landed(store: RunStore): Promise<RunRecord[]> {
    const runs: RunRecord[] = [];
    const current = new Set<string>();
    for (const entry of await store.index().entries()) {
      const key = `${store.root}\0${entry.id}\0${entry.status}\0${entry.endedAt ?? ''}`;
      current.add(key);
      let record = this.records.get(key);
      if (!record) {
        try {
          record = await store.read(entry.id);
        } catch (error) {
          if (!this.reported.has(key)) {
            this.reported.add(key);
            logWarning(`Runs: run ${entry.id} is left out of the view`, error);
          }
          continue;
        }
        this.records.set(key, record);
      }
      runs.push(record);
    }
    for (const key of this.records.keys()) if (key.startsWith(`${store.root}\0`) && !current.has(key)) this.records.delete(key);
    return runs;
  }

  async getChildren(node?: RunNode): Promise<RunNode[]> {
    if (!node) {
      const all = await Promise.all(this.stores().map(async (store) => {
        const [running, done] = await Promise.all([
          store.running().catch(loggedAs(`Runs: listing the running runs in ${store.root}`, [])),
          this.landed(store).catch(loggedAs(`Runs: listing the runs in ${store.root}`, [] as RunRecord[])),
        ]);
        const goNoGo = await goNoGoOfShadowRuns(store, done);
        return [...running, ...done].map((record): RunNode => {
          const shown = goNoGo(record);
          return { kind: 'run', store, record, ...(shown ? { goNoGo: shown } : {}) };
        });
      }));
      return all.flat().sort((a, b) => (a.kind === 'run' && b.kind === 'run' ? b.record.id.localeCompare(a.record.id) : 0));
    }
    if (node.kind !== 'run') return [];
    const { record, store } = node;
    const dir = store.runDir(record.id);
    // Reviews (accepted discrepancies) load on first use: their zod schema stays out of activation.
    const { ReviewStore, covers } = await import('../core/reviews/store');
    const reviews = await new ReviewStore(store.workspaceRoot).list().catch(loggedAs(`Runs: reading the reviews of ${store.workspaceRoot}`, []));
    const kpis = summarizeRun(record).notPassing.map((kpi): RunNode => {
      const review = reviews.find((r) => covers(r, kpi));
      return { kind: 'kpi', store, record, kpi, ...(review ? { accepted: { by: review.who, reason: review.reason } } : {}) };
    });
    // A channels run: one node per channel and side, its verdict as the icon and its reasons on hover.
    const channels = (record.results.channels?.channels ?? []).map((channel): RunNode => ({ kind: 'channel', store, record, channel }));
    const files = [
      'run.json',
      ...record.commands.flatMap((c) => (c.log ? [c.log] : [])),
      ...record.outputs.filter((o) => !path.isAbsolute(o.path)).map((o) => o.path),
    ];
    const unique = [...new Set(files)].map((f): RunNode => ({ kind: 'file', store, record, uri: vscode.Uri.file(path.join(dir, f)) }));
    return [...kpis, ...channels, ...unique];
  }

  getTreeItem(node: RunNode): vscode.TreeItem {
    switch (node.kind) {
      case 'run': {
        const { record } = node;
        const s = summarizeRun(record);
        const when = new Date(record.startedAt).toLocaleString();
        const item = new vscode.TreeItem(`${record.kind} · ${s.outcome.toUpperCase()}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.store.root}#${record.id}`;
        item.iconPath = ICONS[s.outcome];
        item.description = [
          s.worstVariance !== undefined ? `worst ${formatPercent(s.worstVariance)}` : undefined,
          node.goNoGo ? goNoGoLabel(node.goNoGo) : undefined,
          figuresLabel(record.results),
          s.durationMs !== undefined ? duration(s.durationMs) : undefined,
          when,
        ].filter(Boolean).join(' · ');
        item.tooltip = new vscode.MarkdownString([
          `**${record.kind}** run \`${record.id}\` — ${s.outcome}`,
          ...(record.verdict?.reasons ?? []).slice(0, 8).map((r) => `- ${r}`),
          record.error ? `\n${record.error.message}` : '',
          s.worstKpi ? `\nworst KPI: ${s.worstKpi}` : '',
        ].join('\n'));
        if (node.goNoGo) item.tooltip.appendCodeblock(goNoGoLines(node.goNoGo).join('\n'), 'text');
        // A load or soak run: its figures (live while it runs).
        const figures = figuresLines(record.results);
        if (figures.length > 0) item.tooltip.appendCodeblock(figures.join('\n'), 'text');
        // A load or soak run is its figures: a click opens its results (the per-run panel), live while it runs.
        if (record.kind === 'load' || record.kind === 'soak') item.command = { command: 'cutover.openKpiDiff', title: 'Open Results', arguments: [node] };
        item.contextValue = `cutover.run.${s.outcome}`;
        item.accessibilityInformation = { label: `${record.kind} run, ${s.outcome}${node.goNoGo ? `, ${goNoGoLabel(node.goNoGo)}` : ''}, started ${when}` };
        return item;
      }
      case 'kpi': {
        const { kpi } = node;
        const item = new vscode.TreeItem([kpi.kpi, kpi.segment, kpi.day].filter(Boolean).join(' · '));
        const verdict = node.accepted ? `${kpi.verdict}, accepted` : kpi.verdict;
        item.iconPath = node.accepted ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
          : kpi.verdict === 'inconclusive' ? ICONS.inconclusive : ICONS.fail;
        item.description = kpi.relVariance === null ? verdict : `${formatPercent(kpi.relVariance)} · ${verdict}`;
        item.tooltip = node.accepted ? `${kpi.reason}\nAccepted by ${node.accepted.by}: ${node.accepted.reason}` : kpi.reason;
        item.command = { command: 'cutover.openKpiDiff', title: 'Open KPI Diff', arguments: [node] };
        item.accessibilityInformation = { label: `${item.label}, ${item.description}: ${kpi.reason}` };
        item.contextValue = 'cutover.runKpi';
        return item;
      }
      case 'channel': {
        const { channel } = node;
        const item = new vscode.TreeItem(`${channel.channel} · ${channel.side}`);
        item.iconPath = ICONS[channel.verdict];
        const rows = channel.rows ? `${channel.rows.delivered ?? '–'} of ${channel.rows.local ?? '–'} rows` : undefined;
        item.description = [channel.verdict, channel.type, rows].filter(Boolean).join(' · ');
        item.tooltip = new vscode.MarkdownString([`**${channel.channel}** (${channel.type}, ${channel.side}) — ${channel.verdict}`, '', channel.location, '', ...channel.reasons.map((r) => `- ${r}`)].join('\n'));
        item.accessibilityInformation = { label: `channel ${channel.channel}, ${channel.side}, ${channel.verdict}: ${channel.reasons.join('; ')}` };
        item.contextValue = 'cutover.runChannel';
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(node.uri);
        item.command = { command: 'vscode.open', title: 'Open', arguments: [node.uri] };
        item.contextValue = 'cutover.runFile';
        return item;
      }
    }
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

/**
 * The go/no-go of each landed shadow run of `store` (the decision `cutover gate` makes), read with one cutover.json
 * and one reviews file; when those cannot be read, each shadow run says why (and the log has it).
 */
async function goNoGoOfShadowRuns(store: RunStore, runs: readonly RunRecord[]): Promise<(record: RunRecord) => GoNoGoShown | undefined> {
  if (!runs.some((r) => r.kind === 'shadow')) return () => undefined;
  try {
    const decide = await goNoGoDecider(store);
    return (record) => (record.kind === 'shadow' ? { goNoGo: decide(record) } : undefined);
  } catch (error) {
    logError(`Runs: deciding go/no-go for the shadow runs in ${store.root}`, error);
    const shown = { error: error instanceof Error ? error.message : String(error) };
    return (record) => (record.kind === 'shadow' ? shown : undefined);
  }
}
