/**
 * `npm run test:electron`: the same in-host suites as `npm test`, run through @vscode/test-electron in a
 * downloaded VS Code desktop, for machines that can download it (this project's CI cannot; it uses code-server).
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { SUITES } from '../host/integration';
import { REPO_ROOT, copyWorkspace } from '../host/workspace';

async function main(): Promise<void> {
  let failed = 0;
  for (const suite of SUITES) {
    const folder = typeof suite.workspace === 'string' ? copyWorkspace(suite.workspace) : suite.workspace();
    try {
      await runTests({
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', suite.name, 'index.js'),
        launchArgs: [folder, '--disable-extensions', ...(suite.workspaceTrust ? [] : ['--disable-workspace-trust'])],
      });
    } catch (error) {
      failed += 1;
      process.stderr.write(`suite '${suite.name}' failed: ${(error as Error).message}\n`);
    }
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();
