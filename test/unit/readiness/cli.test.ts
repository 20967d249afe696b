import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli';
import { shadowRecord, kpiLine, writeRecord } from '../gate/records';
import { switchRecord } from './fixtures';

const PLAN = `# Plan
## Rollback
- [ ] Roll back
**Success Criteria:**
- ✓ Rollback time < 5 minutes
- ✓ Go/no-go is go
`;

function config(rules: unknown[]): string {
  return JSON.stringify({
    plans: ['plan.md'],
    pipelines: {
      v1: { command: ['node', 'v1.mjs'], outputs: { kpis: { path: 'kpis.parquet' } } },
      v2: { command: ['node', 'v2.mjs'], outputs: { kpis: { path: 'kpis.parquet' } } },
    },
    criteria: { maxAgeHours: 24 * 365 * 10, rules },
  });
}

const RULES = [
  { match: 'Rollback time < 5 minutes', rule: { kind: 'rollback', requireForward: false } },
  { match: 'Go/no-go is go', rule: { kind: 'gate' } },
];

describe('cutover readiness and signoff', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cutover-readiness-'));
    writeFileSync(join(root, 'plan.md'), PLAN);
    writeFileSync(join(root, 'cutover.json'), config(RULES));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('exits 2 without evidence, 0 when ready, 1 when not ready', async () => {
    const none = await runCli(['readiness'], root);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stdout, /NOT ENOUGH EVIDENCE/);

    writeRecord(root, switchRecord('rollback', '2025-12-01T00:00:00Z', 60_000, 0));
    writeRecord(root, shadowRecord('20251201-120000-000-aaaaaa', [kpiLine('total', 'loan_count', 100, 100)]));
    const ready = await runCli(['readiness'], root);
    assert.equal(ready.code, 0, ready.stdout);

    writeRecord(root, shadowRecord('20251202-120000-000-aaaaaa', [kpiLine('total', 'dq30', 0.1, 0.2)]));
    const notReady = await runCli(['readiness', '--format', 'html', '--out', 'report.html'], root);
    assert.equal(notReady.code, 1, notReady.stderr);
    assert.match(readFileSync(join(root, 'report.html'), 'utf8'), /^<!DOCTYPE html>[\s\S]*NOT READY/);
  });

  it("reads the latest shadow run's pipeline logs for the shadowLogs rule", async () => {
    writeFileSync(join(root, 'plan.md'), '# Plan\n**Success Criteria:**\n- ✓ No errors in the logs\n');
    writeFileSync(join(root, 'cutover.json'), config([{ match: 'No errors in the logs', rule: { kind: 'shadowLogs' } }]));
    const run = shadowRecord('20251201-120000-000-aaaaaa', [kpiLine('total', 'loan_count', 100, 100)]);
    const withLogs = { ...run, commands: run.commands.map((c) => ({ ...c, log: `logs/${c.name}.log` })) };
    writeRecord(root, withLogs);
    const logs = join(root, '.cutover', 'runs', run.id, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'v1.log'), 'read 10000 loans\nwrote kpis\n');
    writeFileSync(join(logs, 'v2.log'), 'read 10000 loans\nERROR: region lookup failed for 3 loans\nwrote kpis\n');
    const out = await runCli(['readiness'], root);
    assert.equal(out.code, 1, out.stdout);
    assert.match(out.stdout, /v2 log: 1 line, e\.g\. line 2: ERROR: region lookup failed/);
    writeFileSync(join(logs, 'v2.log'), 'read 10000 loans\nwrote kpis\n');
    const clean = await runCli(['readiness'], root);
    assert.match(clean.stdout, /\| ✓ met \| No errors in the logs/);
    rmSync(join(logs, 'v2.log'));
    assert.match((await runCli(['readiness'], root)).stdout, /\| \? no evidence \| No errors in the logs/);
  });

  it("finds the plans cutover.json's globs name, by the Checklist's rule, and refuses a glob that matches nothing", async () => {
    const example = readFileSync(join(__dirname, '../../../examples/loan-cutover/cutover/plan.md'), 'utf8');
    mkdirSync(join(root, 'cutover'));
    writeFileSync(join(root, 'cutover', 'plan.md'), example);
    writeFileSync(join(root, 'cutover', 'rollback-plan.md'), PLAN);
    mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'pkg', 'cutover-plan.md'), PLAN);
    const withPlans = (plans: string[] | undefined): string => {
      const value = JSON.parse(config(RULES)) as { plans?: string[] };
      if (plans === undefined) delete value.plans;
      else value.plans = plans;
      return JSON.stringify(value);
    };
    const planColumn = (stdout: string): string[] => [...new Set([...stdout.matchAll(/^\| ([^|]+\.md) \|/gm)].map((m) => m[1]!.trim()))].sort();

    writeFileSync(join(root, 'cutover.json'), withPlans(['cutover/*.md']));
    const globbed = await runCli(['readiness'], root);
    assert.equal(globbed.code, 2, globbed.stderr);
    assert.deepEqual(planColumn(globbed.stdout), ['cutover/plan.md', 'cutover/rollback-plan.md']);

    // No `plans`: the default patterns, as the Checklist finds them (plan.md at the root is not named like a plan).
    writeFileSync(join(root, 'cutover.json'), withPlans(undefined));
    assert.deepEqual(planColumn((await runCli(['readiness'], root)).stdout), ['cutover/plan.md', 'cutover/rollback-plan.md']);

    writeFileSync(join(root, 'cutover.json'), withPlans(['cutover/plan.md', 'plans/**/*.md']));
    const missing = await runCli(['readiness'], root);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /plans "plans\/\*\*\/\*\.md" in .*cutover\.json match no markdown file/);
  });

  it('refuses an unknown format and a cutover.json with a misspelt rule', async () => {
    assert.equal((await runCli(['readiness', '--format', 'pdf'], root)).code, 3);
    writeFileSync(join(root, 'cutover.json'), config([{ match: 'x', rule: { kind: 'rollbak' } }]));
    const bad = await runCli(['readiness'], root);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /cutover\.json/);
  });

  it('signs off, lists the sign-off as stale once the evidence changes, and reports tampering (exit 1)', async () => {
    writeRecord(root, switchRecord('rollback', '2025-12-01T00:00:00Z', 60_000, 0));
    const signed = await runCli(['signoff', '--role', 'ops', '--by', 'Ada'], root);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match((await runCli(['signoff', '--list'], root)).stdout, /✓ current ops/);

    writeRecord(root, shadowRecord('20251202-120000-000-aaaaaa', [kpiLine('total', 'dq30', 0.1, 0.2)]));
    assert.match((await runCli(['signoff', '--list'], root)).stdout, /⌛ stale\s+ops/);
    assert.match((await runCli(['readiness'], root)).stdout, /STALE: the evidence changed since/);

    const file = join(root, '.cutover', 'signoffs.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"Ada"', '"Mallory"'));
    const listed = await runCli(['signoff', '--list'], root);
    assert.equal(listed.code, 1);
    assert.match(listed.stdout, /tampered: .*signoffs\.json entry 1/);
  });
});
