// ESLint (typescript-eslint, type-aware): the layers as import rules, and the checks that catch real bugs
// (promises nobody awaits or handles, throwing non-errors, accidental concatenation). Style is left to the reviewers.
// `npm run lint`; a stage of `npm test` next to the type-check.
//
// The layers, bottom up:
//   src/core      the engine: no `vscode`, never imports upward
//   src/cli       the `cutover` CLI over core: no `vscode`
//   src/shared    what the extension's features share (run stores, their events, the log, trust)
//   src/views, src/commands, src/webviews   features: import core and shared, never each other; only their
//                 argument types cross (a command takes a view's node), with `import type`
//   src/extension.ts   wires everything; nothing imports it
//   src/webviews/*/app the browser apps: no `vscode`, no Node; the host never imports them
import tseslint from 'typescript-eslint';

/** An import path that climbs (`../`) into one of `folders` of src/. */
const into = (...folders) => `^(\\./|(\\.\\./)+)(${folders.join('|')})(/|$)`;

const restrict = (patterns, paths = []) => ['error', { paths, patterns }];
const noVscode = { name: 'vscode', message: 'src/core and src/cli run without VS Code: pass what you need in from the extension.' };
const layer = (folders, message, allowTypeImports = false) => ({ regex: into(...folders), message, allowTypeImports });
const noExtension = layer(['extension'], 'extension.ts wires everything; nothing imports it.');
const noApp = { regex: '(^|/)app(/|$)', message: 'The webview apps are browser code with the DOM: the host talks to them through protocol.ts only.' };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'examples/**', 'bench/.data/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './src/webviews/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Promises: a floating or misused promise is an error nobody sees.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      // Values that concatenate by accident.
      '@typescript-eslint/restrict-plus-operands': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      '@typescript-eslint/no-duplicate-type-constituents': 'error',
      '@typescript-eslint/no-redundant-type-constituents': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-self-compare': 'error',
      'no-unsafe-finally': 'error',
      'no-fallthrough': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [layer(['cli', 'commands', 'views', 'webviews', 'shared'], 'src/core is the engine: it never imports the CLI or the extension.'), noExtension],
        [noVscode],
      ),
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [layer(['commands', 'views', 'webviews', 'shared'], 'The CLI is built on src/core only.'), noExtension],
        [noVscode],
      ),
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        layer(['cli', 'commands', 'views', 'webviews'], 'src/shared sits under the features: it imports core only.'),
        noExtension,
      ]),
    },
  },
  {
    files: ['src/views/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        layer(['cli', 'commands', 'webviews'], 'Feature folders import core and shared, not each other: extension.ts wires them.'),
        noExtension,
      ]),
    },
  },
  {
    files: ['src/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        layer(['cli', 'webviews'], 'Feature folders import core and shared, not each other: extension.ts wires them.'),
        // A command's argument may be a view's node: its type may cross, its code may not.
        layer(['views'], 'Commands take view nodes as arguments (import type) but never call view code.', true),
        noExtension,
      ]),
    },
  },
  {
    files: ['src/webviews/**/*.ts'],
    ignores: ['src/webviews/*/app/**'],
    rules: {
      'no-restricted-imports': restrict([
        layer(['cli', 'commands', 'views'], 'Feature folders import core and shared, not each other: extension.ts wires them.'),
        noExtension,
        noApp,
      ]),
    },
  },
  {
    files: ['src/webviews/*/app/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [
          { group: ['node:*'], message: 'Webview apps run in a browser: no Node modules.' },
          layer(['cli', 'commands', 'views', 'shared'], 'Webview apps talk to the host through protocol.ts only.'),
          noExtension,
        ],
        [{ name: 'vscode', message: 'Webview apps run in a browser: use acquireVsCodeApi() messages, not the vscode API.' }],
      ),
    },
  },
  {
    // The extension host and the engine have no DOM (tsconfig.json leaves the DOM library out); name the globals too.
    files: ['src/**/*.ts'],
    ignores: ['src/webviews/*/app/**'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'HTMLElement'],
    },
  },
  {
    files: ['src/extension.ts'],
    rules: { 'no-restricted-imports': restrict([noApp]) },
  },
);
