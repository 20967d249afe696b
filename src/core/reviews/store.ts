/**
 * `.cutover/reviews.json`: discrepancies a person reviewed and accepted, each with who, when, the run, the values
 * and the reason. The go/no-go (`gate/goNoGo.ts`) reads them through `acceptedFor`, and reports every accepted KPI as
 * accepted, never as passing silently.
 *
 * An acceptance covers the exact discrepancy it was given: the same segment and KPI with the same V1 and V2 values.
 * A later run that reproduces those numbers stays accepted; a run whose numbers moved needs a new review.
 * A revoked review stays in the file (who revoked it, when and why) and covers nothing any more.
 *
 * Writes go to a temp file renamed over the old one, under the run store's lock-file scheme, so two windows
 * accepting at once both land and a crash never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { InputError, UsageError } from '../errors';
import { withLock } from '../runs/lock';
import { KpiDiscrepancy } from '../runs/results';
import type { AcceptedDiscrepancies } from '../gate/evaluate';

export const Revocation = z.object({
  who: z.string(),
  when: z.string().describe('ISO 8601'),
  reason: z.string().min(1),
});
export type Revocation = z.infer<typeof Revocation>;

export const Review = z.object({
  runId: z.string().describe('The run whose discrepancy was reviewed'),
  ...KpiDiscrepancy.shape,
  reason: z.string().min(1),
  who: z.string(),
  when: z.string().describe('ISO 8601'),
  revoked: Revocation.optional().describe('Set when the acceptance was withdrawn: it then covers nothing'),
});
export type Review = z.infer<typeof Review>;

const ReviewsFile = z.object({ version: z.literal(1), reviews: z.array(Review) });

export function reviewsPath(workspaceRoot: string): string {
  return join(workspaceRoot, '.cutover', 'reviews.json');
}

function sameNumber(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/** True when `review` is in force and accepted exactly this discrepancy (same segment, KPI, V1 and V2 values). */
export function covers(review: Review, d: KpiDiscrepancy): boolean {
  return review.revoked === undefined && review.segment === d.segment && review.kpi === d.kpi && sameNumber(review.v1, d.v1) && sameNumber(review.v2, d.v2);
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Parses the file's text; a broken file is an InputError naming its line and column, never an empty list. */
export function parseReviews(text: string, file: string): Review[] {
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first) throw new InputError(`invalid JSON: ${printParseErrorCode(first.error)}`, { file, ...lineColumn(text, first.offset) });
  const parsed = ReviewsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`not a reviews file: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`, { file });
  }
  return parsed.data.reviews;
}

export class ReviewStore {
  readonly file: string;

  constructor(readonly workspaceRoot: string) {
    this.file = reviewsPath(workspaceRoot);
  }

  /** Every review, oldest first; none when the file does not exist. */
  async list(): Promise<Review[]> {
    if (!existsSync(this.file)) return [];
    return parseReviews(await readFile(this.file, 'utf8'), this.file);
  }

  /** Records an acceptance; replaces an earlier review in force of the same discrepancy (the newest reason wins). */
  async accept(runId: string, d: KpiDiscrepancy, reason: string, who: string, now = new Date()): Promise<Review> {
    const trimmed = reason.trim();
    if (trimmed === '') throw new UsageError('a reason is required to accept a discrepancy');
    const review: Review = {
      runId, segment: d.segment, kpi: d.kpi, v1: d.v1, v2: d.v2, relVariance: d.relVariance,
      reason: trimmed, who, when: now.toISOString(),
    };
    await this.update((reviews) => [...reviews.filter((r) => !covers(r, d)), review]);
    return review;
  }

  /**
   * Withdraws every review in force of this KPI line (any values), or only those made on runs whose id starts
   * with `runId`. They stay in the file, marked revoked. None in force is a UsageError and writes nothing.
   */
  async revoke(line: { readonly segment: string; readonly kpi: string; readonly runId?: string }, reason: string, who: string, now = new Date()): Promise<Review[]> {
    const trimmed = reason.trim();
    if (trimmed === '') throw new UsageError('a reason is required to revoke a review');
    const matches = (r: Review): boolean =>
      r.revoked === undefined && r.segment === line.segment && r.kpi === line.kpi && (line.runId === undefined || r.runId.startsWith(line.runId));
    const revoked: Review[] = [];
    await this.update((reviews) => {
      const next = reviews.map((r) => {
        if (!matches(r)) return r;
        const withdrawn: Review = { ...r, revoked: { who, when: now.toISOString(), reason: trimmed } };
        revoked.push(withdrawn);
        return withdrawn;
      });
      if (revoked.length === 0) {
        throw new UsageError(`no review in force accepts ${line.kpi} [${line.segment}]${line.runId !== undefined ? ` on run ${line.runId}` : ''} (see \`cutover review list\`)`);
      }
      return next;
    });
    return revoked;
  }

  /** Rewrites the file with `change(reviews)`, read and written under the lock; a broken file throws and is left untouched. */
  private async update(change: (reviews: Review[]) => Review[]): Promise<void> {
    const dir = join(this.workspaceRoot, '.cutover');
    await mkdir(dir, { recursive: true });
    await withLock(join(dir, '.reviews.lock'), async () => {
      const next = change(await this.list());
      const temp = `${this.file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
      await writeFile(temp, `${JSON.stringify({ version: 1, reviews: next }, null, 2)}\n`);
      await rename(temp, this.file);
    });
  }
}

/** The gate's view of the reviews: why a KPI line of `kpis` is accepted, with the review in force behind it. */
export function acceptedFor(reviews: readonly Review[], kpis: readonly KpiDiscrepancy[]): AcceptedDiscrepancies & { readonly accepted: Review[] } {
  const byKey = new Map<string, Review>();
  for (const k of kpis) {
    // The newest review that covers this line.
    const review = reviews.filter((r) => covers(r, k)).at(-1);
    if (review) byKey.set(JSON.stringify([k.segment, k.kpi]), review);
  }
  return {
    accepted: [...byKey.values()],
    acceptedReason: (k) => byKey.get(JSON.stringify([k.segment, k.kpi]))?.reason,
  };
}
