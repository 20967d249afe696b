/**
 * A run's id: `YYYYMMDD-HHMMSS-mmm-<6 hex>`, sortable by start time (UTC) and unique by its random tail. The one
 * definition of the format: the run-record schema, the store and `cutover --run-id` all check ids against it.
 * No zod here: the store (reached at activation) needs the format without the schema.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors';

export const RUN_ID_PATTERN = /^\d{8}-\d{6}-\d{3}-[0-9a-f]{6}$/;

/** `tail` is random unless given (benches and fixtures that build many runs want them reproducible). */
export function newRunId(now = new Date(), tail = randomBytes(3).toString('hex')): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}-${p(now.getUTCMilliseconds(), 3)}`;
  return `${stamp}-${tail}`;
}

export function isRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id);
}

/** `id` when it has the run-id format, else a usage error that shows the format. */
export function checkRunId(id: string): string {
  if (!isRunId(id)) throw new UsageError(`not a run id: ${id} (expected YYYYMMDD-HHMMSS-mmm-xxxxxx, e.g. ${newRunId()})`);
  return id;
}
