/**
 * One CLI run at a time per window: a second start while one runs asks whether to queue it behind the first or
 * cancel the first. Both the Runs and the Runbooks commands launch through here.
 */
import * as vscode from 'vscode';
import { runCliInTerminal, type CliRun } from './cliTerminal';

export type LaunchResult = { readonly started: true; readonly exitCode: number | undefined } | { readonly started: false };

export class Launcher implements vscode.Disposable {
  private active: { run: CliRun; label: string; done: Promise<unknown> } | undefined;

  constructor(private readonly cliPath: string) {}

  /** Starts `cutover <args>` in a terminal named after `label` and resolves when it ends. */
  async launch(label: string, args: readonly string[], cwd: string): Promise<LaunchResult> {
    while (this.active) {
      const current = this.active;
      const choice = await vscode.window.showWarningMessage(
        `Cutover: ${current.label} is still running.`, { modal: true, detail: `Start ${label} after it ends, or cancel it and start ${label} now?` },
        'Queue', 'Cancel It and Start');
      if (choice === undefined) return { started: false };
      if (choice === 'Cancel It and Start') current.run.cancel();
      await current.done;
    }
    const run = runCliInTerminal({ name: `Cutover: ${label}`, cliPath: this.cliPath, args, cwd });
    const done = run.exit.finally(() => {
      if (this.active?.run === run) this.active = undefined;
    });
    this.active = { run, label, done };
    return { started: true, exitCode: await run.exit };
  }

  /** Stops the running CLI's process tree; false when nothing runs. */
  cancel(): boolean {
    if (!this.active) return false;
    this.active.run.cancel();
    return true;
  }

  dispose(): void {
    this.active?.run.cancel();
  }
}
