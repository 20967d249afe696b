/**
 * Puts this very `cutover` on the PATH of the commands it runs (runbook steps), so a runbook says `cutover gate`
 * and gets the same CLI and Node that runs it — from the extension's terminal, a shell or CI alike — without the
 * CLI being installed globally.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export async function withSelfOnPath<T>(work: (env: Record<string, string>) => Promise<T>): Promise<T> {
  // Only as the bundled CLI (dist/cli.js): run in-process by tests, there is no script to point at.
  const script = require.main?.filename;
  if (!script || path.basename(script) !== 'cli.js') return work({});
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-bin-'));
  try {
    const shim = path.join(dir, 'cutover');
    await writeFile(shim, `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(path.resolve(script))} "$@"\n`);
    await chmod(shim, 0o755);
    return await work({ PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
