/**
 * Sign-offs: `.cutover/signoffs.json` records who signed, in which role, when, and a hash of the evidence set they
 * saw. Each entry carries the hash of the entry before it and its own hash over both, so editing, removing or
 * reordering an entry breaks the chain and is reported (the file and the entry). A sign-off whose evidence hash
 * differs from the evidence now is stale: a new run, a changed verdict or a revoked review changed what was signed.
 *
 * Writes are atomic (temp file renamed into place) under the store's lock-file scheme.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError, isNotFound, UsageError } from '../errors';
import type { Review } from '../reviews/store';
import { withLock } from '../runs/lock';
import type { CriterionResult } from './criteria';

export const SignoffEntry = z.object({
  role: z.string().min(1),
  by: z.string().min(1),
  at: z.string().describe('ISO 8601'),
  note: z.string().optional(),
  verdict: z.string().describe('The readiness verdict when it was signed'),
  evidenceHash: z.string().regex(/^[0-9a-f]{64}$/),
  prev: z.string().regex(/^[0-9a-f]{64}$/).nullable().describe('The previous entry\'s hash; null for the first'),
  hash: z.string().regex(/^[0-9a-f]{64}$/).describe('sha256 of this entry without its hash'),
});
export type SignoffEntry = z.infer<typeof SignoffEntry>;

const SignoffsFile = z.object({ version: z.literal(1), signoffs: z.array(z.unknown()) });

export interface SignoffProblem {
  readonly file: string;
  /** 1-based entry number; absent for a problem with the file as a whole. */
  readonly entry?: number;
  readonly message: string;
}

export interface SignoffStatus extends SignoffEntry {
  /** The evidence changed since it was signed. */
  readonly stale: boolean;
}

export function signoffsPath(workspaceRoot: string): string {
  return join(workspaceRoot, '.cutover', 'signoffs.json');
}

/** JSON with keys sorted at every level, so the hash does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The hash of the evidence set: each criterion's state, figures and the runs it rests on, the go/no-go run and
 * verdict, and the reviews in force. Any change to those changes the hash.
 */
export function evidenceHash(criteria: readonly CriterionResult[], goNoGo: { readonly runId: string; readonly verdict: string } | undefined, reviews: readonly Review[]): string {
  return sha256(canonical({
    criteria: criteria.map((c) => ({
      item: `${c.item.file}#${c.item.planId ?? c.item.text}`,
      state: c.state,
      checks: c.checks,
      runs: c.runs.map((r) => r.id),
    })),
    goNoGo: goNoGo ? { runId: goNoGo.runId, verdict: goNoGo.verdict } : null,
    reviews: reviews.filter((r) => r.revoked === undefined).map((r) => ({ runId: r.runId, segment: r.segment, kpi: r.kpi, v1: r.v1, v2: r.v2, when: r.when })),
  }));
}

function entryHash(entry: Omit<SignoffEntry, 'hash'>): string {
  return sha256(canonical(entry));
}

/** Parses the file and checks the chain; entries after the first broken one are kept but reported. */
export function parseSignoffs(text: string, file: string): { entries: SignoffEntry[]; problems: SignoffProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { entries: [], problems: [{ file, message: `not JSON: ${(error as Error).message}` }] };
  }
  const parsed = SignoffsFile.safeParse(json);
  if (!parsed.success) return { entries: [], problems: [{ file, message: `not a sign-off file: ${parsed.error.issues[0]?.message ?? 'invalid'}` }] };
  const entries: SignoffEntry[] = [];
  const problems: SignoffProblem[] = [];
  let prev: string | null = null;
  parsed.data.signoffs.forEach((raw, i) => {
    const entry = SignoffEntry.safeParse(raw);
    if (!entry.success) {
      problems.push({ file, entry: i + 1, message: `malformed entry: ${entry.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}` });
      prev = null;
      return;
    }
    const { hash, ...rest } = entry.data;
    if (entryHash(rest) !== hash) problems.push({ file, entry: i + 1, message: `entry ${i + 1} (${rest.role} by ${rest.by}) was changed after it was signed: its hash does not match its content` });
    else if (rest.prev !== prev) problems.push({ file, entry: i + 1, message: `entry ${i + 1} (${rest.role} by ${rest.by}) does not follow the entry before it: an entry was removed, inserted or reordered` });
    entries.push(entry.data);
    prev = hash;
  });
  return { entries, problems };
}

export class SignoffStore {
  readonly file: string;

  constructor(readonly workspaceRoot: string) {
    this.file = signoffsPath(workspaceRoot);
  }

  async read(): Promise<{ entries: SignoffEntry[]; problems: SignoffProblem[] }> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return { entries: [], problems: [] };
      throw error;
    }
    return parseSignoffs(text, this.file);
  }

  /** Appends a sign-off chained to the last entry; refuses to extend a chain that was tampered with. */
  async sign(input: { role: string; by: string; note?: string | undefined; verdict: string; evidenceHash: string }, now = new Date()): Promise<SignoffEntry> {
    if (input.role.trim() === '' || input.by.trim() === '') throw new UsageError('a sign-off needs a role and a name');
    const dir = join(this.workspaceRoot, '.cutover');
    await mkdir(dir, { recursive: true });
    return withLock(join(dir, '.signoffs.lock'), async () => {
      const { entries, problems } = await this.read();
      if (problems.length > 0) {
        const first = problems[0]!;
        throw new InputError(`${first.message}; nothing was signed (restore the file from version control)`, { file: first.file });
      }
      const body = {
        role: input.role.trim(), by: input.by.trim(), at: now.toISOString(),
        ...(input.note?.trim() ? { note: input.note.trim() } : {}),
        verdict: input.verdict, evidenceHash: input.evidenceHash, prev: entries.at(-1)?.hash ?? null,
      };
      const entry: SignoffEntry = { ...body, hash: entryHash(body) };
      const temp = `${this.file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
      await writeFile(temp, `${JSON.stringify({ version: 1, signoffs: [...entries, entry] }, null, 2)}\n`);
      await rename(temp, this.file);
      return entry;
    });
  }
}

/** The latest sign-off of each role, stale when the evidence hash moved since. */
export function signoffStatus(entries: readonly SignoffEntry[], currentHash: string): SignoffStatus[] {
  const latest = new Map<string, SignoffEntry>();
  for (const e of entries) latest.set(e.role, e);
  return [...latest.values()].map((e) => ({ ...e, stale: e.evidenceHash !== currentHash }));
}
