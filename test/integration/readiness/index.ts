import { runSuiteIn } from '../runner';

export function run(): Promise<void> {
  return runSuiteIn(__dirname);
}
