// `cutover runs`, the CLI's run picking and the metrics find runs through the run-store index: they parse only the
// run.json they show or speak of, and say what they said when they read every run.json.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from '../../../src/cli/commands/runs';
import { pickRun } from '../../../src/cli/pickRun';
import { goNoGo } from '../../../src/core/gate/goNoGo';
import { collectMetrics } from '../../../src/core/metrics/collect';
import { writeExposition } from '../../../src/core/metrics/exposition';
import { workspaceMetrics } from '../../../src/core/metrics/workspace';
import type { RunRecord } from '../../../src/core/runs/record';
import { RunStore } from '../../../src/core/runs/store';
import { runCli } from '../cli';

async function land(store: RunStore, kind: string, verdict: 'pass' | 'fail'): Promise<RunRecord> {
  return (await store.begin(kind)).finish({ verdict: { verdict, reasons: [`${kind} ${verdict}`] } });
}

describe('reads through the run index', () => {
  let ws: string;
  let reads: string[];
  const original = RunStore.prototype.read;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'cutover-reads-'));
    reads = [];
  });
  afterEach(() => {
    RunStore.prototype.read = original;
    rmSync(ws, { recursive: true, force: true });
  });
  /** From now on, every run.json the store parses is counted. */
  const countReads = (): void => {
    RunStore.prototype.read = function read(this: RunStore, id: string) {
      reads.push(id);
      return original.call(this, id);
    };
  };

  async function history(): Promise<RunRecord[]> {
    const store = new RunStore(ws);
    const runs: RunRecord[] = [];
    for (const [kind, verdict] of [['shadow', 'pass'], ['reconcile', 'fail'], ['shadow', 'fail'], ['soak', 'pass'], ['shadow', 'fail']] as const) {
      runs.push(await land(store, kind, verdict));
      // Ids order by their millisecond: one run a millisecond apart at least.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    return runs.reverse();
  }

  it('cutover runs --limit 1 parses one run.json, and lists as every run.json read did', async () => {
    const runs = await history();
    const full = await runCli(['runs', '--json'], ws);
    assert.equal(full.code, 0, full.stderr);
    const doc = JSON.parse(full.stdout) as { total: number; runs: unknown[]; problems: unknown[] };
    assert.deepEqual(doc.runs, (await new RunStore(ws).list()).map(summarize));
    assert.equal(doc.total, runs.length);
    countReads();
    const one = await runCli(['runs', '--limit', '1'], ws);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(reads, [runs[0]?.id]);
    assert.match(one.stdout, new RegExp(`^run .*\\n${runs[0]?.id}  shadow  complete  fail .*\\n\\(4 older not shown\\)\\n$`));
  });

  it('pickRun parses only the run it picks: the latest shadow run, or the one an id prefix names', async () => {
    const runs = await history();
    const store = new RunStore(ws);
    countReads();
    assert.equal((await pickRun(store, undefined)).id, runs[0]?.id);
    assert.equal((await pickRun(store, runs[3]?.id)).id, runs[3]?.id);
    assert.deepEqual(reads, [runs[0]?.id, runs[3]?.id]);
    await assert.rejects(pickRun(store, '2'), /ambiguous/);
    await assert.rejects(pickRun(store, '1999'), /no run 1999/);
  });

  it('the metrics parse per kind its latest run and its newest passing one, and print what every run gave', async () => {
    const runs = await history();
    const expected = writeExposition(collectMetrics(await new RunStore(ws).list(), { workspace: 'w', maxSegments: 20, gate: (r) => goNoGo(r, { reviews: [] }) }).families);
    countReads();
    const metrics = await workspaceMetrics(ws, { monitoring: { workspace: 'w', maxSegments: 20 } } as Parameters<typeof workspaceMetrics>[1]);
    // shadow: the newest (fail) and the passing one; soak and reconcile: their only run.
    assert.deepEqual([...reads].sort(), [runs[0], runs[1], runs[3], runs[4]].map((r) => r?.id).sort());
    assert.equal(metrics.text, expected);
    assert.deepEqual(metrics.problems, []);
  });
});
