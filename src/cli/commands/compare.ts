/**
 * `cutover compare <v1> <v2> --key COLS …`: any two tables, no config needed. Row-level comparison by default,
 * KPI comparison with `--kpis`. Records a run in `<cwd>/.cutover/runs` unless `--no-record`; exit code is the
 * verdict (0 pass, 1 fail, 2 inconclusive). Either side may be a PostgreSQL table (a postgres:// reference or a
 * supabase channel of cutover.json by name): against a file it is compared by segment checksums; two tables in one
 * database are compared by SQL run in that database.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { compareTables } from '../../core/engine/compare';
import { Secrets } from '../../core/channels/secrets';
import { findConfig, loadConfig } from '../../core/config/load';
import { compareWithDatabase } from '../../core/engine/remote/compare';
import { compareInDatabase } from '../../core/engine/remote/inDatabase';
import type { TableReference } from '../../core/engine/remote/reference';
import { channelReference, isTableReference, parseTableReference } from '../../core/engine/remote/reference';
import { defaultFailLine, defaultPassLine } from '../../core/engine/judge';
import type { CompareOutcome } from '../../core/engine/compare';
import { typeChangeNote } from '../../core/engine/schema';
import { UsageError } from '../../core/errors';
import { formatPercent } from '../../core/percent';
import { sha256Files } from '../../core/runs/hash';
import { RunStore } from '../../core/runs/store';
import { typedArgv } from '../argv';
import type { CliContext } from '../context';
import type { EngineFlags } from '../engine-options';
import { addEngineOptions, parseEngineFlags } from '../engine-options';
import { exitCodeOf } from '../exitCodes';
import type { KpiFlags } from '../options';
import { addKpiOptions, collect, parseColumns, parseColumnTolerances, parseFormat, parseKpiFlags, parseNumber, parsePairs } from '../options';
import { Progress } from '../progress';
import { recordInput } from '../runInputs';
import { fmtNumber, textTable } from '../textTable';
import { withEngine } from '../withEngine';

interface CompareFlags extends KpiFlags, EngineFlags {
  key?: string;
  relTol?: string;
  ignore?: string;
  kpis?: boolean;
  format?: string;
  sample?: string;
  tol?: string[];
  type?: string[];
  map?: string[];
  ignoreColumnCase?: boolean;
  ignoreSpaces?: boolean;
  ignoreCase?: boolean;
  nullKeysMatch?: boolean;
  record: boolean;
  json?: boolean;
}

/**
 * The table reference an argument names: a postgres:// reference, or the name of a channel in the nearest
 * cutover.json when no file or glob of that name exists; undefined for a file.
 */
function tableReference(ctx: CliContext, arg: string, side: 'v1' | 'v2', secrets: Secrets): TableReference | undefined {
  if (isTableReference(arg)) return parseTableReference(arg);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(arg) || existsSync(resolve(ctx.cwd, arg))) return undefined;
  const file = findConfig(ctx.cwd);
  const channel = file === undefined ? undefined : loadConfig(file).config.channels?.[arg];
  return channel === undefined ? undefined : channelReference(arg, channel, side, secrets);
}

