/**
 * Where the metrics text goes besides stdout: a node_exporter textfile-collector file (written to a temp file in the
 * same folder, then renamed over the old one, so the collector never reads half a file), and a Pushgateway, one
 * group per workspace and run kind (PUT replaces the group, so a series the latest run no longer has disappears).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RuntimeError } from '../errors';
import type { Collected } from './collect';
import { writeExposition } from './exposition';

/** Writes `text` to `file` atomically: a reader sees the old file or the new one, never a part. */
export async function writeTextfile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // The collector reads only *.prom: the temp name must not end in .prom.
  const temp = `${file}.${process.pid}-${randomBytes(3).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new RuntimeError(`cannot write the metrics file: ${(error as Error).message}`, { file }, { cause: error });
  }
}

/** A URL as it may be printed: without user name and password. */
export function printableUrl(url: string): string {
  if (!URL.canParse(url)) return '(an invalid URL)';
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** User and password in a URL (http://user:pass@host) as a Basic Authorization header: fetch refuses them in the URL. */
function basicAuth(url: string): Record<string, string> {
  const u = new URL(url);
  if (u.username === '' && u.password === '') return {};
  return { Authorization: `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` };
}

/** The Pushgateway URL of one group: /metrics/job/cutover/workspace/<w>/kind/<k>, values base64url-encoded when they need it. */
export function groupUrl(base: string, workspace: string, kind: string): string {
  const segment = (name: string, value: string): string =>
    /^[A-Za-z0-9_.-]+$/.test(value) ? `${name}/${value}` : `${name}@base64/${Buffer.from(value).toString('base64url') || '='}`;
  return `${base.replace(/\/+$/, '')}/metrics/job/cutover/${segment('workspace', workspace)}/${segment('kind', kind)}`;
}

/** The text of one run kind's samples (the group pushed for that kind). */
export function kindText(collected: Collected, kind: string): string {
  return writeExposition(collected.families.map((f) => ({ family: f.family, samples: f.samples.filter((s) => s.labels['kind'] === kind) })));
}

/** Pushes each run kind's samples as its own group; a refused push is a RuntimeError naming the group (never the credentials). */
export async function pushMetrics(base: string, workspace: string, collected: Collected, timeoutMs = 10_000): Promise<string[]> {
  const pushed: string[] = [];
  for (const kind of collected.kinds) {
    const url = groupUrl(base, workspace, kind);
    let response: Response;
    try {
      response = await fetch(printableUrl(url), {
        method: 'PUT',
        headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', ...basicAuth(url) },
        body: kindText(collected, kind),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RuntimeError(`cannot push metrics to ${printableUrl(url)}: ${(error as Error).message}`, undefined, { cause: error });
    }
    if (!response.ok) {
      const body = (await response.text()).slice(0, 500);
      throw new RuntimeError(`the Pushgateway refused ${printableUrl(url)}: HTTP ${response.status} ${body}`);
    }
    pushed.push(kind);
  }
  return pushed;
}
