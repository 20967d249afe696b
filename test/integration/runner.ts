/**
 * Runs the mocha files next to a suite's index inside the extension host, the way `--extensionTestsPath` expects:
 * `run()` resolves when all passed and rejects otherwise. Works under code-server's payload and @vscode/test-electron.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { formatSummary } from '../host/summary';

export async function runSuiteIn(dir: string): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  const grep = process.env.CUTOVER_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(dir, file));
  }
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((n) => resolve(n));
    runner.on('end', () => {
      const s = runner.stats;
      // Read by test/host/integration.ts to total the counts of every stage.
      console.log(formatSummary({ passes: s?.passes ?? 0, failures: s?.failures ?? 0, pending: s?.pending ?? 0 }));
    });
  });
  if (failures > 0) throw new Error(`${failures} in-host test(s) failed`);
}
