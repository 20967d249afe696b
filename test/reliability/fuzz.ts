/**
 * Fuzzing (fast-check, seeded, bounded): generated cutover.json files, plans, runbooks, CSV files and Parquet schemas
 * go through the `cutover` CLI (in this process, as a user's command would run) → never a crash, a hang or a stack
 * trace; an error names the file, and for cutover.json its line and column. A failing case is kept with its seed and
 * index, so it can be replayed (and becomes a regression test in test/unit/reliability/).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigValidationError, parseConfig } from '../../src/core/config/load';
import { runCli } from '../unit/cli';
import { type Figure, figure, hasStackTrace, note, REPO, tally } from './harness';

/** A case that did not hang, crash or lose its place: the problems found, none when it behaved. */
type Check<T> = (value: T, dir: string, f: Figure) => Promise<string[]>;

/** No case may take longer than this (the inputs are small): longer is a hang. */
const HANG_MS = 15_000;

async function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`hang: ${what} took over ${HANG_MS / 1000} s`)), HANG_MS); });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `cutover <argv>` in `cwd` and returns what is wrong with how it ended: a crash, a stack trace, an error without the file. */
async function cliProblems(f: Figure, argv: readonly string[], cwd: string, file: string, needPlace: boolean): Promise<string[]> {
  const out = await bounded(runCli(argv, cwd), `cutover ${argv.join(' ')}`);
  note(f, `exit ${out.code}`);
  const problems: string[] = [];
  if (hasStackTrace(out.stderr) || hasStackTrace(out.stdout)) problems.push(`stack trace: ${out.stderr.slice(0, 300)}`);
  if (out.code >= 3) {
    if (!out.stderr.includes(file)) problems.push(`exit ${out.code}, the error does not name ${file}: ${out.stderr.trim().slice(0, 300)}`);
    else if (needPlace && !new RegExp(`${escape(file)}:\\d+:\\d+`).test(out.stderr)) problems.push(`exit ${out.code} without line:column: ${out.stderr.trim().slice(0, 300)}`);
  }
  return problems;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Draws `runs` values of `arb` with `seed` and checks each; the figure counts them. */
async function fuzz<T>(f: Figure, arb: fc.Arbitrary<T>, runs: number, seed: number, check: Check<T>): Promise<Figure> {
  const values = fc.sample(arb, { seed, numRuns: runs });
  const dir = mkdtempSync(join(tmpdir(), 'cutover fuzz '));
  try {
    for (const [i, value] of values.entries()) {
      let problems: string[];
      try {
        problems = await check(value, dir, f);
      } catch (error) {
        problems = [`threw ${error instanceof Error ? error.stack ?? error.message : String(error)}`.slice(0, 400)];
      }
      tally(f, `seed ${seed} case ${i}`, problems);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return f;
}

// ── Generators ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Text that trips parsers: markup, quotes, bidi and control characters, emoji, NUL, CR. */
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('<script>alert(1)</script>', '"', '\'', '`', ',', ';', '\\', '\u202e', '\u200f', '\u0000', '\r', '\r\n', '\t', '😀', '🏳️‍🌈', '${input}', '..', '/', '#', '[ ]', '[x]', '```', '~~~', '-', '*', '1.', '>', '<!--', '-->', '|'),
);
const words = fc.array(nasty, { maxLength: 5 }).map((parts) => parts.join(' '));

const exampleConfig = readFileSync(join(REPO, 'examples', 'loan-cutover', 'cutover.json'), 'utf8');
const exampleObject = parseConfig(exampleConfig, 'cutover.json') as unknown as Record<string, unknown>;

/** A JSON path into the example's config, to mutate. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return [prefix];
}
const configPaths = pathsOf(exampleObject).filter((p) => p.length > 0);

function mutate(root: unknown, path: readonly (string | number)[], replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(at)) at.splice(last as number, 1);
    else delete at[last];
  } else {
    at[last] = replacement;
  }
  return copy;
}

export const configText: fc.Arbitrary<string> = fc.oneof(
  // The example with one value replaced or removed: mostly schema errors deep in the file.
  fc.record({ path: fc.constantFrom(...configPaths), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), nasty), remove: fc.boolean(), indent: fc.constantFrom(0, 2) })
    .map(({ path, value, remove, indent }) => JSON.stringify(mutate(exampleObject, path, value, remove), null, indent)),
  // The example's text cut short or with a character replaced: syntax errors at every line and column.
  fc.record({ at: fc.nat(exampleConfig.length), with: fc.oneof(fc.constant(''), nasty) }).map(({ at, with: w }) => exampleConfig.slice(0, at) + w),
  fc.record({ at: fc.nat(exampleConfig.length - 1), with: nasty }).map(({ at, with: w }) => exampleConfig.slice(0, at) + w + exampleConfig.slice(at + 1)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const markdownLine = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 7 }), words).map(([n, t]) => `${'#'.repeat(n)} ${t}`),
  fc.tuple(fc.nat(6), fc.constantFrom('- [ ] ', '- [x] ', '* [X] ', '1. [ ] ', '- ', '1. ', '+ [ ]'), words).map(([n, m, t]) => `${' '.repeat(n)}${m}${t}`),
  fc.tuple(fc.constantFrom('```', '~~~', '```sh', '```bash', '````'), words).map(([f, t]) => `${f}${t}`),
  fc.constantFrom('', '---', '> - [ ] quoted', '<details>', '</details>', '<!-- cutover:criteria -->', '**Success Criteria:**', '**Tasks:**', '| a | b |', '|---|---|', '    indented code'),
  words,
);

export const markdownText: fc.Arbitrary<string> = fc.tuple(fc.array(markdownLine, { maxLength: 40 }), fc.constantFrom('\n', '\r\n', '\r')).map(([lines, eol]) => lines.join(eol));

export const runbookText: fc.Arbitrary<string> = fc.tuple(
  fc.array(fc.oneof(markdownLine, fc.tuple(fc.constantFrom('sh', 'bash', 'console', ''), fc.array(words, { maxLength: 3 })).map(([lang, body]) => `\`\`\`${lang}\n${body.join('\n')}\n\`\`\``)), { maxLength: 30 }),
  fc.constantFrom('\n', '\r\n'),
).map(([lines, eol]) => ['# Runbook', '', '## Steps', '', ...lines].join(eol));

/** A CSV file's text: a header of generated names and rows of generated values, quoted or (sometimes) not. */
const csvCell = fc.oneof(fc.integer().map(String), fc.double().map(String), nasty, fc.constant(''));

export const csvText: fc.Arbitrary<string> = fc.integer({ min: 1, max: 6 }).chain((width) => fc.record({
  header: fc.array(fc.oneof(fc.constantFrom('loan_id', 'balance', 'id', ''), nasty), { minLength: width, maxLength: width }),
  // Mostly rows of the header's width; some ragged.
  rows: fc.array(fc.oneof(
    { weight: 4, arbitrary: fc.array(csvCell, { minLength: width, maxLength: width }) },
    { weight: 1, arbitrary: fc.array(csvCell, { maxLength: width + 1 }) },
  ), { maxLength: 8 }),
  quote: fc.boolean(),
  eol: fc.constantFrom('\n', '\r\n'),
})).map(({ header, rows, quote, eol }) => {
  const cell = (v: string): string => (quote ? `"${v.replaceAll('"', '""')}"` : v);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join(eol);
});

const PARQUET_TYPES: Readonly<Record<string, string>> = {
  INTEGER: 'i::INTEGER', BIGINT: 'i::BIGINT * 1000000000', HUGEINT: 'i::HUGEINT', DOUBLE: 'i / 3.0', 'DECIMAL(18,3)': '(i / 7)::DECIMAL(18,3)',
  'DECIMAL(38,10)': '(i / 7)::DECIMAL(38,10)', VARCHAR: "'v' || i", BOOLEAN: 'i % 2 = 0', DATE: "DATE '2025-01-01' + i::INTEGER",
  TIMESTAMP: "TIMESTAMP '2025-01-01' + to_seconds(i::BIGINT)", 'TIMESTAMPTZ': "TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_seconds(i::BIGINT)",
  TIME: "TIME '01:02:03'", BLOB: "'\\x00\\xff'::BLOB", UUID: 'uuid()', INTERVAL: 'to_days(i::INTEGER)',
  'INTEGER[]': '[i, i + 1]', STRUCT: "{'a': i, 'b': 'x'}", MAP: "MAP {'k': i}", NULL: 'NULL', FLOAT: 'i::FLOAT / 3', 'NaN': "'NaN'::DOUBLE",
};

export interface ParquetCase {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: number;
  /** How V2 differs: same, a column's type changed, a column dropped, a column renamed. */
  readonly change: 'same' | 'type' | 'drop' | 'rename';
  readonly pick: number;
  readonly other: string;
}

export const parquetCase: fc.Arbitrary<ParquetCase> = fc.record({
  columns: fc.array(fc.record({ name: fc.oneof(fc.constantFrom('loan_id', 'balance', 'segment', 'kpi', 'value'), nasty.filter((n) => n.trim().length > 0 && !n.includes('\0') && !n.includes(','))), type: fc.constantFrom(...Object.keys(PARQUET_TYPES)) }), { minLength: 1, maxLength: 6 })
    .map((cols) => cols.filter((c, i) => cols.findIndex((d) => d.name.toLowerCase() === c.name.toLowerCase()) === i)),
  rows: fc.constantFrom(0, 1, 5, 50),
  change: fc.constantFrom('same', 'type', 'drop', 'rename'),
  pick: fc.nat(),
  other: fc.constantFrom(...Object.keys(PARQUET_TYPES)),
});

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

// ── Checks ─────────────────────────────────────────────────────────────────────────────────────────────────────

const configCheck: Check<string> = async (text, dir, f) => {
  const file = join(dir, 'cutover.json');
  const problems: string[] = [];
  try {
    parseConfig(text, file);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) problems.push(`parseConfig threw ${(error as Error)?.name}: ${String((error as Error)?.message).slice(0, 200)}`);
    else if (error.issues.some((i) => !(i.line >= 1 && i.column >= 1))) problems.push('an issue without line and column');
  }
  writeFileSync(file, text);
  problems.push(...await cliProblems(f, ['runs', '--config', file], dir, file, true));
  return problems;
};

const planCheck: Check<string> = async (text, dir, f) => {
  const file = join(dir, 'plan.md');
  writeFileSync(file, text);
  return cliProblems(f, ['checklist', '--json', file], dir, file, text.includes('\0'));
};

const runbookCheck: Check<string> = async (text, dir, f) => {
  const file = join(dir, 'runbook.md');
  writeFileSync(file, text);
  return cliProblems(f, ['runbook', 'list', '--json', file], dir, file, false);
};

const csvCheck: Check<string> = async (text, dir, f) => {
  const v1 = join(dir, 'v1.csv');
  const v2 = join(dir, 'v2.csv');
  writeFileSync(v1, text);
  // V2: the same text with its last line dropped (rows missing on one side).
  writeFileSync(v2, text.split('\n').slice(0, -1).join('\n'));
  // The first header cell as the key, when it can be passed as one (--key splits on commas).
  const first = text.split(/\r?\n/)[0]?.split(',')[0]?.replace(/^"|"$/g, '') ?? '';
  const key = first.trim() !== '' && !first.includes('"') ? first : 'loan_id';
  const out = await bounded(runCli(['compare', v1, v2, '--key', key, '--no-record'], dir), 'compare of two CSV files');
  note(f, `exit ${out.code}`);
  const problems: string[] = [];
  if (hasStackTrace(out.stderr)) problems.push(`stack trace: ${out.stderr.slice(0, 300)}`);
  if (out.code >= 3 && !out.stderr.includes(v1) && !out.stderr.includes(v2) && !out.stderr.includes(key)) problems.push(`exit ${out.code}, the error names no file or key: ${out.stderr.trim().slice(0, 300)}`);
  return problems;
};

function parquetCheck(engine: { exec(sql: string): Promise<unknown> }): Check<ParquetCase> {
  return async (c, dir, f) => {
    const v1 = join(dir, 'v1.parquet');
    const v2 = join(dir, 'v2.parquet');
    const select = (cols: readonly { name: string; type: string }[]): string =>
      `COPY (SELECT ${cols.map((col) => `${PARQUET_TYPES[col.type]} AS ${quoteIdent(col.name)}`).join(', ')} FROM range(${c.rows}) t(i)) TO `;
    await engine.exec(`${select(c.columns)}${quoteString(v1)} (FORMAT parquet)`);
    const pick = c.pick % c.columns.length;
    const changed = c.change === 'same' ? c.columns
      : c.change === 'drop' && c.columns.length > 1 ? c.columns.filter((_, i) => i !== pick)
      : c.change === 'rename' ? c.columns.map((col, i) => (i === pick ? { ...col, name: `${col.name}_v2` } : col))
      : c.columns.map((col, i) => (i === pick ? { ...col, type: c.other } : col));
    await engine.exec(`${select(changed)}${quoteString(v2)} (FORMAT parquet)`);
    const key = c.columns[0]!.name;
    const out = await bounded(runCli(['compare', v1, v2, '--key', key, '--no-record'], dir), 'compare of two Parquet files');
    note(f, `exit ${out.code}`);
    const problems: string[] = [];
    if (hasStackTrace(out.stderr)) problems.push(`stack trace: ${out.stderr.slice(0, 300)}`);
    if (out.code >= 3 && !out.stderr.includes(v1) && !out.stderr.includes(v2) && !out.stderr.includes(key)) problems.push(`exit ${out.code}, the error names no file or column: ${out.stderr.trim().slice(0, 300)}`);
    // A wrong pass is the worst bug: empty tables, or a column dropped or renamed on one side, never pass.
    const lostColumn = (c.change === 'drop' || c.change === 'rename') && changed.length > 0 && c.columns.length > 1;
    if (out.code === 0 && (c.rows === 0 || lostColumn)) problems.push(`PASS (exit 0) with ${c.rows === 0 ? 'empty tables' : `a column ${c.change === 'drop' ? 'dropped' : 'renamed'}`}: ${out.stdout.trim().split('\n').slice(-3).join(' | ')}`);
    return problems;
  };
}

/** The five fuzzers, `runs` cases each, with `seed`. */
export async function fuzzing(runs: number, seed: number, only?: readonly string[]): Promise<Figure[]> {
  const want = (name: string): boolean => only === undefined || only.includes(name);
  const figures: Figure[] = [];
  if (want('config')) figures.push(await fuzz(figure('Fuzzing', '`cutover.json` (mutated, cut short, random): error with file:line:column'), configText, runs, seed, configCheck));
  if (want('plan')) figures.push(await fuzz(figure('Fuzzing', 'plan markdown: `cutover checklist`'), markdownText, runs, seed, planCheck));
  if (want('runbook')) figures.push(await fuzz(figure('Fuzzing', 'runbook markdown: `cutover runbook list`'), runbookText, runs, seed, runbookCheck));
  if (want('csv')) figures.push(await fuzz(figure('Fuzzing', 'CSV headers and values: `cutover compare`'), csvText, runs, seed, csvCheck));
  if (want('parquet')) {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      figures.push(await fuzz(figure('Fuzzing', 'Parquet schemas (types, names, changes): `cutover compare`'), parquetCase, runs, seed, parquetCheck({ exec: (sql) => conn.run(sql) })));
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  }
  return figures;
}
