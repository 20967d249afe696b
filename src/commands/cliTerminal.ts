/**
 * Runs the `cutover` CLI in a named integrated terminal: the user sees the live output and the exact command line,
 * and the caller learns the exit code. The CLI runs on the extension host's own Node (process.execPath, with
 * ELECTRON_RUN_AS_NODE for desktop VS Code's Electron) with its arguments as an array: no shell, so paths with
 * spaces, quotes or `$` arrive intact.
 */
import * as vscode from 'vscode';

export interface CliRun {
  readonly terminal: vscode.Terminal;
  /** Resolves with the CLI's exit code (undefined when the terminal was closed before the process ended). */
  readonly exit: Promise<number | undefined>;
  /** Stops the process tree (closing the terminal kills it). */
  cancel(): void;
}

export interface CliLaunch {
  readonly name: string;
  readonly cliPath: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/** How the command line reads when printed (for the terminal's first line and messages). */
export function displayCommand(args: readonly string[]): string {
  return ['cutover', ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function runCliInTerminal(launch: CliLaunch): CliRun {
  const terminal = vscode.window.createTerminal({
    name: launch.name,
    shellPath: process.execPath,
    shellArgs: [launch.cliPath, ...launch.args],
    cwd: launch.cwd,
    env: { ELECTRON_RUN_AS_NODE: '1', FORCE_COLOR: '1' },
    iconPath: new vscode.ThemeIcon('arrow-swap'),
    message: `$ ${displayCommand(launch.args)}`,
  });
  terminal.show(true);
  const exit = new Promise<number | undefined>((resolve) => {
    const listener = vscode.window.onDidCloseTerminal((closed) => {
      if (closed !== terminal) return;
      listener.dispose();
      resolve(closed.exitStatus?.reason === vscode.TerminalExitReason.Process ? closed.exitStatus.code : undefined);
    });
  });
  return { terminal, exit, cancel: () => terminal.dispose() };
}
