/**
 * Runs the in-host mocha suites (test/integration/<suite>/) inside a real VS Code extension host: code-server
 * with the smoke-test driver, our extension loaded through the workbench `payload`, the suite's bundled index.js
 * as extensionTestsPath. The host's console is streamed here; the exit code is the suite's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { provision } from './toolchain';
import { startServer } from './server';
import { launchBrowser, openWorkbench } from './workbench';
import { copyWorkspace, exampleWithData, REPO_ROOT, workspaceWith } from './workspace';
import { formatSummary, parseSummary, type Counts } from './summary';

export interface SuiteSpec {
  readonly name: string;
  /** Workspace copied to a temp folder and opened for the suite, or a function that builds one. */
  readonly workspace: string | (() => string);
  readonly settings?: Record<string, unknown>;
  readonly workspaceTrust?: boolean;
}

/** Every in-host suite, each in a fresh server on a fresh copy of its workspace. */
export const SUITES: readonly SuiteSpec[] = [
  {
    name: 'checklist',
    // The seed plan found by the default pattern, next to a markdown file with tasks that must NOT be claimed.
    workspace: () => workspaceWith({
      'week3-cutover-plan.md': fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/plans/week3-cutover-plan.md')),
      'docs/notes.md': '# Notes\n\n- [ ] not a cutover task\n',
    }),
  },
  { name: 'runs', workspace: () => exampleWithData() },
  { name: 'runbooks', workspace: () => copyWorkspace('examples/loan-cutover') },
  { name: 'rollback', workspace: () => copyWorkspace('examples/loan-cutover') },
  { name: 'readiness', workspace: () => copyWorkspace('examples/loan-cutover') },
  { name: 'kpidiff', workspace: () => exampleWithData() },
  { name: 'dashboard', workspace: () => copyWorkspace('examples/loan-cutover') },
  { name: 'explain', workspace: () => exampleWithData() },
  { name: 'untrusted', workspace: () => exampleWithData(), workspaceTrust: true },
  {
    name: 'settings',
    // A plan the default pattern would claim, and the one the setting names instead.
    workspace: () => workspaceWith({
      'week3-cutover-plan.md': fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/plans/week3-cutover-plan.md')),
      'ops/go-live.md': '# Go-live\n\n## Steps\n\n- [ ] one\n- [x] two\n',
    }),
    settings: { 'cutover.plans': ['ops/*.md'], 'cutover.checklist.saveAfterToggle': false },
  },
];

/** Workbench chatter expected on a machine without internet (marketplace queries, vsda, policy gates). */
const OFFLINE_NOISE = /open-vsx\.org|ENOTFOUND|vsda|\[AccountPolicyGate\]|marketplace|authentication provider 'github'/i;
const SUITE_TIMEOUT_MS = Number(process.env.CUTOVER_SUITE_TIMEOUT_MS ?? 300_000);
export async function runSuite(spec: SuiteSpec, options: { echo?: boolean } = {}): Promise<Counts & { output: string }> {
  const echo = options.echo ?? true;
  const toolchain = provision();
  const folder = typeof spec.workspace === 'string' ? copyWorkspace(spec.workspace) : spec.workspace();
  const server = await startServer(toolchain, { smokeTestDriver: true, settings: spec.settings, workspaceTrust: spec.workspaceTrust });
  const browser = await launchBrowser();
  let output = '';
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(
        `suite '${spec.name}' did not finish within ${SUITE_TIMEOUT_MS / 1000} s (a hung test, or the extension host never loaded the tests: check ${server.logFile})`)), SUITE_TIMEOUT_MS);
      void openWorkbench(browser, server, {
        folder,
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', spec.name, 'index.js'),
        // CUTOVER_TEST_HOOKS: the extension registers its test-only commands (src/testHooks.ts).
        extensionEnvironment: { CUTOVER_TEST_WORKSPACE: folder, CUTOVER_TEST_HOOKS: '1' },
      }, async (page) => {
        await page.exposeFunction('codeAutomationLog', (_level: unknown, args: unknown) => {
          // Arguments arrive as console.log got them (mocha's reporter passes format strings).
          const text = format(...(Array.isArray(args) ? args : [args]));
          if (OFFLINE_NOISE.test(text)) return;
          output += `${text}\n`;
          if (echo) process.stdout.write(`${text}\n`);
        });
        await page.exposeFunction('codeAutomationExit', (code: number) => {
          clearTimeout(timer);
          resolve(code);
        });
      }).catch((e: unknown) => { clearTimeout(timer); reject(e as Error); });
    });
    const counts = parseSummary(output) ?? { passes: 0, failures: exitCode === 0 ? 0 : 1, pending: 0 };
    if (exitCode !== 0 && counts.failures === 0) counts.failures = 1;
    // A suite that ran no test proves nothing (no test file bundled, a grep that matches nothing, a describe that
    // never registered): it fails, as a whole stage with no test does in run-all.ts.
    if (counts.passes === 0 && counts.failures === 0) {
      const line = `✗ suite '${spec.name}' ran no test inside the host`;
      output += `${line}\n`;
      if (echo) process.stdout.write(`${line}\n`);
      counts.failures = 1;
    }
    return { ...counts, output };
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const total: Counts = { passes: 0, failures: 0, pending: 0 };
  for (const spec of SUITES.filter((s) => only.length === 0 || only.includes(s.name))) {
    process.stdout.write(`\n▶ in-host suite '${spec.name}'\n`);
    try {
      const counts = await runSuite(spec);
      total.passes += counts.passes;
      total.failures += counts.failures;
      total.pending += counts.pending;
    } catch (error) {
      process.stdout.write(`✗ suite '${spec.name}': ${(error as Error).message}\n`);
      total.failures += 1;
    }
  }
  process.stdout.write(`${formatSummary(total)}\n`);
  process.exitCode = total.failures > 0 ? 1 : 0;
}

if (require.main === module) void main();
