import { runSuiteIn } from '../runner';

/** Not part of `npm test`: bench/activation.bench.ts runs it to time activation inside a real extension host. */
export function run(): Promise<void> {
  return runSuiteIn(__dirname);
}
