// Bundles the extension (node, `vscode` external), the `cutover` CLI (node) and the in-host test suites with
// esbuild. `--production` minifies; `--watch` rebuilds on change. Native and runtime-resolved packages stay external.
import * as esbuild from 'esbuild';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Packages that cannot be bundled: the editor API, and DuckDB's native binding (loaded lazily at run time). */
const external = ['vscode', '@duckdb/node-api', '@duckdb/node-bindings', 'mocha'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  external,
  // Prefer ESM entry points: some packages' UMD builds (jsonc-parser) require() files esbuild cannot see.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  define: { CUTOVER_VERSION: JSON.stringify(pkg.version) },
};

/**
 * Libraries the extension and the CLI need only on some paths, kept out of their bundles in files of their own
 * (dist/vendor/<name>.js), required on first use: a bundle is parsed whole when it loads, and these two are two
 * thirds of the extension's.
 */
const vendored = ['zod', 'apache-arrow'];
const vendorPlugin = {
  name: 'vendor',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${vendored.join('|')})$`) }, (args) => ({ path: `./vendor/${args.path}.js`, external: true }));
  },
};

function files(dir, suffix) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(files(full, suffix));
    else if (full.endsWith(suffix)) out.push(full);
  }
  return out;
}

const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', plugins: [vendorPlugin] },
  { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, plugins: [vendorPlugin] },
  ...vendored.map((name) => ({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: process.cwd(), loader: 'js' },
    outfile: `dist/vendor/${name}.js`,
  })),
  // The KPI Diff panel's browser app (Lit, vscode-elements, apache-arrow): one ES module loaded by the webview,
  // always minified (it is parsed each time the panel opens).
  { bundle: true, platform: 'browser', format: 'esm', target: 'es2022', entryPoints: { kpiDiff: 'src/webviews/kpiDiff/app/main.ts' }, outdir: 'dist/webview', minify: true, sourcemap: production ? false : 'linked', logLevel: 'warning' },
  // The Dashboard's browser app (Lit, vscode-elements), built the same way.
  { bundle: true, platform: 'browser', format: 'esm', target: 'es2022', entryPoints: { dashboard: 'src/webviews/dashboard/app/main.ts' }, outdir: 'dist/webview', minify: true, sourcemap: production ? false : 'linked', logLevel: 'warning' },
];
if (!production) {
  // Integration suites run inside the extension host: each file becomes one CJS module under out/.
  const suites = [...files('test/integration', '.ts')];
  if (suites.length > 0) {
    builds.push({ ...common, entryPoints: suites, outdir: 'out/test/integration', outbase: 'test/integration' });
  }
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[build] watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
