/**
 * `cutover explain [--run ID] [--parallel N] [--config FILE] [--json]`: which configuration change moved which KPI.
 * For a shadow run (default the latest), runs V2 once per key in which V1's and V2's configuration files differ,
 * with that key set back to V1's value, and once with every key set back (N keys → N + 1 runs, said before they
 * start), compares each with the run's V1 output and attributes every KPI line that did not pass to a key, to an
 * interaction of keys, or to the code. Records an `explain` run with every sub-run's log.
 *
 * Exit code: 0 when every line that did not pass is attributed; 2 when some stay unknown (a run rejected or failed),
 * or when it is cancelled (Ctrl+C, the extension's Cancel: recorded `stopped` with the sub-runs so far); 4 when
 * explain itself fails.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, locateConfig } from '../../core/config/load';
import { ExitCode, UsageError } from '../../core/errors';
import { formatKeyEffect } from '../../core/explain/format';
import type { ExplainEvent } from '../../core/explain/run';
import { planExplain, runExplain } from '../../core/explain/run';
import { formatConfigValue } from '../../core/explain/configKeys';
import { formatPercent } from '../../core/percent';
import type { ExplainResults } from '../../core/runs/results';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import { cancelOnSignals } from '../engine-options';
import { pickRun } from '../pickRun';

interface Options {
  readonly run?: string;
  readonly parallel?: string;
  readonly config?: string;
  readonly json?: boolean;
}

export function registerExplain(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('Which configuration change moved which KPI: V2 rerun with each differing key set back to V1 (N keys → N + 1 runs); exit 0 all attributed, 2 some unknown, 4 error.')
    .option('--run <id>', 'the shadow run to explain, an id or a unique prefix (default: the latest shadow run)')
    .option('--parallel <n>', 'pipeline runs at once (default: the number of cores)')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .option('--json', 'print one JSON document on stdout (progress goes to stderr)')
    .action(async (options: Options) => {
      await explain(ctx, options);
    });
}

function parallelOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--parallel: expected a whole number ≥ 1, got "${text}"`);
  return n;
}

async function explain(ctx: CliContext, options: Options): Promise<void> {
  const parallel = parallelOf(options.parallel);
  const loaded = loadConfig(locateConfig(ctx.cwd, options.config));
  const store = new RunStore(loaded.dir);
  const shadow = await pickRun(store, options.run);
  const plan = await planExplain(loaded, shadow, store.runDir(shadow.id));
  const out = options.json ? ctx.stderr : ctx.stdout;
  const say = (text: string): void => void out.write(`${text}\n`);

  say(`cutover explain · shadow run ${shadow.id}`);
  say(`${plan.keys.length} configuration key${plan.keys.length === 1 ? '' : 's'} differ between ${relative(ctx.cwd, plan.files.v1) || plan.files.v1} and ${relative(ctx.cwd, plan.files.v2) || plan.files.v2}` +
    ` → ${plan.runs} V2 run${plan.runs === 1 ? '' : 's'} (${plan.keys.length === 0 ? 'nothing to revert' : `one per key, one with all reverted; ${parallel ?? 'one per core'} at once`})`);
  for (const k of plan.keys) say(`  ${k.key}: ${formatConfigValue(k.v1)} → ${formatConfigValue(k.v2)}`);

  const argv = ['cutover', 'explain', '--run', shadow.id, ...(options.parallel ? ['--parallel', options.parallel] : []), ...(options.config ? ['--config', options.config] : [])];
  const run = await store.begin('explain', { argv, cwd: ctx.cwd, id: ctx.runId, thresholds: { shadowRun: shadow.id, ...shadow.thresholds } });
  const controller = cancelOnSignals();
  try {
    await run.addFile('inputs', plan.files.v1, { role: 'config-v1' });
    await run.addFile('inputs', plan.files.v2, { role: 'config-v2' });
    const results = await run.phase('explain', () =>
      runExplain({
        loaded,
        plan,
        runDir: run.dir,
        logPath: (name) => run.logPath(name),
        relative: (path) => run.relative(path),
        ...(parallel !== undefined ? { parallel } : {}),
        signal: controller.signal,
        onEvent: (e) => say(formatEvent(e)),
        onCommand: (c) => run.addCommand({ ...c, argv: [...c.argv] }),
      }),
    );
    if (controller.signal.aborted) {
      // Cancelled: the sub-runs so far are kept in a stopped run, no verdict (exit 2).
      const record = await run.fail(controller.stopped(), { results: { explain: results } });
      ctx.stderr.write(`■ explain ${record.error?.message ?? 'stopped'}; recorded as stopped: ${relative(ctx.cwd, run.finalDir)}\n`);
      ctx.setExitCode(ExitCode.inconclusive);
      return;
    }
    const unknown = results.counts.unknown;
    const reasons = unknown > 0 ? [`${unknown} of ${results.counts.lines} lines not attributed: a run was rejected or failed`] : [];
    // The verdict says whether the explanation is complete; it never judges the cutover itself.
    const record = await run.finish({ verdict: { verdict: unknown > 0 ? 'inconclusive' : 'pass', reasons }, results: { input: shadow.results.input, explain: results } });
    if (options.json) ctx.stdout.write(`${JSON.stringify({ runId: record.id, runDir: run.finalDir, explain: results }, null, 2)}\n`);
    else ctx.stdout.write(formatSummary(results, record.id, relative(ctx.cwd, run.finalDir) || '.'));
    ctx.setExitCode(unknown > 0 ? ExitCode.inconclusive : ExitCode.pass);
  } catch (error) {
    const ended = controller.stopped(error);
    await run.fail(ended).catch((recording: unknown) => {
      ctx.stderr.write(`cutover: could not record run ${run.id} as ended: ${recording instanceof Error ? recording.message : String(recording)}\n`);
    });
    throw ended;
  } finally {
    controller.dispose();
  }
}

function formatEvent(e: ExplainEvent): string {
  if (e.type === 'start') return `▶ ${e.name}  V2 with ${e.keys.join(', ')} set back to V1`;
  const mark = e.run.status === 'ok' ? '✓' : '✗';
  return `${mark} ${e.name} ${e.run.status} in ${(e.ms / 1000).toFixed(1)} s${e.run.reason ? ` — ${e.run.reason.split('\n')[0]}` : ''}`;
}

function formatSummary(r: ExplainResults, id: string, dir: string): string {
  const lines = [''];
  lines.push('Keys:');
  for (const k of r.keys) lines.push(`  ${k.key.padEnd(28)} ${formatKeyEffect(k)}`);
  const c = r.counts;
  lines.push('', `KPI lines that did not pass: ${c.lines} · ${c.key} by one key · ${c.interaction} by an interaction · ${c.code} by the code · ${c.unknown} unknown`);
  const byCause = new Map<string, number>();
  for (const l of r.lines) byCause.set(l.cause, (byCause.get(l.cause) ?? 0) + 1);
  for (const [cause, n] of [...byCause.entries()].sort((a, b) => b[1] - a[1])) lines.push(`  ${cause.padEnd(28)} ${n} line${n === 1 ? '' : 's'}`);
  const code = r.lines.filter((l) => l.causeKind === 'code' || l.causeKind === 'unknown').slice(0, 5);
  for (const l of code) lines.push(`  ${l.kpi} [${l.segment}] ${formatPercent(l.relVariance)}: ${l.reason}`);
  lines.push(`Run ${id}: ${dir}`, '');
  return lines.join('\n');
}
