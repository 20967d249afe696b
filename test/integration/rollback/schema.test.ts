/**
 * The JSON schema VS Code validates cutover.json with (package.json `jsonValidation`) and the zod loader the CLI and
 * the extension use agree: the same invalid files get problems at the same lines from both. VS Code's side is read
 * from its diagnostics for an open cutover.json; the loader's from parseConfig.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ConfigValidationError, parseConfig } from '../../../src/core/config/load';
import { EXTENSION_ID, waitFor, workspaceRoot } from '../util';

/** Invalid variants of the example's cutover.json, each breaking one rule. */
function variants(good: string): Record<string, string> {
  const bad = {
    'a budget that is not a number': good.replace(/("forward": \{[^}]*"budgetSeconds": )300/, '$1"soon"'),
    'an unknown top-level key': good.replace('"defaultInput": "sample-10k",', '"defaultInput": "sample-10k",\n  "colour": "blue",'),
    'a pipeline without its command': good.replace('"command": ["node", "pipelines/v2/pipeline.mjs", "--input", "${input}", "--output", "${output}", "--config", "${config}"],', ''),
  };
  for (const [name, text] of Object.entries(bad)) assert.notEqual(text, good, `the example still allows ${name}`);
  return bad;
}

describe('cutover.json: the editor\'s JSON schema and the loader agree (in the extension host)', function () {
  this.timeout(120_000);
  const folder = (): string => path.join(workspaceRoot().fsPath, 'schema-check');

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(folder(), { recursive: true, force: true });
  });

  it('reports each invalid file at the same lines in the editor and in the loader', async function () {
    // The example as shipped (this suite's copy was rewired by the rollback tests), without its "$schema": the
    // editor must find the schema through package.json's jsonValidation, the association under test.
    const shipped = fs.readFileSync(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'examples', 'loan-cutover', 'cutover.json'), 'utf8');
    const good = shipped.replace(/^\s*"\$schema": .*\n/m, '');
    assert.notEqual(good, shipped, 'the example names its $schema');
    fs.mkdirSync(folder(), { recursive: true });
    for (const [name, text] of Object.entries(variants(good))) {
      const file = path.join(folder(), name.replace(/\W+/g, '-'), 'cutover.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      let loaderLines: number[] = [];
      try {
        parseConfig(text, file);
        assert.fail(`the loader accepted ${name}`);
      } catch (error) {
        if (!(error instanceof ConfigValidationError)) throw error;
        loaderLines = [...new Set(error.issues.map((i) => i.line))].sort((a, b) => a - b);
      }
      const uri = vscode.Uri.file(file);
      await vscode.window.showTextDocument(uri);
      const diagnostics = await waitFor(`VS Code's diagnostics for ${name}`, () => {
        const found = vscode.languages.getDiagnostics(uri).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
        return found.length > 0 && found;
      }, 30_000);
      const editorLines = [...new Set(diagnostics.map((d) => d.range.start.line + 1))].sort((a, b) => a - b);
      assert.ok(loaderLines.length > 0);
      assert.deepEqual(editorLines, loaderLines, `${name}: editor ${JSON.stringify(diagnostics.map((d) => d.message))}`);
    }
  });
});
