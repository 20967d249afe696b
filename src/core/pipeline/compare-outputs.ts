/**
 * The comparison half of a shadow run: maps `cutover.json` → `compare` onto the engine and compares what V1 and V2
 * wrote. KPI tables are compared on their segments (with the V1/V1′ noise floor when V1 ran twice), loan-level
 * tables row by row on `compare.keys`, the declarative KPIs are computed by the engine from both loan-level
 * tables, and each loan-level table is profiled (nulls, NaN, values out of bounds).
 *
 * Verdict: the worst of the KPI comparison, the row comparison and the declarative V1-vs-V2 comparison. The
 * declarative self-checks (each pipeline's KPI table against the declared definitions on its own loan-level output)
 * are reported beside it but do not change it: V1 may well disagree with a definition V2 was written to fix.
 */
import { join, resolve } from 'node:path';
import type { CompareConfig, PipelineConfig } from '../config/schema';
import type { LoadedConfig } from '../config/load';
import { checkColumnMap } from '../engine/columns';
import { declarativeRelation } from '../engine/declarative';
import type { Engine } from '../engine/duckdb';
import { openEngine } from '../engine/duckdb';
import { memorySetting } from '../engine/memory';
import { summarize, worstVerdict } from '../engine/judge';
import { compareKpiRelations, compareKpiTables, kpiRelation } from '../engine/kpis';
import { applyNoiseFloor } from '../engine/noise';
import { profileTable } from '../engine/profile';
import { compareRows } from '../engine/rows';
import { compareSchemas } from '../engine/schema';
import { loadTable } from '../engine/source';
import type {
  DeclarativeKpis,
  KpiComparison,
  KpiJudgeOptions,
  KpiTableLayout,
  LoadedTable,
  RowComparison,
  SchemaComparison,
  TableProfile,
  Verdict,
} from '../engine/types';

