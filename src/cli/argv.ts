import type { Command } from 'commander';

/** The command line as typed, for the run record. */
export function typedArgv(cmd: Command): string[] {
  // commander keeps the parsed words on the root command; its typings do not declare the field.
  const root = cmd.parent as (Command & { rawArgs?: string[] }) | null;
  return ['cutover', ...(root?.rawArgs ?? [])];
}
