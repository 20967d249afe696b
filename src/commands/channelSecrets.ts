/**
 * Set Channel Secret… and Clear Channel Secret: the value of an environment variable a channel or publish target of
 * cutover.json names (its `…Env` settings) kept in VS Code's SecretStorage (the OS keychain where there is one), and
 * handed to every CLI the extension launches as that environment variable: never on the command line, never in the
 * Cutover log, a run record or the terminal (the CLI scrubs every secret it reads from what it prints and records).
 *
 * Secrets are per user, like the keychain: the names stored are listed in globalState (names are not secrets), so a
 * launch can hand them over without reading cutover.json. A stored value takes precedence over the same variable
 * inherited from the shell that started VS Code: it is the one set on purpose.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SecretEnvName } from '../core/channels/secrets';
import type { CommandTable } from '../shared/contributions';
import { logInfo } from '../shared/log';
import { loadWorkspaceConfig } from './workspaceConfig';

const NAMES_KEY = 'cutover.channelSecretNames';
const secretKey = (env: string): string => `cutover.channelSecret.${env}`;

export class ChannelSecrets {
  constructor(private readonly context: vscode.ExtensionContext) {}

  /** The environment variables with a stored value. */
  names(): string[] {
    return [...this.context.globalState.get<string[]>(NAMES_KEY, [])].sort();
  }

  async set(env: string, value: string): Promise<void> {
    await this.context.secrets.store(secretKey(env), value);
    await this.context.globalState.update(NAMES_KEY, [...new Set([...this.names(), env])]);
  }

  /** False when nothing was stored for `env`. */
  async clear(env: string): Promise<boolean> {
    const had = this.names().includes(env);
    await this.context.secrets.delete(secretKey(env));
    await this.context.globalState.update(NAMES_KEY, this.names().filter((n) => n !== env));
    return had;
  }

  /** Every stored secret as environment variables, for a CLI launch. A name whose value is gone is dropped. */
  async env(): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const name of this.names()) {
      const value = await this.context.secrets.get(secretKey(name));
      if (value !== undefined && value !== '') env[name] = value;
    }
    return env;
  }
}

/** Where a variable's value would come from, for the pick (never the value). */
function stateOf(env: string, stored: readonly string[]): string {
  if (stored.includes(env)) return 'stored in VS Code';
  return process.env[env] ? 'set in the environment VS Code started with' : 'not set';
}

/** The secret names cutover.json uses, picked by the user; undefined when cancelled or there are none. */
async function pickName(starter: string, secrets: ChannelSecrets): Promise<string | undefined> {
  const loaded = await loadWorkspaceConfig(starter);
  if (!loaded) return undefined;
  const { secretEnvNames } = await import('../core/channels/secrets');
  const names: SecretEnvName[] = secretEnvNames(loaded.config);
  if (names.length === 0) {
    void vscode.window.showWarningMessage('Cutover: cutover.json names no secrets: channels and publish targets name theirs in settings such as connectionStringEnv.');
    return undefined;
  }
  const stored = secrets.names();
  const picked = await vscode.window.showQuickPick(
    names.map((n) => ({ label: n.env, description: stateOf(n.env, stored), detail: `used by ${n.usedBy.join(', ')}` })),
    { title: 'Set Channel Secret', placeHolder: 'The environment variable whose value to store' },
  );
  return picked?.label;
}

export function channelSecretCommands(context: vscode.ExtensionContext, secrets: ChannelSecrets) {
  const starter = context.asAbsolutePath(path.join('media', 'cutover.starter.jsonc'));
  return {
    /** `env` and `value` given (by a test or another command) skip the pick and the input box. */
    'cutover.setChannelSecret': async (env?: string, value?: string): Promise<string | undefined> => {
      const name = env ?? await pickName(starter, secrets);
      if (name === undefined) return undefined;
      const secret = value ?? await vscode.window.showInputBox({
        title: `Set Channel Secret: ${name}`,
        prompt: `The value of ${name}, kept in VS Code's secret storage and given to every cutover launched from VS Code`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v === '' ? 'Enter the value (Escape cancels)' : undefined),
      });
      if (secret === undefined || secret === '') return undefined;
      await secrets.set(name, secret);
      logInfo(`channel secret ${name} stored in VS Code's secret storage`);
      void vscode.window.showInformationMessage(`Cutover: ${name} is stored; every cutover launched from VS Code gets it as an environment variable.`);
      return name;
    },
    'cutover.clearChannelSecret': async (env?: string): Promise<string | undefined> => {
      const stored = secrets.names();
      if (env === undefined && stored.length === 0) {
        void vscode.window.showInformationMessage('Cutover: no channel secret is stored in VS Code.');
        return undefined;
      }
      const name = env ?? (await vscode.window.showQuickPick(stored, { title: 'Clear Channel Secret', placeHolder: 'The stored secret to forget' }));
      if (name === undefined) return undefined;
      const had = await secrets.clear(name);
      logInfo(`channel secret ${name} ${had ? 'removed from' : 'was not in'} VS Code's secret storage`);
      void vscode.window.showInformationMessage(had ? `Cutover: ${name} is no longer stored in VS Code.` : `Cutover: ${name} was not stored in VS Code.`);
      return name;
    },
  } satisfies Partial<CommandTable>;
}
