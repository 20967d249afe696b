/**
 * `cutover signoff --role ROLE --by NAME [--note TEXT]`: records a sign-off of the readiness as it is now, with the
 * hash of its evidence set, chained to the previous sign-off (`.cutover/signoffs.json`, core/readiness/signoffs.ts).
 * `cutover signoff --list` shows each role's latest sign-off, stale when the evidence changed since, and reports a
 * tampered file (exit 1). A file that was tampered with is never extended.
 */
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../core/errors';
import { SignoffStore } from '../../core/readiness/signoffs';
import { reviewerName } from '../../core/reviews/reviewer';
import type { CliContext } from '../context';
import { readinessFromCli, type WorkspaceOptions } from './readiness';

interface Options extends WorkspaceOptions {
  readonly role?: string;
  readonly by?: string;
  readonly note?: string;
  readonly list?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerSignoff(program: Command, ctx: CliContext): void {
  program
    .command('signoff')
    .description('Sign off the readiness as it is now (role, name, evidence hash, chained), or --list the sign-offs with their staleness.')
    .option('--role <role>', 'the role signing, e.g. ops, engineering, credit-risk')
    .option('--by <name>', 'who signs (default: git config user.name, else the OS user)')
    .option('--note <text>', 'a note kept with the sign-off')
    .option('--list', 'list the latest sign-off of each role, stale or current; exit 1 when the file was tampered with')
    .option('--plan <file>', 'a plan file (repeatable; default: the plans cutover.json names)', collect)
    .option('--config <file>', 'the cutover.json to use (default: the nearest one from the current folder up)')
    .action(async (options: Options) => {
      const { readiness, root } = await readinessFromCli(ctx, options);
      if (options.list) {
        const lines = readiness.signoffs.map((s) => `  ${s.stale ? '⌛ stale  ' : '✓ current'} ${s.role.padEnd(14)} ${s.by} at ${s.at} (readiness then: ${s.verdict})`);
        if (lines.length === 0) lines.push('  no sign-off yet');
        for (const p of readiness.signoffProblems) lines.push(`  ✗ tampered: ${p.file}${p.entry !== undefined ? ` entry ${p.entry}` : ''}: ${p.message}`);
        ctx.stdout.write(`Sign-offs (evidence now ${readiness.evidenceHash.slice(0, 16)}…):\n${lines.join('\n')}\n`);
        ctx.setExitCode(readiness.signoffProblems.length > 0 ? ExitCode.fail : ExitCode.pass);
        return;
      }
      if (options.role === undefined) throw new UsageError('--role is required (or --list)');
      const by = options.by ?? await reviewerName(root);
      const entry = await new SignoffStore(root).sign({ role: options.role, by, note: options.note, verdict: readiness.verdict, evidenceHash: readiness.evidenceHash });
      ctx.stdout.write(`Signed off as ${entry.role} by ${entry.by} at ${entry.at}; readiness ${readiness.verdict}, evidence ${entry.evidenceHash.slice(0, 16)}…\n`);
      ctx.setExitCode(ExitCode.pass);
    });
}
