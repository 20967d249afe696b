import assert from 'node:assert/strict';
import type { StepEnd } from '../../../src/core/switch/verdict';
import { judgeSwitch } from '../../../src/core/switch/verdict';

const exit = (code: number): StepEnd => ({ exitCode: code, signal: null, cancelled: false });

describe('switch verdict', () => {
  const base = { direction: 'rollback' as const, verifyConfigured: true, budgetSeconds: 300 };

  it('passes when both steps exit 0 within the budget', () => {
    assert.deepEqual(judgeSwitch({ ...base, command: exit(0), verify: exit(0), totalMs: 900 }), {
      verdict: 'pass',
      reasons: ['rollback and verify exited 0', 'took 0.9 s ≤ budget 300 s'],
    });
  });

  it('fails over budget with the plan\'s wording, the budget boundary itself being within', () => {
    assert.deepEqual(judgeSwitch({ ...base, command: exit(0), verify: exit(0), totalMs: 312_400 }).reasons, ['took 312.4 s > budget 300 s']);
    assert.equal(judgeSwitch({ ...base, command: exit(0), verify: exit(0), totalMs: 300_000 }).verdict, 'pass');
  });

  it('names the failing step and its exit code or signal, plus the budget when both apply', () => {
    assert.deepEqual(judgeSwitch({ ...base, command: exit(2), totalMs: 400_000 }), {
      verdict: 'fail',
      reasons: ['rollback command exited 2; verify not run', 'took 400.0 s > budget 300 s'],
    });
    assert.deepEqual(judgeSwitch({ ...base, direction: 'forward', command: exit(0), verify: { exitCode: null, signal: 'SIGKILL', cancelled: false }, totalMs: 10 }).reasons, [
      'verify command was killed by SIGKILL after the forward command exited 0',
    ]);
  });
});
