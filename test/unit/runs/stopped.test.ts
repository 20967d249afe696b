/** A cancelled run: recorded `stopped` with what it had so far, no verdict, never passing evidence, exit 2. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeFor, ExitCode, RuntimeError, StoppedError } from '../../../src/core/errors';
import { goNoGo } from '../../../src/core/gate/goNoGo';
import { RunStore } from '../../../src/core/runs/store';
import { summarizeRun } from '../../../src/core/runs/summary';
import { cancelOnSignals } from '../../../src/cli/engine-options';
import { kpiLine, shadowRecord } from '../gate/records';

describe('runs: stopped', () => {
  let ws: string;
  beforeEach(() => { ws = mkdtempSync(join(tmpdir(), 'cutover-stopped-')); });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('stop() lands the run as stopped with its progress so far, no verdict, and why', async () => {
    const store = new RunStore(ws);
    const run = await store.begin('soak');
    await run.progress({ input: { path: '/in' } });
    const record = await run.stop('stopped by SIGTERM (Cancel) after 3.0 s', { results: { extra: 1 } });
    assert.equal(record.status, 'stopped');
    assert.equal(record.verdict, undefined);
    assert.deepEqual(record.error, { message: 'stopped by SIGTERM (Cancel) after 3.0 s', kind: 'stopped' });
    assert.deepEqual(record.results, { input: { path: '/in' }, extra: 1 });
    assert.deepEqual((await store.list()).map((r) => [r.id, r.status]), [[run.id, 'stopped']]);
    assert.equal(summarizeRun(record).outcome, 'stopped');
  });

  it('fail() with a StoppedError stops the run (every command\'s one error path), and drops a verdict given', async () => {
    const run = await new RunStore(ws).begin('shadow');
    const record = await run.fail(new StoppedError('stopped by SIGINT (Ctrl+C) after 1.0 s'), { verdict: { verdict: 'pass', reasons: [] } });
    assert.equal(record.status, 'stopped');
    assert.equal(record.verdict, undefined);
    const failed = await (await new RunStore(ws).begin('shadow')).fail(new RuntimeError('boom'));
    assert.equal(failed.status, 'failed');
  });

  it('exits 2 (inconclusive), never 0 or a runtime error', () => {
    assert.equal(exitCodeFor(new StoppedError('stopped')), ExitCode.inconclusive);
    assert.equal(exitCodeFor(new RuntimeError('boom')), ExitCode.runtime);
  });

  it('is never passing evidence: a stopped shadow run with passing KPIs is no-go', () => {
    const passing = shadowRecord('20260101-000000-000-abcdef', [kpiLine('total', 'balance', 1000, 1000)]);
    assert.equal(goNoGo(passing, { reviews: [] }).verdict, 'go', 'the same run, complete, is a go');
    const { verdict: _verdict, ...rest } = passing;
    const stopped = goNoGo({ ...rest, status: 'stopped', error: { message: 'stopped by SIGTERM (Cancel) after 2.0 s', kind: 'stopped' } }, { reviews: [] });
    assert.equal(stopped.verdict, 'no-go');
    assert.ok(stopped.criteria.some((c) => c.verdict === 'fail' && /stopped by SIGTERM/.test(c.reason)), JSON.stringify(stopped.criteria));
  });

  it('cancelOnSignals turns what an abort caused into a StoppedError naming the signal, and nothing before one', () => {
    const before = process.listenerCount('SIGTERM');
    const cancel = cancelOnSignals();
    try {
      const error = new RuntimeError('interrupted');
      assert.equal(cancel.stopped(error), error, 'not cancelled: the error itself');
      process.emit('SIGTERM', 'SIGTERM');
      assert.equal(cancel.signal.aborted, true);
      const stopped = cancel.stopped(error);
      assert.ok(stopped instanceof StoppedError);
      assert.match(stopped.message, /^stopped by SIGTERM \(Cancel\) after \d+\.\d s; what it had done so far is kept$/);
      assert.equal(stopped.cause, error);
    } finally {
      cancel.dispose();
    }
    assert.equal(process.listenerCount('SIGTERM'), before, 'dispose removes the handlers');
  });
});
