/**
 * Plain option and result types of the comparison engine. They do not depend on `cutover.json`: callers (the CLI,
 * `cutover shadow`) map their configuration onto these. Every result type is JSON-safe as is: a non-finite number
 * is stored as `null` and named in a `nonFinite` map (e.g. `{ relVariance: 'Infinity' }`), so `JSON.stringify`
 * never loses it silently.
 */

import type { KpiLine, NonFinite as NonFiniteName, Verdict as VerdictName } from '../runs/results';

export type Verdict = VerdictName;
export type NonFinite = NonFiniteName;

/** Where a table comes from: a file, a glob, or a (hive-partitioned) folder. */
export interface TableSource {
  readonly path: string;
  /** Inferred from the extension (.parquet, .csv, .csv.gz, .tsv) or the files in a folder when absent. */
  readonly format?: 'parquet' | 'csv';
  /** Name used in messages, e.g. "V1 KPI table" (default: the path). */
  readonly label?: string;
  /** Column types forced by the user, e.g. `{ refer_nr: 'VARCHAR' }` (DuckDB type names). */
  readonly types?: Readonly<Record<string, string>>;
}

export interface ColumnInfo {
  readonly name: string;
  /** DuckDB type name, e.g. BIGINT, DOUBLE, DECIMAL(18,2), VARCHAR. */
  readonly type: string;
}

/** A source registered in an engine as a view or temp table named `relation` (already quoted SQL). */
export interface LoadedTable {
  readonly source: TableSource;
  readonly format: 'parquet' | 'csv' | 'postgres';
  /** SQL to select from, e.g. `"v1"`. */
  readonly relation: string;
  /** Absolute paths of the files read, sorted. */
  readonly files: readonly string[];
  readonly columns: readonly ColumnInfo[];
  readonly rows: number;
}

/** Numeric tolerance: |v1 − v2| ≤ abs + rel·|v1| counts as equal. */
export interface Tolerance {
  readonly abs?: number;
  readonly rel?: number;
}

export type ColumnKind = 'numeric' | 'text' | 'exact';

export interface SchemaColumn {
  /** The column's name in V1 (in V2 when only V2 has it). */
  readonly name: string;
  /** Its name in V2 when that differs (a mapped or case-insensitively matched column). */
  readonly v2Name?: string;
  readonly v1Type: string | null;
  readonly v2Type: string | null;
  /** How matched rows are compared: numeric (with tolerance), exact (same non-numeric type) or text (cast to VARCHAR). */
  readonly compareAs: ColumnKind | null;
  readonly change: 'none' | 'missingInV1' | 'missingInV2' | 'widening' | 'incompatible';
}

/** How V2's columns are paired with V1's: by exact name unless mapped or matched ignoring case. */
export interface ColumnMatching {
  /** Match column names case-insensitively (Oracle/Snowflake upper-case names). */
  readonly ignoreColumnCase?: boolean;
  /** Renamed columns: V1 name → V2 name. */
  readonly columnMap?: Readonly<Record<string, string>>;
}

export interface SchemaComparison {
  readonly columns: readonly SchemaColumn[];
  readonly missingInV1: readonly string[];
  readonly missingInV2: readonly string[];
  readonly typeChanges: readonly { name: string; v1Type: string; v2Type: string; incompatible: boolean }[];
  /** True when both sides have the same columns with the same types. */
  readonly identical: boolean;
}

export interface RowCompareOptions {
  readonly keys: readonly string[];
  readonly ignore?: readonly string[];
  /** Default tolerance for numeric columns (default exact: abs 0, rel 0). */
  readonly tolerance?: Tolerance;
  readonly columnTolerances?: Readonly<Record<string, Tolerance>>;
  /** Strings (compared values and keys): ignore surrounding whitespace, e.g. CHAR padding. */
  readonly ignoreSpaces?: boolean;
  /** Strings (compared values and keys): ignore case. */
  readonly ignoreCase?: boolean;
  /** Rows whose keys are equal with nulls counting as equal values are paired (default: a null key part never matches). */
  readonly nullKeysMatch?: boolean;
  /** Mismatching rows returned in `sample` (default 20). */
  readonly sampleSize?: number;
  /** When set, the full mismatch set is written there as Parquet (`COPY … TO`). */
  readonly mismatchesPath?: string;
}

export interface ColumnStats {
  readonly name: string;
  readonly compareAs: ColumnKind;
  /** Matched rows whose values differ beyond tolerance, null-on-one-side included. */
  readonly mismatches: number;
  /** Matched rows where exactly one side is null (a subset of `mismatches`). */
  readonly nullMismatches: number;
  /** Largest |v1 − v2| over matched rows with finite values on both sides (numeric columns), else null. */
  readonly maxAbsDiff: number | null;
  /** The same, exactly, as decimal text, when both sides are exact types (integers, DECIMAL) and a JSON number cannot hold it. */
  readonly maxAbsDiffExact?: string;
  /** Largest |v1 − v2| / |v1| over those rows with v1 ≠ 0, else null. */
  readonly maxRelDiff: number | null;
  readonly tolerance: { readonly abs: number; readonly rel: number };
}

