/** A comparison's verdict as the CLI's exit code (0 pass, 1 fail, 2 inconclusive). */
import type { Verdict } from '../core/engine/types';
import { ExitCode } from '../core/errors';

export function exitCodeOf(verdict: Verdict): ExitCode {
  return verdict === 'pass' ? ExitCode.pass : verdict === 'fail' ? ExitCode.fail : ExitCode.inconclusive;
}
