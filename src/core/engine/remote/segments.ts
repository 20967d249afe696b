/**
 * Which rows differ between two tables that live in different engines, found with segment checksums as data-diff
 * does, so that only the differing segments' rows have to move. Engine-neutral: each side answers checksum
 * queries built from its Dialect.
 *
 * A row's segment at level `digits` is the leading `digits` hex digits of md5(its key text), or, for one integer
 * key column, the key modulo 16^digits (no hashing, and sequential ids spread evenly; a NULL key is segment
 * 16^digits, which no remainder reaches). Either way a segment's children at the next level lie inside it. A row's
 * checksum is md5(key and compared values' text); a segment's is (row count, exact sum of 60 bits of each row's).
 *
 * Round 1 compares the 256 segments of 2 digits, or the 65,536 of 4 digits for tables over 256,000 rows (a
 * thousand rows or fewer each: a round costs a scan of the table whatever its segment count, so a finer first
 * round saves a second full scan when differences are scattered, for a few MB of checksums). Each later round
 * splits only the segments that differed into 256 and hashes only their rows. It stops when the differing
 * segments hold at most `pullThreshold` rows, when a round no longer halves them (the differences are spread too
 * thin to isolate), or at `maxDigits`.
 *
 * Equal checksums mean the segment holds the same multiset of (key, values) on both sides, duplicates and null
 * keys included, so the file side's rows can stand in for the database side's there (see compare.ts).
 */
import type { Dialect } from './dialect';
import type { TextColumn } from './dialect';
import { rowText } from './dialect';

export interface SegmentChecksum {
  readonly rows: number;
  readonly sum: string;
}

export interface ChecksumQuery {
  /** Checksums of the segments of `digits` hex digits, only inside the `within` segments (digits − 2) when given. */
  checksums(digits: number, within: readonly string[] | null): Promise<Map<string, SegmentChecksum>>;
}

export interface SegmentPlan {
  readonly keys: readonly TextColumn[];
  /** Key columns first, then the compared columns, as both sides name them. */
  readonly columns: readonly TextColumn[];
  /** 'integer': one key column, an integer type on both sides, segmented by remainder; else by key hash. */
  readonly segmentBy: 'hash' | 'integer';
}

/** The segment of a row at level `digits`, as text-comparable SQL. */
function segmentExpr(d: Dialect, plan: SegmentPlan, digits: number): string {
  if (plan.segmentBy === 'integer') {
    const modulus = 16 ** digits;
    return `coalesce(${d.ident((plan.keys[0] as TextColumn).name)} % ${modulus}, ${modulus})`;
  }
  return `substr(${d.md5Hex(rowText(d, plan.keys))}, 1, ${digits})`;
}

/** `<segment expr> IN (…)` for segments of `digits` digits; `negate` for NOT IN. */
export function segmentFilter(d: Dialect, plan: SegmentPlan, digits: number, segments: readonly string[], negate = false): string {
  if (segments.length === 0) return negate ? 'true' : 'false';
  // Segment ids come back as text; integer ones go back as numbers (checked, so nothing but digits enters the SQL).
  const list = plan.segmentBy === 'integer' ? segments.map((s) => String(BigInt(s))) : segments.map((s) => d.literal(s));
  return `${segmentExpr(d, plan, digits)} ${negate ? 'NOT IN' : 'IN'} (${list.join(', ')})`;
}

/** The checksum query of `relation` (a table or subquery the dialect can select from). */
export function checksumSql(d: Dialect, plan: SegmentPlan, relation: string, digits: number, within: readonly string[] | null): string {
  const where = within === null ? '' : ` WHERE ${segmentFilter(d, plan, digits - 2, within)}`;
  const inner = `SELECT ${segmentExpr(d, plan, digits)} AS seg, ${d.md5Hex(rowText(d, plan.columns))} AS h FROM ${relation}${where}`;
  return `SELECT seg, count(*) AS n, ${d.sumText(d.hexToBigint('substr(h, 1, 15)'))} AS s FROM (${inner}) AS t GROUP BY seg`;
}

export function checksumMap(rows: readonly Record<string, unknown>[]): Map<string, SegmentChecksum> {
  return new Map(rows.map((r) => [String(r['seg']), { rows: Number(r['n']), sum: String(r['s']) }]));
}

export interface Round {
  readonly digits: number;
  readonly segments: number;
  readonly differing: number;
  /** Rows in the differing segments (the larger side of each). */
  readonly differingRows: number;
}

export interface Differences {
  readonly digits: number;
  /** Segments (of `digits` hex digits) whose rows differ; empty when the tables are equal. */
  readonly segments: readonly string[];
  readonly rounds: readonly Round[];
  /** Row counts of each side, from round 1. */
  readonly rowsA: number;
  readonly rowsB: number;
}

export interface BisectOptions {
  readonly pullThreshold?: number;
  readonly maxDigits?: number;
  /** Rows of the table known beforehand (e.g. the file side's), to choose the first round's fineness. */
  readonly rows?: number;
}

export async function findDifferences(a: ChecksumQuery, b: ChecksumQuery, options: BisectOptions = {}): Promise<Differences> {
  const threshold = options.pullThreshold ?? 10_000;
  const maxDigits = options.maxDigits ?? 8;
  const rounds: Round[] = [];
  let digits = Math.min((options.rows ?? 0) > 256_000 ? 4 : 2, Math.max(maxDigits, 2));
  let within: readonly string[] | null = null;
  let totals: { a: number; b: number } | undefined;
  for (;;) {
    const [ca, cb] = await Promise.all([a.checksums(digits, within), b.checksums(digits, within)]);
    totals ??= { a: sumRows(ca), b: sumRows(cb) };
    const differing: string[] = [];
    let differingRows = 0;
    for (const seg of new Set([...ca.keys(), ...cb.keys()])) {
      const x = ca.get(seg);
      const y = cb.get(seg);
      if (x && y && x.rows === y.rows && x.sum === y.sum) continue;
      differing.push(seg);
      differingRows += Math.max(x?.rows ?? 0, y?.rows ?? 0);
    }
    differing.sort();
    const previous = rounds.at(-1);
    rounds.push({ digits, segments: Math.max(ca.size, cb.size), differing: differing.length, differingRows });
    const done = differing.length === 0 || differingRows <= threshold || digits + 2 > maxDigits
      || (previous !== undefined && differingRows > previous.differingRows / 2);
    if (done) return { digits, segments: differing, rounds, rowsA: totals.a, rowsB: totals.b };
    within = differing;
    digits += 2;
  }
}

function sumRows(m: Map<string, SegmentChecksum>): number {
  let n = 0;
  for (const c of m.values()) n += c.rows;
  return n;
}
