/**
 * Hostile data on the command line: a shadow run whose KPI names, segments and reasons carry HTML, bidi overrides,
 * terminal escape sequences, NUL, emoji and a 1 MB string, and a review whose reason does too → every report
 * (`cutover gate`, `cutover runs`, `cutover review list`, `cutover explain`, `cutover readiness`) ends without a
 * crash, prints no raw control character a terminal would act on (ESC, BEL, NUL, C1, bidi override), and its
 * --json form keeps the text exactly. The browser side is test/e2e/hostile.e2e.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../../src/core/runs/store';
import { cli, type Figure, figure, hasStackTrace, note, tally } from './harness';

export const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'bidi \u202eevil\u202c',
  'esc \u001b[2J\u001b]0;owned\u0007 title',
  'nul \u0000 byte',
  'c1 \u009b31m',
  'emoji 😀🏳️‍🌈',
  `huge ${'x'.repeat(1_000_000)}`,
] as const;

/** Characters a terminal acts on: C0 controls but tab and newline, DEL, C1 controls, bidi overrides and isolates. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** Writes the hostile strings into the latest shadow run's failing KPI lines and its reasons. */
async function hostileRun(ws: string): Promise<string> {
  await cli(['shadow'], ws);
  const run = (await new RunStore(ws).list()).find((r) => r.kind === 'shadow');
  if (!run) throw new Error('no shadow run');
  const file = join(new RunStore(ws).runDir(run.id), 'run.json');
  const record = JSON.parse(readFileSync(file, 'utf8')) as { verdict: { reasons: string[] }; results: { kpis: { kpis: { segment: string; kpi: string; verdict: string; reason: string }[] } } };
  const failing = record.results.kpis.kpis.filter((k) => k.verdict === 'fail');
  HOSTILE.forEach((text, i) => {
    const line = failing[i]!;
    line.kpi = text;
    line.segment = `segment ${text}`;
    line.reason = `reason ${text}`;
  });
  record.verdict.reasons.push(...HOSTILE);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return run.id;
}

export async function hostile(ws: string): Promise<Figure[]> {
  const id = await hostileRun(ws);
  const f = figure('Hostile data', `${HOSTILE.length} hostile strings (HTML, bidi, escapes, NUL, C1, emoji, 1 MB) in KPI names, segments, reasons: CLI reports`);
  const reason = `accepted ${HOSTILE.slice(0, 7).join(' | ')}`;
  const accept = await cli(['review', 'accept', id, '--kpi', HOSTILE[0], '--segment', `segment ${HOSTILE[0]}`, '--reason', reason.replaceAll('\u0000', '')], ws);
  note(f, `review accept exit ${accept.code}`);
  const reports: readonly (readonly string[])[] = [['gate', id], ['runs'], ['review', 'list'], ['explain', '--run', id], ['readiness'], ['gate', id, '--json'], ['runs', '--json']];
  for (const argv of reports) {
    const out = await cli(argv, ws);
    note(f, `${argv[0]} exit ${out.code}`);
    const problems: string[] = [];
    if (out.code === null || out.code > 3) problems.push(`exit ${out.code}: ${out.stderr.trim().split('\n').slice(-1)[0]?.slice(0, 200)}`);
    if (hasStackTrace(out.stderr)) problems.push('stack trace');
    const active = ACTIVE.exec(out.stdout) ?? ACTIVE.exec(out.stderr);
    if (active) problems.push(`printed a raw U+${active[0].codePointAt(0)!.toString(16).padStart(4, '0')} at …${JSON.stringify((out.stdout + out.stderr).slice(Math.max(0, (out.stdout.indexOf(active[0]) >= 0 ? out.stdout.indexOf(active[0]) : 0) - 30)).slice(0, 60))}`);
    if (argv.includes('--json') && argv[0] === 'gate' && !out.stdout.includes(JSON.stringify(HOSTILE[3]).slice(1, -1))) problems.push('the JSON does not keep the text exactly');
    tally(f, `cutover ${argv.join(' ')}`, problems);
  }
  return [f];
}
