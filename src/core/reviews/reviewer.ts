/** Who accepts a discrepancy: `git config user.name` in the workspace, else the operating-system user. */
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';

export function reviewerName(cwd: string): Promise<string> {
  const osUser = (): string => {
    try {
      return userInfo().username;
    } catch {
      return process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown';
    }
  };
  return new Promise((resolve) => {
    execFile('git', ['config', 'user.name'], { cwd, timeout: 5000 }, (error, stdout) => {
      const name = error ? '' : stdout.trim();
      resolve(name !== '' ? name : osUser());
    });
  });
}
