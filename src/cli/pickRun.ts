/** Which recorded run a command means: an id or a unique prefix of one, else the latest shadow run. */
import { UsageError } from '../core/errors';
import type { RunRecord } from '../core/runs/record';
import type { RunStore } from '../core/runs/store';

export async function pickRun(store: RunStore, wanted: string | undefined): Promise<RunRecord> {
  // Through the store's index: only the chosen run's run.json is read.
  if (wanted === undefined) {
    const latest = await store.latest('shadow');
    if (!latest) throw new UsageError(`no shadow run in ${store.root}: run \`cutover shadow\` first`);
    return latest;
  }
  const matches = (await store.index().entries()).filter((e) => e.id.startsWith(wanted)).map((e) => e.id);
  if (matches.length === 1 && matches[0]) return store.read(matches[0]);
  if (matches.length === 0) throw new UsageError(`no run ${wanted} in ${store.root} (see \`cutover runs\`)`);
  throw new UsageError(`run id prefix ${wanted} is ambiguous: ${matches.join(', ')}`);
}
