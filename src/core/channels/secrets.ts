/**
 * Channel secrets come from environment variables named in cutover.json (VS Code's SecretStorage hands them to the
 * CLI the same way); their values must never reach run.json, logs, the terminal or a manifest. `Secrets` reads them
 * and remembers every value it handed out, plus the secret parts inside (a connection string's AccountKey, a URL's
 * password or SAS signature), so `redact()` can scrub any text (an SDK's error message) before it is printed or
 * recorded.
 */
import type { CutoverConfig } from '../config/schema';
import { SET_SECRET_HINT } from '../config/schema';
import { ConfigError } from '../errors';

/** An environment variable cutover.json names for a secret, and each setting that names it (e.g. channels.db.connectionStringEnv). */
export interface SecretEnvName {
  readonly env: string;
  readonly usedBy: readonly string[];
}

/** Every secret's environment variable the channels and publish targets name (their `…Env` settings), sorted. */
export function secretEnvNames(config: Pick<CutoverConfig, 'channels' | 'publish'>): SecretEnvName[] {
  const found = new Map<string, string[]>();
  for (const [section, entries] of [['channels', config.channels], ['publish', config.publish]] as const) {
    for (const [name, entry] of Object.entries(entries)) {
      for (const [key, value] of Object.entries(entry)) {
        if (!key.endsWith('Env') || typeof value !== 'string') continue;
        found.set(value, [...(found.get(value) ?? []), `${section}.${name}.${key}`]);
      }
    }
  }
  return [...found].sort(([a], [b]) => a.localeCompare(b)).map(([env, usedBy]) => ({ env, usedBy }));
}

const REDACTED = '***';
/** Shorter parts are not worth scrubbing and would garble ordinary words. */
const MIN_SECRET_LENGTH = 6;
const SECRET_KEYS = /^(AccountKey|SharedAccessSignature|password|sig)$/i;

/** The secret-looking parts of a connection string or URL, besides the whole value. */
function secretParts(value: string): string[] {
  const parts: string[] = [];
  for (const pair of value.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && SECRET_KEYS.test(pair.slice(0, at).trim())) parts.push(pair.slice(at + 1));
  }
  if (URL.canParse(value)) {
    const url = new URL(value);
    if (url.password !== '') parts.push(url.password, decodeURIComponent(url.password));
    if (url.search !== '') parts.push(url.search.slice(1));
    for (const [key, v] of url.searchParams) if (SECRET_KEYS.test(key)) parts.push(v, encodeURIComponent(v));
  }
  return parts;
}

export class Secrets {
  private readonly known = new Set<string>();

  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  /** The value of environment variable `name`; `where` names the setting for the error (e.g. channels.db.connectionStringEnv). */
  read(name: string, where: string): string {
    const value = this.env[name];
    if (value === undefined || value === '') {
      throw new ConfigError(`${where}: the environment variable ${name} is not set (${SET_SECRET_HINT})`);
    }
    for (const part of [value, ...secretParts(value)]) if (part.length >= MIN_SECRET_LENGTH) this.known.add(part);
    return value;
  }

  /** `text` with every secret value this instance handed out replaced by ***. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a whole connection string goes before the key inside it.
    for (const secret of [...this.known].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** The error with every secret scrubbed from its message, ready to be recorded and rethrown. */
  scrub(error: unknown): unknown {
    return error instanceof Error ? Object.assign(error, { message: this.redact(error.message) }) : error;
  }
}