function printHuman(ctx: CliContext, o: CompareOutcome, runDir: string | null): void {
  const out: string[] = [];
  out.push(`V1  ${o.v1.path}  (${fmtNumber(o.v1.rows)} rows, ${o.v1.columns.length} columns)`);
  out.push(`V2  ${o.v2.path}  (${fmtNumber(o.v2.rows)} rows, ${o.v2.columns.length} columns)`);
  const s = o.schema;
  if (s.identical) out.push('schema: identical');
  else {
    for (const n of s.missingInV2) out.push(`schema: column ${n} missing in V2`);
    for (const n of s.missingInV1) out.push(`schema: column ${n} only in V2`);
    for (const t of s.typeChanges) out.push(`schema: ${t.name} ${t.v1Type} → ${t.v2Type} (${typeChangeNote(t)})`);
    for (const c of s.columns) if (c.v2Name !== undefined) out.push(`schema: ${c.name} is ${c.v2Name} in V2`);
  }
  if (o.rows) {
    const r = o.rows.rows;
    out.push(`rows: matched ${fmtNumber(r.matched)} · only V1 ${fmtNumber(r.onlyV1)} · only V2 ${fmtNumber(r.onlyV2)} · changed ${fmtNumber(r.changed)} · duplicate keys ${fmtNumber(r.duplicateKeysV1)}/${fmtNumber(r.duplicateKeysV2)} · null key rows ${fmtNumber(r.nullKeysV1)}/${fmtNumber(r.nullKeysV2)}`);
    if (o.rows.columns.length > 0) {
      out.push('');
      out.push(textTable([
        ['column', 'mismatches', 'null mismatches', 'max |Δ|', 'max rel'],
        ...o.rows.columns.map((c) => [c.name, fmtNumber(c.mismatches), fmtNumber(c.nullMismatches), c.maxAbsDiffExact ?? fmtNumber(c.maxAbsDiff), fmtNumber(c.maxRelDiff)]),
      ]));
    }
  }
  if (o.kpis) {
    const shown = o.kpis.kpis.filter((k) => k.verdict !== 'pass').slice(0, 20);
    const c = o.kpis.counts;
    out.push(`KPIs: ${c.total} compared · ${c.pass} pass · ${c.inconclusive} inconclusive · ${c.fail} fail`);
    if (shown.length > 0) {
      out.push('');
      out.push(textTable([
        ['segment', 'kpi', 'V1', 'V2', 'variance', 'verdict', 'reason'],
        ...shown.map((k) => [k.segment, k.kpi, fmtNumber(k.v1), fmtNumber(k.v2), formatPercent(k.relVariance, k.nonFinite?.relVariance), k.verdict, k.reason]),
      ]));
    }
  }
  out.push('');
  out.push(`verdict: ${o.verdict.toUpperCase()} — ${o.reasons.join('; ')}`);
  if (runDir) out.push(`run: ${runDir}`);
  ctx.stdout.write(`${out.join('\n')}\n`);
}

