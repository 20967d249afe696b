/**
 * Everything the Dashboard shows, read from the run stores (no vscode, so the bench times exactly what the panel
 * does): each store's index, its runs in progress, the latest complete reconciliation's own run.json (the index keeps
 * only its summary), the error and warning lines of the latest runs' logs; then the view model.
 */
import { indexEntryOf } from '../../core/runs/indexEntry';
import type { RunStore } from '../../core/runs/store';
import type { ReconcileView } from '../../core/runs/viewModel';
import { logLines } from './logLines';
import { dashboardModel, recentLogs, type StoreSnapshot } from './model';
import type { DashboardModel } from './protocol';

export async function gatherDashboard(stores: readonly RunStore[]): Promise<DashboardModel> {
  const snapshots: StoreSnapshot[] = await Promise.all(stores.map(async (store) => ({
    root: store.root,
    entries: await store.index().entries(),
    running: (await store.running()).map(indexEntryOf),
  })));
  const recent = recentLogs(snapshots).map((r) => ({ ...r, root: snapshots[r.store]!.root }));
  const [logs, reconcile] = await Promise.all([logLines(recent), latestReconcile(stores, snapshots)]);
  const problems = stores.flatMap((s) => [...s.index().problems].map(([id, why]) => `run ${id}: ${why}`));
  return dashboardModel(snapshots, { reconcile, logs, problems });
}

/** The newest complete reconciliation across the stores, as the KPI Diff panel shows it. */
async function latestReconcile(stores: readonly RunStore[], snapshots: readonly StoreSnapshot[]): Promise<ReconcileView | null> {
  let newest: { store: RunStore; id: string } | undefined;
  snapshots.forEach((s, i) => {
    const entry = s.entries.find((e) => e.kind === 'reconcile' && e.status === 'complete' && e.reconcile);
    if (entry && (!newest || entry.id > newest.id)) newest = { store: stores[i]!, id: entry.id };
  });
  if (!newest) return null;
  // view.ts brings the reviews' schema: loaded when a reconciliation is there to show, not at activation.
  const { reconcileView } = await import('../../core/runs/view');
  return reconcileView(await newest.store.read(newest.id));
}
