/**
 * `cutover runbook list [FOLDER|FILE]`: the runbooks and their steps. `cutover runbook run <file>`: runs the steps
 * in bash from the workspace folder, in order, stopping at the first failure (exit 1); manual steps are skipped.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Command } from 'commander';
import { findConfig, loadConfig } from '../../core/config/load';
import { ExitCode, undefinedIfNotFound, UsageError } from '../../core/errors';
import type { StepEvent } from '../../core/runbook/execute';
import { runSteps, selectSteps } from '../../core/runbook/execute';
import { withSelfOnPath } from '../selfOnPath';
import { discoverRunbooks, readRunbookFile } from '../../core/runbook/files';
import type { Runbook, RunbookStep, StepResult } from '../../core/runbook/model';
import { parseRunbook } from '../../core/runbook/parse';
import { runAndRecord } from '../../core/runbook/record';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import { cancelOnSignals } from '../engine-options';

interface LoadedRunbook {
  /** The path as shown to the user (relative to the current folder when inside it). */
  readonly file: string;
  readonly runbook: Runbook;
}

const NO_STEPS = 'no steps found (a step is a "##" heading, or a numbered list item that holds a ```sh block)';

export function registerRunbook(program: Command, ctx: CliContext): void {
  const runbook = program
    .command('runbook')
    .description('List and run the markdown runbooks of the workspace.');

  runbook
    .command('list')
    .description('List runbooks and their steps with line numbers.')
    .argument('[target]', 'a runbook file or a folder of runbooks (default: the "runbooks" folder of cutover.json)')
    .option('--json', 'print one JSON document (lines are 1-based)')
    .action(async (target: string | undefined, options: { json?: boolean }) => {
      const files = await runbookFiles(ctx.cwd, target);
      const loaded: LoadedRunbook[] = [];
      for (const file of files) loaded.push(await load(ctx.cwd, file));
      if (options.json) ctx.stdout.write(`${JSON.stringify({ runbooks: loaded.map(listJson) }, null, 2)}\n`);
      else ctx.stdout.write(files.length === 0 ? `no runbooks (.md files) in ${target ?? 'the runbooks folder'}\n` : loaded.map(formatRunbook).join('\n'));
    });

  runbook
    .command('run')
    .description('Run a runbook\'s steps in order, stopping at the first failure. Exit 0 when every runnable step passed, 1 when one failed.')
    .argument('<file>', 'the runbook (markdown)')
    .option('--step <id>', 'run only this step (its number from `runbook list`, e.g. 2 or 2.1)')
    .option('--from <id>', 'start at this step and run the rest')
    .option('--json', 'print one JSON document with the step results (progress and step output go to stderr)')
    .option('--no-record', 'do not record the run in the workspace\'s .cutover/runs')
    .action(async (file: string, options: { step?: string; from?: string; json?: boolean; record: boolean }) => {
      if (options.step !== undefined && options.from !== undefined) throw new UsageError('use --step or --from, not both');
      const abs = path.resolve(ctx.cwd, file);
      const { runbook } = await load(ctx.cwd, abs);
      if (runbook.steps.length === 0) throw new UsageError(NO_STEPS, { file });
      // "3." as printed by `runbook list` means step 3.
      const id = (value: string): string => value.trim().replace(/\.$/, '');
      const selection = { ...(options.step !== undefined && { only: id(options.step) }), ...(options.from !== undefined && { from: id(options.from) }) };
      // Validates the ids before anything runs.
      selectSteps(runbook, selection);
      const cwd = workspaceOf(abs);
      const out = options.json ? ctx.stderr : ctx.stdout;

      // Ctrl-C (SIGINT) and the extension's Cancel (SIGTERM) cancel the step's process group (it runs detached, so
      // the terminal's SIGINT does not reach it); the run is recorded stopped.
      const controller = cancelOnSignals();
      let results: StepResult[];
      let runId: string | undefined;
      try {
        out.write(`${file}: ${runbook.title || path.basename(file)} · in ${cwd}\n`);
        ({ results, runId } = await withSelfOnPath(async (env) => {
          const runOptions = {
            ...selection,
            cwd,
            env,
            stdout: out,
            stderr: ctx.stderr,
            signal: controller.signal,
            onStep: (event: StepEvent) => out.write(formatEvent(event)),
          };
          if (!options.record) return { results: await runSteps(runbook, runOptions), runId: undefined };
          const recorded = await runAndRecord(runbook, { ...runOptions, workspace: cwd, file: abs, argv: commandLine(file, options), runId: ctx.runId });
          return { results: recorded.results, runId: recorded.record.id };
        }));
      } finally {
        controller.dispose();
      }
      const failed = results.find((r) => r.state === 'failed');
      out.write(summary(runbook, results, controller.signal.aborted));
      if (runId !== undefined) out.write(`Run ${runId}: ${path.relative(cwd, path.join(new RunStore(cwd).runDir(runId)))}\n`);
      if (options.json) {
        const doc = {
          file,
          title: runbook.title,
          cwd,
          ...(runId !== undefined && { runId }),
          passed: failed === undefined,
          totals: totals(results),
          results: results.map((r) => ({ ...r, line: lineOf(runbook, r.stepId) + 1 })),
        };
        ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      }
      // Cancelled: no verdict (exit 2), whatever the interrupted step returned.
      ctx.setExitCode(controller.signal.aborted ? ExitCode.inconclusive : failed ? ExitCode.fail : ExitCode.pass);
    });
}

