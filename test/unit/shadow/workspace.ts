// A fresh copy of examples/loan-cutover with its data generated, and a variant of its cutover.json whose V2 fails.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repo = resolve(__dirname, '..', '..', '..');
const example = join(repo, 'examples', 'loan-cutover');

/** Copies the example (without data, outputs or runs) into a temp folder and runs its generator with `generate`. */
export function exampleWorkspace(prefix: string, generate: readonly string[]): string {
  const ws = mkdtempSync(join(tmpdir(), prefix));
  cpSync(example, ws, { recursive: true, filter: (src) => !/[\\/](data|output|\.cutover)$/.test(src) && !/active-pipeline/.test(src) });
  // The pipelines import @duckdb/node-api; resolve it from the repository.
  symlinkSync(join(repo, 'node_modules'), join(ws, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(ws, 'scripts', 'generate-data.mjs'), ...generate], { cwd: ws, stdio: 'ignore' });
  return ws;
}

/** Writes `<ws>/<name>`: the workspace's cutover.json with a V2 that prints "v2 blew up" and exits 7. */
export function writeFailingV2Config(ws: string, name: string): void {
  const config = readFileSync(join(ws, 'cutover.json'), 'utf8').replace(
    '"command": ["node", "pipelines/v2/pipeline.mjs"',
    '"command": ["node", "-e", "console.error(\'v2 blew up\'); process.exit(7)", "--", "pipelines/v2/pipeline.mjs"',
  );
  writeFileSync(join(ws, name), config);
}
