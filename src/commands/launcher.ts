/**
 * One CLI run at a time per window: a second start while one runs asks whether to queue it behind the first or
 * cancel the first. Both the Runs and the Runbooks commands launch through here.
 */
import * as vscode from 'vscode';
import { newRunId } from '../core/runs/id';
import { logInfo } from '../shared/log';
import { displayCommand, runCliInTerminal, type CliRun } from './cliTerminal';

/** `runId`: the id the CLI was told to record its run under (`--run-id`), so the caller reads exactly that run. */
export type LaunchResult =
  | { readonly started: true; readonly exitCode: number | undefined; readonly runId: string }
  | { readonly started: false };

export class Launcher implements vscode.Disposable {
  private active: { run: CliRun; label: string; done: Promise<unknown> } | undefined;

  /** `env`: variables every launch gets besides VS Code's own (the stored channel secrets), read at each launch. */
  constructor(private readonly cliPath: string, private readonly env: () => Promise<Record<string, string>> = async () => ({})) {}

  /** Starts `cutover <args> --run-id <new id>` in a terminal named after `label` and resolves when it ends. */
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
    const runId = newRunId();
    const cliArgs = [...args, '--run-id', runId];
    logInfo(`${label}: ${displayCommand(cliArgs)} in ${cwd}`);
    const run = runCliInTerminal({ name: `Cutover: ${label}`, cliPath: this.cliPath, args: cliArgs, cwd, env: await this.env() });
    const done = run.exit.finally(() => {
      if (this.active?.run === run) this.active = undefined;
    });
    this.active = { run, label, done };
    const exitCode = await run.exit;
    logInfo(`${label}: ${exitCode === undefined ? 'cancelled or could not start' : `exit ${exitCode}`} (run ${runId})`);
    return { started: true, exitCode, runId };
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