export interface TableSummary {
  readonly path: string;
  readonly format: LoadedTable['format'];
  readonly rows: number;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

export interface DeclarativeResult {
  /** The declared KPIs computed on V1's and on V2's loan-level output, compared. */
  readonly comparison: KpiComparison;
  /** Each pipeline's own KPI table against the declared KPIs on its own loan-level output (shared KPI names only). */
  readonly selfCheck: { readonly v1: KpiComparison; readonly v2: KpiComparison };
}

export interface OutputComparison {
  readonly verdict: Verdict;
  /** One line per part that is not a pass, worst first. */
  readonly reasons: readonly string[];
  readonly tables: {
    readonly v1: { readonly kpis: TableSummary; readonly loans?: TableSummary };
    readonly v2: { readonly kpis: TableSummary; readonly loans?: TableSummary };
  };
  readonly schemas: { readonly kpis: SchemaComparison; readonly loans?: SchemaComparison };
  readonly kpis: KpiComparison;
  /** V1 against its second run, when the noise floor was measured. */
  readonly noise?: KpiComparison;
  readonly rows?: RowComparison;
  readonly declarative?: DeclarativeResult;
  readonly profiles?: { readonly v1: TableProfile; readonly v2: TableProfile };
  readonly duckdbVersion: string;
}

export interface OutputDirs {
  readonly v1: string;
  readonly v2: string;
  /** V1's second run, for the noise floor. */
  readonly v1Noise?: string;
}

function summary(t: LoadedTable): TableSummary {
  return { path: t.files.length === 1 ? (t.files[0] ?? t.source.path) : t.source.path, format: t.format, rows: t.rows, columns: t.columns };
}

/** The KPI thresholds cutover.json sets (defaults where it is silent). */
export function judgeOptions(compare: CompareConfig | undefined): KpiJudgeOptions {
  return { passLine: compare?.passLine, failLine: compare?.failLine, perKpi: compare?.tolerances?.kpis };
}

/** How a pipeline's KPI table is laid out, per cutover.json. */
export function layoutOf(pipeline: PipelineConfig, compare: CompareConfig | undefined): KpiTableLayout {
  return { layout: pipeline.outputs.kpis.layout, segmentColumns: compare?.segmentColumns ?? ['segment'] };
}

function declared(compare: CompareConfig): DeclarativeKpis | undefined {
  const kpis = compare.kpis;
  if (!kpis || kpis.definitions.length === 0) return undefined;
  return { kpis: kpis.definitions, dimensions: kpis.dimensions, composites: kpis.composites };
}

/** Declared KPIs on `loans` against the pipeline's own KPI table, on the KPI names both have. */
async function selfCheck(engine: Engine, kpis: LoadedTable, loans: LoadedTable, layout: KpiTableLayout, defs: DeclarativeKpis, options: KpiJudgeOptions): Promise<KpiComparison> {
  const own = kpiRelation(kpis, layout);
  const computed = await declarativeRelation(engine, loans, defs);
  const shared = `SELECT * FROM (${computed}) WHERE "__kpi" IN (SELECT "__kpi" FROM (${own}))`;
  const ownShared = `SELECT * FROM (${own}) WHERE "__kpi" IN (SELECT "__kpi" FROM (${computed}))`;
  return summarize(await compareKpiRelations(engine, ownShared, shared, options, false));
}

function line(part: string, c: { verdict: Verdict; counts: { fail: number; inconclusive: number; total: number } }): string {
  return `${part}: ${c.counts.fail} of ${c.counts.total} KPIs fail, ${c.counts.inconclusive} inconclusive`;
}

/** Compares the outputs the pipelines wrote into `dirs`. Throws InputError when an expected output is missing or unreadable. */
export async function compareOutputs(loaded: LoadedConfig, dirs: OutputDirs, runDir: string, signal?: AbortSignal): Promise<OutputComparison> {
  const { pipelines, compare } = loaded.config;
  const engine = await openEngine({
    signal,
    memoryLimit: memorySetting(compare?.memoryLimit),
    ...(compare?.tempDirectory !== undefined ? { spillParent: resolve(loaded.dir, compare.tempDirectory) } : {}),
  });
  try {
    const table = (dir: string, out: { path: string; format?: 'parquet' | 'csv'; types?: Record<string, string> }, name: string, label: string) =>
      loadTable(engine, { path: join(dir, out.path), format: out.format, label, types: out.types }, name);
    const kpi1 = await table(dirs.v1, pipelines.v1.outputs.kpis, 'v1_kpis', 'V1 KPI table');
    const kpi2 = await table(dirs.v2, pipelines.v2.outputs.kpis, 'v2_kpis', 'V2 KPI table');
    const options = judgeOptions(compare);
    let kpis = await compareKpiTables(engine, kpi1, kpi2, layoutOf(pipelines.v1, compare), options);
    let noise: KpiComparison | undefined;
    if (dirs.v1Noise !== undefined) {
      const kpiNoise = await table(dirs.v1Noise, pipelines.v1.outputs.kpis, 'v1n_kpis', 'V1 (second run) KPI table');
      noise = await compareKpiTables(engine, kpi1, kpiNoise, layoutOf(pipelines.v1, compare), options);
      kpis = applyNoiseFloor(kpis, noise);
    }

    const loansOut1 = pipelines.v1.outputs.loans;
    const loansOut2 = pipelines.v2.outputs.loans;
    let loans: { v1: LoadedTable; v2: LoadedTable; schema: SchemaComparison } | undefined;
    if (loansOut1 && loansOut2) {
      const types = compare?.types ?? {};
      const v1 = await table(dirs.v1, { ...loansOut1, types }, 'v1_loans', 'V1 loan-level table');
      const v2 = await table(dirs.v2, { ...loansOut2, types }, 'v2_loans', 'V2 loan-level table');
      checkColumnMap(v1, v2, compare?.columnMap);
      loans = { v1, v2, schema: compareSchemas(v1.columns, v2.columns, { ignoreColumnCase: compare?.ignoreColumnCase, columnMap: compare?.columnMap }) };
    }

    let rows: RowComparison | undefined;
    let declarative: DeclarativeResult | undefined;
    let profiles: OutputComparison['profiles'];
    if (loans) {
      if (compare) {
        rows = await compareRows(engine, loans.v1, loans.v2, loans.schema, {
          keys: compare.keys,
          ignore: compare.ignoreColumns,
          tolerance: compare.tolerances?.default,
          columnTolerances: compare.tolerances?.columns,
          ignoreSpaces: compare.ignoreSpaces,
          ignoreCase: compare.ignoreCase,
          nullKeysMatch: compare.nullKeysMatch,
          mismatchesPath: join(runDir, 'mismatches.parquet'),
        });
        const defs = declared(compare);
        if (defs) {
          const sql1 = await declarativeRelation(engine, loans.v1, defs);
          const sql2 = await declarativeRelation(engine, loans.v2, defs);
          declarative = {
            comparison: summarize(await compareKpiRelations(engine, sql1, sql2, options, false)),
            selfCheck: {
              v1: await selfCheck(engine, kpi1, loans.v1, layoutOf(pipelines.v1, compare), defs, options),
              v2: await selfCheck(engine, kpi2, loans.v2, layoutOf(pipelines.v2, compare), defs, options),
            },
          };
        }
      }
      // Bounds apply to the columns each side has; a bound on a column neither has is a config mistake the engine reports.
      const bounds = (t: LoadedTable) => Object.fromEntries(Object.entries(compare?.bounds ?? {}).filter(([c]) => t.columns.some((x) => x.name === c)));
      profiles = { v1: await profileTable(engine, loans.v1, bounds(loans.v1)), v2: await profileTable(engine, loans.v2, bounds(loans.v2)) };
    }

    const parts: { name: string; verdict: Verdict; reason: string }[] = [{ name: 'kpis', verdict: kpis.verdict, reason: line('KPI tables', kpis) }];
    if (rows) parts.push({ name: 'rows', verdict: rows.verdict, reason: `loan-level rows: ${rows.reasons.join('; ') || rows.verdict}` });
    if (declarative) parts.push({ name: 'declarative', verdict: declarative.comparison.verdict, reason: line('declarative KPIs', declarative.comparison) });
    const verdict = worstVerdict(parts.map((p) => p.verdict));
    const order: Record<Verdict, number> = { fail: 0, inconclusive: 1, pass: 2 };
    const reasons = parts
      .filter((p) => p.verdict !== 'pass')
      .sort((a, b) => order[a.verdict] - order[b.verdict])
      .map((p) => p.reason);

    return {
      verdict,
      reasons,
      tables: {
        v1: { kpis: summary(kpi1), ...(loans ? { loans: summary(loans.v1) } : {}) },
        v2: { kpis: summary(kpi2), ...(loans ? { loans: summary(loans.v2) } : {}) },
      },
      schemas: { kpis: compareSchemas(kpi1.columns, kpi2.columns), ...(loans ? { loans: loans.schema } : {}) },
      kpis,
      ...(noise ? { noise } : {}),
      ...(rows ? { rows } : {}),
      ...(declarative ? { declarative } : {}),
      ...(profiles ? { profiles } : {}),
      duckdbVersion: engine.duckdbVersion,
    };
  } finally {
    engine.close();
  }
}
