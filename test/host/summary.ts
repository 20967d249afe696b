/** Test counts travel between stages as one marker line, so `npm test` can print one closing total. */
export interface Counts {
  passes: number;
  failures: number;
  pending: number;
}

export const SUMMARY_MARKER = 'CUTOVER-SUMMARY ';

export function formatSummary(counts: Counts): string {
  return `${SUMMARY_MARKER}${JSON.stringify(counts)}`;
}

export function parseSummary(text: string): Counts | undefined {
  const line = text.split('\n').reverse().find((l) => l.includes(SUMMARY_MARKER));
  if (!line) return undefined;
  return JSON.parse(line.slice(line.indexOf(SUMMARY_MARKER) + SUMMARY_MARKER.length)) as Counts;
}