export function registerCompare(program: Command, ctx: CliContext): void {
  const command = program
    .command('compare')
    .description('Compare two tables (Parquet, CSV, globs, hive folders): row-level by key, or KPI tables with --kpis')
    .argument('<v1>', 'V1 table: file, glob or folder, postgres://[user@]host[:port]/db#schema.table (password from PGPASSWORD), or a supabase channel name from cutover.json')
    .argument('<v2>', 'V2 table: the same kinds; two tables in one database are compared by SQL run there')
    .option('--key <cols>', 'key columns, comma-separated (row-level comparison)')
    .option('--abs-tol <x>', 'absolute tolerance (numeric columns; KPIs)')
    .option('--rel-tol <y>', 'relative tolerance for numeric columns: |v1-v2| ≤ abs + rel·|v1|, relative to V1, the reference (datacompy scales by its second frame)')
    .option('--tol <col=abs:x|rel:y>', 'a column\'s own tolerance, e.g. balance=abs:0.01 or rate=rel:1e-6 (repeatable)', collect)
    .option('--ignore <cols>', 'columns not to compare, comma-separated')
    .option('--ignore-spaces', 'strings: ignore surrounding whitespace (values and keys), e.g. CHAR padding')
    .option('--ignore-case', 'strings: ignore case (values and keys)')
    .option('--ignore-column-case', 'match column names ignoring case (e.g. Oracle/Snowflake upper-case names)')
    .option('--map <v1=v2>', 'a renamed column: its V1 name and its V2 name (repeatable)', collect)
    .option('--type <col=TYPE>', 'read a column as this DuckDB type on both sides, e.g. refer_nr=VARCHAR (repeatable)', collect)
    .option('--null-keys-match', 'pair rows whose keys are equal counting null as a value (default: a null key part never matches)')
    .option('--kpis', 'compare KPI tables instead of rows');
  addEngineOptions(addKpiOptions(command))
    .option('--format <format>', 'force the input format: parquet or csv')
    .option('--sample <n>', 'mismatching rows to show', '20')
    .option('--no-record', 'do not record a run in .cutover/runs')
    .option('--json', 'print one JSON document on stdout')
    .action(async (v1: string, v2: string, flags: CompareFlags, cmd: Command) => {
      const format = parseFormat(flags.format);
      const kpi = parseKpiFlags(flags);
      const abs = kpi.abs ?? 0;
      const rel = parseNumber('--rel-tol', flags.relTol);
      const sampleSize = parseNumber('--sample', flags.sample) ?? 20;
      const keys = parseColumns(flags.key);
      const types = parsePairs('--type', flags.type, 'TYPE');
      const matching = { ignoreColumnCase: flags.ignoreColumnCase ?? false, columnMap: parsePairs('--map', flags.map, 'V2_NAME') };
      const rowOptions = {
        keys,
        ignore: parseColumns(flags.ignore),
        tolerance: { abs, rel: rel ?? 0 },
        columnTolerances: parseColumnTolerances(flags.tol),
        ignoreSpaces: flags.ignoreSpaces ?? false,
        ignoreCase: flags.ignoreCase ?? false,
        nullKeysMatch: flags.nullKeysMatch ?? false,
      };
      if (!flags.kpis && keys.length === 0) throw new UsageError('compare needs --key COLS for a row-level comparison (or --kpis for KPI tables)');
      const thresholds = flags.kpis
        ? { mode: 'kpis', abs, passLine: kpi.passLine ?? defaultPassLine, failLine: kpi.failLine ?? defaultFailLine, segments: kpi.table.segmentColumns, layout: kpi.table.layout }
        : { mode: 'rows', ...rowOptions, types, ...matching };

      const engineOptions = parseEngineFlags(flags, ctx.cwd);
      const secrets = new Secrets();
      const refs = { v1: tableReference(ctx, v1, 'v1', secrets), v2: tableReference(ctx, v2, 'v2', secrets) };
      const remote = refs.v1 !== undefined || refs.v2 !== undefined;
      const inDatabase = refs.v1 !== undefined && refs.v2 !== undefined;
      if (remote && flags.kpis) throw new UsageError('--kpis compares files only; a database table is compared row by row (--key)');
      if (remote && !inDatabase) {
        // The segment checksums pair columns by name; two tables in one database take either option.
        const refused = [...(matching.ignoreColumnCase ? ['--ignore-column-case'] : []), ...(Object.keys(matching.columnMap).length > 0 ? ['--map'] : [])];
        if (refused.length > 0) throw new UsageError(`${refused.join(' and ')}: not supported between a database table and a file (columns are paired by name there); both tables in one database, or two files, take it`);
      }
      if (inDatabase && Object.keys(types).length > 0) throw new UsageError('--type: two database tables keep their database column types (cast in a view to change one)');
      const writer = flags.record ? await new RunStore(ctx.cwd).begin('compare', { argv: typedArgv(cmd), cwd: ctx.cwd, thresholds, id: ctx.runId }) : undefined;
      const progress = new Progress(ctx, 'compare', inDatabase ? 3 : remote ? 5 : 4);
      await withEngine(progress, writer, async (engine) => {
        const source = (path: string): { path: string; format?: 'parquet' | 'csv'; types: Record<string, string> } => (format ? { path, format, types } : { path, types });
        // Inputs are hashed while DuckDB compares them.
        let hashes: Promise<[string, string]> | undefined;
        const onPhase = (name: string, ms: number): void => {
          progress.phase(name, ms);
          writer?.addPhase(name, ms);
        };
        const onRows = (n1: number, n2: number): void => progress.rows(`V1 ${fmtNumber(n1)} rows, V2 ${fmtNumber(n2)} rows`);
        const run = (): Promise<CompareOutcome> => (refs.v1 !== undefined && refs.v2 !== undefined
          ? compareInDatabase({ v1: refs.v1, v2: refs.v2, rows: { ...rowOptions, sampleSize }, matching, onRows, onPhase })
          : remote
          ? compareWithDatabase(engine, {
            v1: refs.v1 !== undefined ? { database: refs.v1 } : { file: source(v1) },
            v2: refs.v2 !== undefined ? { database: refs.v2 } : { file: source(v2) },
            cwd: ctx.cwd,
            rows: { ...rowOptions, sampleSize },
            ...(writer ? { outDir: writer.dir } : {}),
            onRows,
            onPhase,
          })
          : compareTables(engine, {
          v1: source(v1),
          v2: source(v2),
          cwd: ctx.cwd,
          matching,
          ...(flags.kpis ? { kpis: { layout: kpi.table, judge: kpi.judge } } : { rows: { ...rowOptions, sampleSize } }),
          ...(writer ? { outDir: writer.dir } : {}),
          onPhase,
          onLoaded: (t1, t2) => {
            onRows(t1.rows, t2.rows);
            if (writer) hashes = Promise.all([sha256Files(t1.files), sha256Files(t2.files)]);
          },
        }));
        let outcome: CompareOutcome;
        try {
          outcome = await run();
        } catch (error) {
          // A channel's connection string must not reach the run record or the terminal, whatever the error says.
          throw secrets.scrub(error);
        }
        if (writer && hashes) {
          const [h1, h2] = await hashes;
          await recordInput(writer, 'v1', outcome.tables.v1, h1);
          await recordInput(writer, 'v2', outcome.tables.v2, h2);
        }
        // A database table has no files to hash: the file side is recorded, the table is named in the results.
        if (writer && 'remote' in outcome) {
          for (const role of ['v1', 'v2'] as const) {
            const table = outcome.tables[role];
            if (table.format !== 'postgres') await recordInput(writer, role, table);
          }
        }
        const runDir = writer ? writer.finalDir : null;
        const rows = outcome.rows && outcome.rows.mismatches && writer
          ? { ...outcome.rows, mismatches: { ...outcome.rows.mismatches, path: join(writer.finalDir, 'mismatches.parquet') } }
          : outcome.rows;
        if (writer && outcome.rows?.mismatches) await writer.addFile('outputs', outcome.rows.mismatches.path, { role: 'mismatches', rows: outcome.rows.mismatches.rows });
        const results = {
          v1: outcome.v1,
          v2: outcome.v2,
          schema: outcome.schema,
          ...(rows ? { rows: { ...rows, mismatches: rows.mismatches ? { path: 'mismatches.parquet', rows: rows.mismatches.rows } : null } } : {}),
          ...(outcome.kpis ? { kpis: outcome.kpis } : {}),
          ...('remote' in outcome ? { remote: outcome.remote } : {}),
        };
        await writer?.finish({ verdict: { verdict: outcome.verdict, reasons: [...outcome.reasons] }, results, duckdbVersion: engine.duckdbVersion });
        progress.phase('record', 0);
        progress.stop();
        if (flags.json) {
          const doc = {
            verdict: outcome.verdict,
            reasons: outcome.reasons,
            runId: writer?.id ?? null,
            runDir,
            duckdb: engine.duckdbVersion,
            v1: outcome.v1,
            v2: outcome.v2,
            schema: outcome.schema,
            ...(rows ? { keys: rows.keys, rows: rows.rows, columns: rows.columns, sample: rows.sample, mismatches: rows.mismatches } : {}),
            ...(outcome.kpis ? { kpiCounts: outcome.kpis.counts, kpis: outcome.kpis.kpis } : {}),
            ...('remote' in outcome ? { remote: outcome.remote } : {}),
          };
          ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        } else {
          printHuman(ctx, rows ? { ...outcome, rows } : outcome, runDir);
        }
        ctx.setExitCode(exitCodeOf(outcome.verdict));
      }, engineOptions);
    });
}