export interface SampleRow {
  readonly keys: Readonly<Record<string, unknown>>;
  readonly kind: 'changed' | 'onlyV1' | 'onlyV2';
  /** For changed rows: the differing columns with both values (as text). */
  readonly columns: readonly { name: string; v1: string | null; v2: string | null }[];
}

export interface RowCounts {
  readonly v1: number;
  readonly v2: number;
  readonly matched: number;
  readonly onlyV1: number;
  readonly onlyV2: number;
  /** Matched rows with at least one mismatching compared column. */
  readonly changed: number;
  /** Key values occurring more than once on that side. */
  readonly duplicateKeysV1: number;
  readonly duplicateKeysV2: number;
  /** Rows left out of matching because their key is duplicated on either side. */
  readonly excludedV1: number;
  readonly excludedV2: number;
  /** Rows with a null in any key column (never matched unless `nullKeysMatch`). */
  readonly nullKeysV1: number;
  readonly nullKeysV2: number;
}

export interface RowComparison {
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  readonly keys: readonly string[];
  readonly rows: RowCounts;
  readonly columns: readonly ColumnStats[];
  readonly sample: readonly SampleRow[];
  /** Path of the mismatch Parquet file when written, and its row count. */
  readonly mismatches: { readonly path: string; readonly rows: number } | null;
}

/** The thresholds a KPI is judged by: pass when |Δ| ≤ abs + passLine·|v1|, fail when |Δ| > abs + failLine·|v1|. */
export interface KpiThresholds {
  readonly abs?: number;
  /** Relative pass line (default 0.001 = 0.1%). */
  readonly passLine?: number;
  /** Relative fail line (default 0.01 = 1%). */
  readonly failLine?: number;
}

export interface KpiJudgeOptions extends KpiThresholds {
  /** Per-KPI overrides, by KPI name. */
  readonly perKpi?: Readonly<Record<string, KpiThresholds>>;
}

/** How a KPI table is laid out. */
export interface KpiTableLayout {
  /** `long`: one row per (segment…, kpi, value); `wide`: one numeric column per KPI. Default long. */
  readonly layout?: 'long' | 'wide';
  /** Segment (key) columns, default ["segment"]; may be empty for a single total row. */
  readonly segmentColumns?: readonly string[];
  /** Long layout: name of the KPI-name column (default "kpi") and value column (default "value"). */
  readonly kpiColumn?: string;
  readonly valueColumn?: string;
  /** Wide layout: KPI columns to compare (default: every numeric non-segment column). */
  readonly kpis?: readonly string[];
}

/** One KPI line, as the run record declares it (runs/results.ts). */
export type KpiResult = KpiLine;

export interface KpiComparison {
  readonly verdict: Verdict;
  readonly counts: { readonly total: number; readonly pass: number; readonly inconclusive: number; readonly fail: number; readonly noise: number };
  readonly kpis: readonly KpiResult[];
}

export interface KpiDefinition {
  readonly name: string;
  /** An aggregate SQL expression over the loan-level table, e.g. `sum(balance) filter (where dpd >= 30) / sum(balance)`. */
  readonly sql: string;
  readonly format?: string;
}

export interface CompositeKpi {
  readonly name: string;
  /** An expression over other KPI names, e.g. `dq30_rate - dq90_rate`. */
  readonly expr: string;
}

export interface DeclarativeKpis {
  readonly kpis: readonly KpiDefinition[];
  /** Segmentations: the total plus one per dimension (labels like `product=auto`). */
  readonly dimensions?: readonly string[];
  readonly composites?: readonly CompositeKpi[];
}

export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

export interface ColumnProfile {
  readonly name: string;
  readonly type: string;
  readonly nulls: number;
  readonly nullRate: number;
  /** Floating columns only (else 0). */
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  /** Non-null values outside the configured bounds (0 when none configured). */
  readonly outOfBounds: number;
  readonly bounds?: Bounds;
}

export interface TableProfile {
  readonly rows: number;
  readonly columns: readonly ColumnProfile[];
}

export interface ReconcileDay {
  readonly day: string;
  readonly kpis: number;
  readonly failing: number;
  readonly worstKpi: string | null;
  readonly worstSegment: string | null;
  readonly worstRelVariance: number | null;
  readonly worstNonFinite?: NonFinite;
  readonly verdict: Verdict;
}

export interface Reconciliation {
  readonly dateColumn: string;
  readonly days: readonly ReconcileDay[];
  readonly summary: {
    readonly days: number;
    readonly daysPassing: number;
    readonly worstDay: string | null;
    readonly worstKpi: string | null;
    readonly verdict: Verdict;
  };
  readonly kpis: readonly (KpiResult & { readonly day: string })[];
}
