/**
 * CodeLens above each KPI name in the pipelines' configuration files and in cutover.json, from the latest shadow
 * run: `dq90 · V2 +5.02% ✗ fail (> 1.00%) · 9 of 16 segments fail`. Clicking opens the KPI Diff panel at that KPI.
 * Only the files cutover.json names are touched; the setting `cutover.kpiDiff.codeLens` turns the lenses off.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatPercent } from '../core/percent';
import type { RunRecord } from '../core/runs/record';
import type { RunStore } from '../core/runs/store';
import { loggedAs } from '../shared/log';
import type { KpiRow } from '../core/runs/viewModel';
import type { RunsTreeProvider } from './runsTree';

const MARK = { pass: '✓', inconclusive: '?', fail: '✗' } as const;

/** One line of lens text for a KPI: its total (or worst) line, and how many segments do not pass. */
export function lensTitle(kpi: string, lines: readonly KpiRow[]): string {
  const main = lines.find((l) => l.segment === 'total') ?? lines[0];
  if (!main) return kpi;
  const change = main.v1 !== null && main.v2 !== null && main.v1 !== 0 ? (main.v2 - main.v1) / Math.abs(main.v1) : null;
  const rule = main.verdict === 'fail' ? `> ${formatPercent(main.tolerance.failLine)}`
    : main.verdict === 'inconclusive' ? `> ${formatPercent(main.tolerance.passLine)}` : `≤ ${formatPercent(main.tolerance.passLine)}`;
  const value = change === null ? 'n/a' : `${change > 0 ? '+' : change < 0 ? '−' : ''}${formatPercent(Math.abs(change))}`;
  const failing = lines.filter((l) => l.verdict !== 'pass').length;
  const segments = lines.length > 1 ? ` · ${failing} of ${lines.length} segments not passing` : '';
  return `${kpi} · V2 ${value} ${MARK[main.verdict]} ${main.verdict} (${rule})${main.segment !== 'total' ? ` [${main.segment}]` : ''}${segments}`;
}

export class KpiCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private cache: Promise<{ store: RunStore; record: RunRecord }[]> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly runs: RunsTreeProvider) {
    this.subscriptions = [
      runs.onDidChangeTreeData(() => { this.cache = undefined; this.changed.fire(); }),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('cutover.kpiDiff.codeLens')) this.changed.fire(); }),
    ];
  }

  private latestRuns(): Promise<{ store: RunStore; record: RunRecord }[]> {
    this.cache ??= Promise.all(this.runs.stores().map(async (store) => {
      const record = await store.latest('shadow').catch(loggedAs(`CodeLens: finding the latest shadow run in ${store.root}`, undefined));
      return record ? [{ store, record }] : [];
    })).then((all) => all.flat());
    return this.cache;
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('cutover').get<boolean>('kpiDiff.codeLens', true)) return [];
    const file = document.uri.fsPath;
    // Loaded on first use: the run view and cutover.json carry zod schemas that activation should not pay for.
    const [{ configFilesOf, findKpiName }, { runView }] = await Promise.all([import('../core/config/pipelineConfigFiles'), import('../core/runs/view')]);
    for (const { store, record } of await this.latestRuns()) {
      const files = configFilesOf(record, store.workspaceRoot);
      const claimed = [...files.v1, ...files.v2, path.join(store.workspaceRoot, 'cutover.json')];
      if (!claimed.includes(file)) continue;
      const byKpi = new Map<string, KpiRow[]>();
      for (const line of runView(record).kpis) byKpi.set(line.kpi, [...(byKpi.get(line.kpi) ?? []), line]);
      const text = document.getText();
      const lenses: vscode.CodeLens[] = [];
      for (const [kpi, lines] of byKpi) {
        const at = findKpiName(text, kpi);
        if (!at) continue;
        const main = lines.find((l) => l.segment === 'total') ?? lines[0]!;
        lenses.push(new vscode.CodeLens(new vscode.Range(at.line, 0, at.line, 0), {
          title: lensTitle(kpi, lines),
          tooltip: `Open the KPI Diff of run ${record.id} at ${kpi}`,
          command: 'cutover.openKpiDiff',
          arguments: [{ store, record, key: { segment: main.segment, kpi } }],
        }));
      }
      return lenses;
    }
    return [];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

export function registerKpiCodeLens(runs: RunsTreeProvider): vscode.Disposable {
  const provider = new KpiCodeLensProvider(runs);
  return vscode.Disposable.from(
    provider,
    vscode.languages.registerCodeLensProvider([{ scheme: 'file', language: 'json' }, { scheme: 'file', language: 'jsonc' }], provider),
  );
}
