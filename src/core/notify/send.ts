/**
 * Posting a payload to a chat webhook. The URL is the secret (whoever has it can post), so it is never printed:
 * errors name the environment variable it came from. HTTP 429 and 503 are retried after the Retry-After the
 * service asks for (Slack allows about one message per second per channel), at most `attempts` times.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RuntimeError } from '../errors';

export interface Webhook {
  /** Where the URL came from, for messages (e.g. the env var's name): the URL itself is never printed. */
  readonly name: string;
  readonly url: string;
}

export interface SendOptions {
  readonly attempts?: number;
  /** Longest wait a Retry-After may ask for; a longer one is capped. */
  readonly maxWaitMs?: number;
  readonly timeoutMs?: number;
  readonly wait?: (ms: number) => Promise<void>;
}

/** Retry-After in ms: seconds or an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null) return 1000;
  const seconds = Number(header);
  if (header.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - now);
}

/** Posts `payload` as JSON; resolves with the attempts it took, or throws a RuntimeError naming the webhook. */
export async function postWebhook(hook: Webhook, payload: unknown, options: SendOptions = {}): Promise<number> {
  const attempts = options.attempts ?? 4;
  const wait = options.wait ?? ((ms: number) => sleep(ms));
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(hook.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      // fetch's message can hold the URL: only its cause's code goes out.
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new RuntimeError(`cannot reach the webhook in ${hook.name}: ${code}`, undefined, { cause: error });
    }
    if (response.ok) {
      await response.body?.cancel();
      return attempt;
    }
    const body = (await response.text()).slice(0, 300);
    if ((response.status === 429 || response.status === 503) && attempt < attempts) {
      await wait(Math.min(retryAfterMs(response.headers.get('retry-after')), options.maxWaitMs ?? 60_000));
      continue;
    }
    throw new RuntimeError(`the webhook in ${hook.name} answered HTTP ${response.status}${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${body}`);
  }
}
