/**
 * `cutover publish [--run ID] --to NAME… [--timeout SECONDS] [--config FILE] [--json]`: writes a run's evidence (record, KPI table,
 * mismatching rows, go/no-go, manifest) to the targets named under `publish` in cutover.json, each verified after
 * writing (core/channels/publish.ts); publishing again leaves one copy. Records a `publish` run. Exit 0 when every
 * target holds a verified copy, 3 usage/config, 4 when a target could not be written (named, with why).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildEvidence } from '../../core/channels/evidence';
import type { Published } from '../../core/channels/publish';
import { publish } from '../../core/channels/publish';
import { Secrets } from '../../core/channels/secrets';
import { loadConfig, locateConfig } from '../../core/config/load';
import { openEngine } from '../../core/engine/duckdb';
import { ExitCode, RuntimeError, UsageError } from '../../core/errors';
import { goNoGoInWorkspace } from '../../core/gate/goNoGo';
import { RunStore } from '../../core/runs/store';
import type { CliContext } from '../context';
import { cancelOnSignals } from '../engine-options';
import { pickRun } from '../pickRun';

interface Options {
  readonly run?: string;
  readonly to: string[];
  readonly config?: string;
  readonly json?: boolean;
  readonly timeout: string;
}

export function registerPublish(program: Command, ctx: CliContext): void {
  program
    .command('publish')
    .description('Publish a run\'s evidence (record, KPI table, mismatching rows, go/no-go, manifest) to targets named under "publish" in cutover.json; verified, idempotent (exit 0 published, 3 usage, 4 error).')
    .option('--run <id>', 'the run to publish: an id or a unique prefix (default: the latest shadow run)')
    .requiredOption('--to <names...>', 'publish targets from cutover.json (folder, azureBlob, supabase)')
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .option('--json', 'print one JSON document on stdout')
    .option('--timeout <seconds>', 'how long one attempt (an Azure request, the database transaction) may take before it is retried', '120')
    .action(async (options: Options) => {
      await publishRun(ctx, options);
    });
}

async function publishRun(ctx: CliContext, options: Options): Promise<void> {
  const timeoutSeconds = Number(options.timeout);
  if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got ${options.timeout}`);
  const loaded = loadConfig(locateConfig(ctx.cwd, options.config));
  const known = Object.keys(loaded.config.publish);
  for (const name of options.to) {
    if (!(name in loaded.config.publish)) throw new UsageError(`no publish target "${name}" in ${loaded.file} (known: ${known.length > 0 ? known.join(', ') : 'none'})`);
  }
  const store = new RunStore(loaded.dir);
  const target = await pickRun(store, options.run);
  const secrets = new Secrets();
  const say = (text: string): void => void (options.json ? ctx.stderr : ctx.stdout).write(`${secrets.redact(text)}\n`);
  const run = await store.begin('publish', {
    argv: ['cutover', 'publish', '--run', target.id, '--to', ...options.to, ...(options.config ? ['--config', options.config] : [])],
    cwd: ctx.cwd,
    id: ctx.runId,
  });
  const cancel = cancelOnSignals();
  const done: Published[] = [];
  const failures: string[] = [];
  try {
    say(`cutover publish · run ${run.id} · evidence of ${target.kind} run ${target.id}`);
    const goNoGo = target.kind === 'shadow' ? await goNoGoInWorkspace(store.workspaceRoot, target, loaded.config.gate) : null;
    const engine = await openEngine({ signal: cancel.signal });
    try {
      for (const name of options.to) {
        const spec = loaded.config.publish[name]!;
        const format = spec.type === 'supabase' ? 'parquet' : spec.format;
        const evidence = await buildEvidence(engine, { record: target, runDir: store.runDir(target.id), goNoGo, format, dir: join(run.dir, 'evidence', name) });
        try {
          const result = await publish(spec, evidence, { name, cwd: loaded.dir, secrets, record: target, timeoutSeconds, note: (m) => void ctx.stderr.write(`cutover: ${secrets.redact(m)}\n`) });
          done.push(result);
          say(`✓ ${name} (${result.type}) ${result.location}: ${result.written ? '' : 'unchanged, '}${result.detail}`);
        } catch (error) {
          const why = `${name}: ${secrets.redact((error as Error).message)}`;
          failures.push(why);
          say(`✗ ${why}`);
        }
      }
    } finally {
      engine.close();
    }
    const results = { publish: { run: target.id, targets: done, failures } };
    // Cancelled: what was published so far is kept in a stopped run, never a pass.
    if (cancel.signal.aborted) {
      await run.fail(cancel.stopped(), { results });
      throw cancel.stopped();
    }
    if (failures.length > 0) {
      await run.fail(new RuntimeError(`could not publish to ${failures.length} of ${options.to.length} targets: ${failures.join('; ')}`), { results });
      ctx.setExitCode(ExitCode.runtime);
    } else {
      await run.finish({ verdict: { verdict: 'pass', reasons: done.map((d) => `${d.target}: ${d.detail}`) }, results });
      ctx.setExitCode(ExitCode.pass);
    }
    if (options.json) ctx.stdout.write(`${secrets.redact(JSON.stringify({ runId: run.id, runDir: run.finalDir, ...results }, null, 2))}\n`);
  } catch (error) {
    const clean = secrets.scrub(cancel.stopped(error));
    if (!run.closed) await run.fail(clean);
    throw clean;
  } finally {
    cancel.dispose();
  }
}
