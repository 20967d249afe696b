/** Runs the fast mocha unit tests (test/unit/**\/*.test.ts) in this process and reports their counts. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { formatSummary } from './summary';
import { REPO_ROOT } from './workspace';

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return testFiles(full);
    return d.name.endsWith('.test.ts') ? [full] : [];
  }).sort();
}

const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20_000 });
if (process.env.CUTOVER_GREP) mocha.grep(process.env.CUTOVER_GREP);
for (const file of testFiles(path.join(REPO_ROOT, 'test', 'unit'))) mocha.addFile(file);
const runner = mocha.run((failures) => {
  const s = runner.stats;
  process.stdout.write(`${formatSummary({ passes: s?.passes ?? 0, failures: s?.failures ?? failures, pending: s?.pending ?? 0 })}\n`);
  process.exitCode = failures > 0 ? 1 : 0;
});
