import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors';
import { evidenceHash, SignoffStore, signoffStatus, signoffsPath } from '../../../src/core/readiness/signoffs';
import { review } from './fixtures';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

describe('readiness sign-offs', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'cutover-signoffs-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('chains each entry to the previous one and reads back without problems', async () => {
    const store = new SignoffStore(root);
    const first = await store.sign({ role: 'ops', by: 'Ada', verdict: 'ready', evidenceHash: HASH_A }, new Date('2025-12-01T00:00:00Z'));
    const second = await store.sign({ role: 'engineering', by: 'Bob', note: 'ok', verdict: 'ready', evidenceHash: HASH_A });
    assert.equal(first.prev, null);
    assert.equal(second.prev, first.hash);
    const { entries, problems } = await store.read();
    assert.deepEqual(problems, []);
    assert.equal(entries.length, 2);
  });

  it('is stale when the evidence hash moved; the latest sign-off of a role counts', async () => {
    const store = new SignoffStore(root);
    await store.sign({ role: 'ops', by: 'Ada', verdict: 'ready', evidenceHash: HASH_A });
    await store.sign({ role: 'qa', by: 'Cy', verdict: 'ready', evidenceHash: HASH_B });
    const status = signoffStatus((await store.read()).entries, HASH_B);
    assert.deepEqual(status.map((s) => [s.role, s.stale]), [['ops', true], ['qa', false]]);
  });

  it('detects an edited entry and a removed one, names the file and entry, and refuses to sign on', async () => {
    const store = new SignoffStore(root);
    await store.sign({ role: 'ops', by: 'Ada', verdict: 'not-ready', evidenceHash: HASH_A });
    await store.sign({ role: 'qa', by: 'Bob', verdict: 'not-ready', evidenceHash: HASH_A });
    await store.sign({ role: 'eng', by: 'Cy', verdict: 'not-ready', evidenceHash: HASH_A });
    const file = signoffsPath(root);
    const original = readFileSync(file, 'utf8');
    const json = JSON.parse(original) as { signoffs: { verdict: string }[] };
    json.signoffs[0]!.verdict = 'ready';
    writeFileSync(file, JSON.stringify(json));
    const edited = await store.read();
    assert.deepEqual(edited.problems.map((p) => [p.file, p.entry]), [[file, 1]]);
    assert.match(edited.problems[0]!.message, /changed after it was signed/);
    await assert.rejects(store.sign({ role: 'x', by: 'y', verdict: 'ready', evidenceHash: HASH_A }), InputError);

    const removed = JSON.parse(original) as { signoffs: unknown[] };
    removed.signoffs.splice(1, 1);
    writeFileSync(file, JSON.stringify(removed));
    const gap = await store.read();
    assert.deepEqual(gap.problems.map((p) => p.entry), [2]);
    assert.match(gap.problems[0]!.message, /removed, inserted or reordered/);
  });

  it('reports a file that is not JSON as a problem of that file', async () => {
    mkdirSync(join(root, '.cutover'));
    writeFileSync(signoffsPath(root), '{ "version": 1, "signoffs": [');
    const { entries, problems } = await new SignoffStore(root).read();
    assert.deepEqual(entries, []);
    assert.equal(problems[0]!.file, signoffsPath(root));
    assert.match(problems[0]!.message, /not JSON/);
  });

  it('hashes the evidence: a revoked review or a new run changes it', () => {
    const r = review({ segment: 'total', kpi: 'dq30', v1: 1, v2: 2, relVariance: 1 });
    const base = evidenceHash([], { runId: 'a', verdict: 'go' }, [r]);
    assert.equal(evidenceHash([], { runId: 'a', verdict: 'go' }, [r]), base);
    assert.notEqual(evidenceHash([], { runId: 'a', verdict: 'go' }, [{ ...r, revoked: { who: 'x', when: 'y', reason: 'z' } }]), base);
    assert.notEqual(evidenceHash([], { runId: 'b', verdict: 'go' }, [r]), base);
  });
});
