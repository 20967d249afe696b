/**
 * Runs the `cutover` CLI in a named integrated terminal: the user sees the exact command line and the live output,
 * the terminal stays open after the run so the output can be read, and the caller learns the exit code.
 *
 * The terminal is a pseudoterminal fed by a child process the extension owns: that gives the exact exit code,
 * a terminal that is not torn down (with an error toast) when the process exits non-zero, and cancellation of the
 * whole process tree. The CLI runs on the extension host's own Node (process.execPath; ELECTRON_RUN_AS_NODE makes
 * desktop VS Code's Electron act as Node) with its arguments as an array: no shell, so paths with spaces, quotes
 * or `$` arrive intact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { logError, logWarning } from '../shared/log';

export interface CliRun {
  readonly terminal: vscode.Terminal;
  /** Resolves with the CLI's exit code; undefined when it was cancelled or could not start. */
  readonly exit: Promise<number | undefined>;
  /** Stops the process tree; the terminal stays open with a note. */
  cancel(): void;
}

export interface CliLaunch {
  readonly name: string;
  readonly cliPath: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to the CLI's environment (channel secrets): never shown, never on the command line. */
  readonly env?: Readonly<Record<string, string>>;
}

/** How the command line reads when printed (quoted for a POSIX shell, so it can be copied and re-run). */
export function displayCommand(args: readonly string[]): string {
  return ['cutover', ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export function runCliInTerminal(launch: CliLaunch): CliRun {
  const write = new vscode.EventEmitter<string>();
  let child: ChildProcess | undefined;
  let cancelled = false;
  let settle: (code: number | undefined) => void = () => undefined;
  const exit = new Promise<number | undefined>((resolve) => { settle = resolve; });
  const out = (text: string): void => write.fire(text.replace(/\r?\n/g, '\r\n'));
  const kill = (): void => {
    if (!child?.pid || child.exitCode !== null) return;
    cancelled = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch (error) {
      // Its process group is gone or not ours to signal: stop the CLI itself at least.
      logWarning(`cancelling ${displayCommand(launch.args)}: signalling its process group`, error);
      child.kill('SIGTERM');
    }
  };

  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    open() {
      out(`${DIM}$ ${displayCommand(launch.args)}${RESET}\n${DIM}  in ${launch.cwd}${RESET}\n\n`);
      child = spawn(process.execPath, [launch.cliPath, ...launch.args], {
        cwd: launch.cwd,
        env: { ...process.env, ...launch.env, ELECTRON_RUN_AS_NODE: '1' },
        detached: true, // its own process group, so cancelling stops the pipelines it started too
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => out(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => out(chunk.toString()));
      child.on('error', (error) => {
        logError(`starting ${displayCommand(launch.args)} in ${launch.cwd}`, error);
        out(`\ncutover could not start: ${error.message}\n`);
        settle(undefined);
      });
      child.on('close', (code, signal) => {
        out(`\n${DIM}${cancelled ? 'cancelled' : signal ? `ended by ${signal}` : `exited with code ${code}`} — this terminal stays open for reading; close it when done${RESET}\n`);
        settle(cancelled || code === null ? undefined : code);
      });
    },
    close() {
      kill();
      write.dispose();
    },
    handleInput(data) {
      if (data === '\x03') kill(); // Ctrl+C
    },
  };
  const terminal = vscode.window.createTerminal({ name: launch.name, pty, iconPath: new vscode.ThemeIcon('arrow-swap') });
  terminal.show(true);
  return { terminal, exit, cancel: kill };
}
