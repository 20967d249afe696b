/** Throwaway copies of workspaces, so tests that edit files never touch the repository. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Copies `source` (relative to the repo or absolute) into a new temp folder, skipping generated data and runs. */
export function copyWorkspace(source: string, skip: readonly string[] = ['data', 'output', '.cutover', 'node_modules']): string {
  const from = path.resolve(REPO_ROOT, source);
  const to = fs.mkdtempSync(path.join(os.tmpdir(), `cutover-ws-${path.basename(from)}-`));
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) => !skip.includes(path.relative(from, src).split(path.sep)[0] ?? ''),
  });
  // The example pipelines import @duckdb/node-api; resolve it from the repository as they would in place.
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(to, 'node_modules'), 'dir');
  return to;
}

/** A copy of the example workspace with its generated input data (10k loans, daily partitions, edge profiles). */
export function exampleWithData(): string {
  const folder = copyWorkspace('examples/loan-cutover');
  execFileSync(process.execPath, ['scripts/generate-data.mjs'], { cwd: folder, stdio: 'ignore' });
  return folder;
}

/** A new temp workspace holding exactly `files` (relative path → content). */
export function workspaceWith(files: Record<string, string | Buffer>): string {
  const to = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-ws-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(to, name)), { recursive: true });
    fs.writeFileSync(path.join(to, name), content);
  }
  return to;
}
