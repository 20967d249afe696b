/**
 * Set Channel Secret… / Clear Channel Secret in the extension host: a secret kept in VS Code's SecretStorage reaches
 * the CLI launched in the terminal as an environment variable, and nowhere else. The channel is a Supabase table at a
 * loopback port nothing listens on, with a canary password: the channels run then says the connection was refused
 * (the CLI had the connection string) rather than that the variable is unset, and the canary is in no file of the
 * workspace (run store, run logs), the extension's log folder, the launched command line or the extension host's
 * own environment. Cleared, the next run says the variable is not set and names the command that sets it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { LaunchOutcome } from '../../../src/commands/runs';
import { cutoverApi, workspaceRoot } from '../util';

const ENV = 'CUTOVER_TEST_CANARY_DB';
const CANARY = 'canary-VsCodeS3cret-8e1f';

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Every file under `dir` whose bytes contain `text`. */
function filesContaining(dir: string, text: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file).isFile() && fs.readFileSync(file).includes(text));
}

describe('Channel secrets in VS Code\'s SecretStorage (in the extension host)', function () {
  this.timeout(120_000);
  let configFile: string;
  let original: string;
  let shadow: LaunchOutcome;

  before(async () => {
    configFile = path.join(workspaceRoot().fsPath, 'cutover.json');
    original = fs.readFileSync(configFile, 'utf8');
    const channels = { 'loans-db': { type: 'supabase', output: 'loans', table: 'loans_v2', connectionStringEnv: ENV } };
    fs.writeFileSync(configFile, applyEdits(original, modify(original, ['channels'], channels, { formattingOptions: { insertSpaces: true, tabSize: 2 } })));
    shadow = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.startShadowRun', { input: 'sample-10k', noise: false }))!;
    assert.ok(shadow.run, 'the shadow run was recorded');
  });
  after(async () => {
    await vscode.commands.executeCommand('cutover.clearChannelSecret', ENV);
    fs.writeFileSync(configFile, original);
  });

  it('hands a stored secret to the CLI as an environment variable, never into a file, the log or the command line', async function () {
    assert.equal(process.env[ENV], undefined, 'the variable is not in the extension host\'s own environment');
    const url = `postgres://cutover:${CANARY}@127.0.0.1:${await closedPort()}/cutover`;
    assert.equal(await vscode.commands.executeCommand('cutover.setChannelSecret', ENV, url), ENV);
    assert.equal(process.env[ENV], undefined, 'storing it does not set it in the extension host');

    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.validateChannels', shadow.run))!;
    assert.equal(outcome.exitCode, 2, 'an unreachable channel is inconclusive');
    const channel = outcome.run?.record.results.channels?.channels[0];
    assert.equal(channel?.channel, 'loans-db');
    // The CLI had the connection string: it tried the port and was refused (not "the environment variable is not set").
    assert.match(channel?.reasons.join('\n') ?? '', /read: could not read the channel: .*ECONNREFUSED/);
    assert.doesNotMatch(channel?.reasons.join('\n') ?? '', /is not set/);

    const api = await cutoverApi();
    assert.deepEqual(filesContaining(workspaceRoot().fsPath, CANARY), [], 'no file of the workspace (run store, run logs) holds the secret');
    const logs = filesContaining(api.logFolder.fsPath, CANARY);
    assert.ok(fs.existsSync(api.logFolder.fsPath) && fs.readdirSync(api.logFolder.fsPath).length > 0, `the Cutover log is written under ${api.logFolder.fsPath}`);
    assert.deepEqual(logs, [], 'the Cutover log does not hold the secret');
    const argv = (outcome.run?.record.argv ?? []).join(' ');
    assert.ok(argv.includes('channels validate') && !argv.includes(CANARY) && !argv.includes(ENV), `nor the command line: ${argv}`);
  });

  it('once cleared, the CLI no longer gets it and the message names Set Channel Secret…', async function () {
    assert.equal(await vscode.commands.executeCommand('cutover.clearChannelSecret', ENV), ENV);
    const outcome = (await vscode.commands.executeCommand<LaunchOutcome>('cutover.validateChannels', shadow.run))!;
    assert.equal(outcome.exitCode, 2);
    const reasons = outcome.run?.record.results.channels?.channels[0]?.reasons.join('\n') ?? '';
    assert.match(reasons, new RegExp(`channels\\.loans-db\\.connectionStringEnv: the environment variable ${ENV} is not set .*"Cutover: Set Channel Secret…"`));
  });
});
