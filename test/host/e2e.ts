/** Runs the Playwright UI checks (test/e2e/*.e2e.ts) with mocha, after making sure the toolchain is there. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { provision } from './toolchain';
import { formatSummary } from './summary';
import { REPO_ROOT } from './workspace';

async function main(): Promise<void> {
  provision();
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 120_000 });
  const grep = process.env.CUTOVER_GREP;
  if (grep) mocha.grep(grep);
  const dir = path.join(REPO_ROOT, 'test', 'e2e');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.e2e.ts')).sort()) mocha.addFile(path.join(dir, file));
  const runner = mocha.run((failures) => {
    const s = runner.stats;
    process.stdout.write(`${formatSummary({ passes: s?.passes ?? 0, failures: s?.failures ?? failures, pending: s?.pending ?? 0 })}\n`);
    process.exitCode = failures > 0 ? 1 : 0;
  });
}

void main();
