// `npm run package`: a platform-specific .vsix for this machine (DuckDB's native binding makes it one).
// Builds the production bundles, copies DuckDB's packages next to them (dist/node_modules, where the bundles'
// require() finds them), then runs vsce with --target.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const target = `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
const packages = ['@duckdb/node-api', '@duckdb/node-bindings', `@duckdb/node-bindings-${target}`];

execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
rmSync('dist/node_modules', { recursive: true, force: true });
for (const name of packages) {
  const from = join('node_modules', name);
  if (!existsSync(from)) throw new Error(`${from} is missing: run npm install on a ${target} machine`);
  cpSync(from, join('dist', 'node_modules', name), { recursive: true, dereference: true });
}
// The README's screenshots stay relative links to media/ inside the package (there is no public repository to
// point them at); VS Code shows them from the installed extension.
execFileSync(join('node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '--target', target, ...process.argv.slice(2)], { stdio: 'inherit' });
