/**
 * `npm test`: type-check, lint, unit tests, the bundle, the in-host integration suites in a real VS Code (code-server),
 * then the Playwright UI checks. First the machine is provisioned (the Debian packages of system-packages.json, then
 * the test VS Code), so a machine that cannot be set up stops with one message before any stage. Every stage runs
 * even when an earlier one failed (so one run shows all problems), and the run ends with one total line.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { parseSummary, type Counts } from './summary';
import { provision } from './toolchain';
import { REPO_ROOT } from './workspace';

interface Stage {
  readonly name: string;
  readonly command: readonly string[];
  /** Stages that report test counts print a CUTOVER-SUMMARY line; the others pass or fail as a whole. */
  readonly counts: boolean;
}

const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const STAGES: readonly Stage[] = [
  { name: 'type-check', command: [path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), '-p', '.', '--noEmit'], counts: false },
  { name: 'type-check (webview apps, with the DOM)', command: [path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), '-p', 'src/webviews', '--noEmit'], counts: false },
  { name: 'lint (ESLint: the layers and promise checks)', command: [path.join(REPO_ROOT, 'node_modules', '.bin', 'eslint'), '.'], counts: false },
  { name: 'unit tests', command: [tsx, 'test/host/unit.ts'], counts: true },
  { name: 'bundle', command: [process.execPath, 'scripts/build.mjs'], counts: false },
  { name: 'in-host integration tests (code-server)', command: [tsx, 'test/host/integration.ts'], counts: true },
  { name: 'UI checks (Playwright + Chromium)', command: [tsx, 'test/host/e2e.ts'], counts: true },
];

function runStage(stage: Stage): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const [command, ...args] = stage.command;
    const child = spawn(command!, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      process.stdout.write(text.split('\n').filter((l) => !l.includes('CUTOVER-SUMMARY ')).join('\n'));
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  process.stdout.write('▶ provisioning: the Debian packages (system-packages.json), then the test VS Code '
    + '(code-server + Node 24; cached after the first run)\n');
  provision();
  const total: Counts = { passes: 0, failures: 0, pending: 0 };
  const failedStages: string[] = [];
  for (const stage of STAGES) {
    process.stdout.write(`\n━━ ${stage.name} ━━\n`);
    const t0 = Date.now();
    const { code, output } = await runStage(stage);
    const counts = stage.counts ? parseSummary(output) : undefined;
    if (counts) {
      total.passes += counts.passes;
      total.failures += counts.failures;
      total.pending += counts.pending;
    }
    if (code !== 0) {
      failedStages.push(stage.name);
      if (!counts || counts.failures === 0) total.failures += 1; // a stage that died without counting still fails
    } else if (stage.counts && (!counts || counts.passes === 0)) {
      failedStages.push(`${stage.name} (ran no test)`);
      total.failures += 1;
    }
    process.stdout.write(`── ${stage.name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(`\nnpm test finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(failedStages.length > 0 ? `; failed: ${failedStages.join(', ')}\n` : '\n');
  process.stdout.write(`total: ${total.passes} passed, ${total.failures} failed, ${total.pending} skipped\n`);
  process.exitCode = failedStages.length > 0 ? 1 : 0;
}

void main().catch((error: unknown) => {
  process.stderr.write(`npm test could not run: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
