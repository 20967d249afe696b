/**
 * Paths a cutover.json names (a publish folder, a channel's delivery) must stay inside its workspace, the folder of
 * cutover.json: a cloned repository's configuration must not make Cutover read or write elsewhere. `..`, absolute
 * paths and symlinks that lead out are refused. (A path typed on the command line is the user's own choice.)
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors';

/** The real path of `path`: its longest existing ancestor with symlinks resolved, and the rest as written. */
function realPath(path: string): string {
  const rest: string[] = [];
  let at = path;
  while (!existsSync(at)) {
    const parent = dirname(at);
    if (parent === at) break;
    rest.unshift(basename(at));
    at = parent;
  }
  return join(realpathSync(at), ...rest);
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * `path` resolved against `workspace`, or a ConfigError naming `key` (e.g. `publish.local.path`) when it leaves
 * the workspace, through `..`, as an absolute path or through a symlink.
 */
export function insideWorkspace(workspace: string, path: string, key: string): string {
  const full = resolve(workspace, path);
  if (!within(realPath(workspace), realPath(full))) {
    throw new ConfigError(`${key} ${JSON.stringify(path)} leaves the workspace ${workspace}: cutover.json may only name paths inside it`);
  }
  return full;
}