function commandLine(file: string, options: { step?: string; from?: string; json?: boolean }): string[] {
  return [
    'cutover', 'runbook', 'run', file,
    ...(options.step !== undefined ? ['--step', options.step] : []),
    ...(options.from !== undefined ? ['--from', options.from] : []),
    ...(options.json ? ['--json'] : []),
  ];
}

/** The runbook files a `list` target names: a file, a folder's runbooks, or the folder cutover.json configures. */
async function runbookFiles(cwd: string, target: string | undefined): Promise<string[]> {
  if (target !== undefined) {
    const abs = path.resolve(cwd, target);
    const info = await stat(abs).catch(undefinedIfNotFound);
    // A missing path goes to discovery, which names it in a usage error.
    return info?.isFile() ? [abs] : discoverRunbooks(abs);
  }
  const config = findConfig(cwd);
  if (config === undefined) throw new UsageError(`no runbook file or folder given, and no cutover.json in ${cwd} or above it to name one`);
  const loaded = loadConfig(config);
  return discoverRunbooks(path.resolve(loaded.dir, loaded.config.runbooks));
}

async function load(cwd: string, abs: string): Promise<LoadedRunbook> {
  const shown = displayPath(cwd, abs);
  return { file: shown, runbook: parseRunbook(await readRunbookFile(abs)) };
}

function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

/** Steps run from the workspace: the folder of the nearest cutover.json above the runbook, else the runbook's folder. */
function workspaceOf(file: string): string {
  const config = findConfig(path.dirname(file));
  return config === undefined ? path.dirname(file) : path.dirname(config);
}

function label(step: RunbookStep): string {
  return step.id.includes('.') ? `${step.id} ${step.title}` : `${step.id}. ${step.title}`;
}

function formatEvent(event: StepEvent): string {
  switch (event.phase) {
    case 'start':
      return `\n▶ ${label(event.step)}\n`;
    case 'block':
      return `${event.block.code.replace(/\n$/, '').split('\n').map((l, i) => `${i === 0 ? '$' : '>'} ${l}`).join('\n')}\n`;
    case 'block-end':
      return '';
    case 'end': {
      const { result } = event;
      if (result.state === 'manual') return `○ ${label(event.step)} · manual, not run\n`;
      if (result.state === 'not-run') return `– ${label(event.step)} · not run\n`;
      const mark = result.state === 'passed' ? '✓' : '✗';
      const by = result.signal !== undefined ? ` (${result.signal})` : '';
      return `${mark} exit ${result.exitCode}${by} in ${seconds(result.ms ?? 0)}\n`;
    }
  }
}

function summary(runbook: Runbook, results: readonly StepResult[], aborted: boolean): string {
  const t = totals(results);
  const parts = [`${t.passed} passed`, `${t.failed} failed`, `${t.notRun} not run`, `${t.manual} manual`];
  const ms = results.reduce((sum, r) => sum + (r.ms ?? 0), 0);
  const failed = results.find((r) => r.state === 'failed');
  const stop = failed
    ? ` — ${aborted ? 'cancelled' : 'stopped'} at step ${failed.stepId} (${failed.title}, line ${lineOf(runbook, failed.stepId) + 1})`
    : '';
  return `\n${parts.join(', ')} in ${seconds(ms)}${stop}\n`;
}

function totals(results: readonly StepResult[]): { passed: number; failed: number; notRun: number; manual: number } {
  const count = (state: StepResult['state']): number => results.filter((r) => r.state === state).length;
  return { passed: count('passed'), failed: count('failed'), notRun: count('not-run'), manual: count('manual') };
}

function lineOf(runbook: Runbook, stepId: string): number {
  return runbook.steps.find((s) => s.id === stepId)?.line ?? 0;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One runbook as an outline with a gutter of 1-based line numbers. */
function formatRunbook({ file, runbook }: LoadedRunbook): string {
  if (runbook.steps.length === 0) return `${file}: ${NO_STEPS}\n`;
  const actions = runbook.steps.filter((s) => !s.group);
  const runnable = actions.filter((s) => s.runnable).length;
  const header = `${file}: ${runbook.title || '(untitled)'} — ${actions.length} steps, ${runnable} runnable, ${actions.length - runnable} manual\n`;
  const width = String(Math.max(...runbook.steps.map((s) => s.line + 1))).length;
  const rows = runbook.steps.map((step) => {
    const indent = '  '.repeat(step.id.split('.').length - 1);
    return `${String(step.line + 1).padStart(width + 2)}  ${indent}${label(step)}${stepTag(step)}\n`;
  });
  return header + rows.join('');
}

function stepTag(step: RunbookStep): string {
  if (step.group) return '';
  if (step.blocks.length === 0) return '  · manual';
  const langs = step.blocks.map((b) => `${b.lang || 'shell'}${b.runnable ? '' : ' (shown)'}`);
  return `  · ${step.runnable ? '' : 'manual, '}${langs.join(', ')}`;
}

function listJson({ file, runbook }: LoadedRunbook): unknown {
  return {
    file,
    title: runbook.title,
    steps: runbook.steps.map((s) => ({
      id: s.id,
      title: s.title,
      line: s.line + 1,
      kind: s.kind,
      ...(s.parent !== undefined && { parent: s.parent }),
      runnable: s.runnable,
      group: s.group,
      blocks: s.blocks.map((b) => ({ lang: b.lang, line: b.line + 1, runnable: b.runnable, code: b.code })),
    })),
  };
}
