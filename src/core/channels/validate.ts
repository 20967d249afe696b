/**
 * `cutover channels validate`: for each channel and side, read back what the pipeline delivered and check it against
 * the run's local output — it exists; its schema matches; its row count; its checksum against the manifest; its
 * contents equal the local output row for row, keyed, through the same DuckDB comparison as shadow runs
 * (`compareRows`, exact: a delivery must not change a value). Each manifest is checked for its required fields and
 * against the facts (run id, input checksum, each output's rows and schema), naming every missing or wrong field.
 *
 * Verdicts: a missing or empty delivery, lost/extra/changed rows, a wrong MD5 or checksum, a missing manifest field
 * fail. What cannot be decided is inconclusive with its reason: the run has no local output to compare with, a
 * channel could not be read (unset secret, unreachable service), a blob without Content-MD5, no data on either side.
 * No channels at all is inconclusive, never a pass. Every message passes through `secrets.redact`.
 */
import { join } from 'node:path';
import type { ChannelConfig, CutoverConfig } from '../config/schema';
import type { Engine } from '../engine/duckdb';
import { compareRows } from '../engine/rows';
import { compareSchemas } from '../engine/schema';
import { loadTable } from '../engine/source';
import type { ColumnInfo, LoadedTable } from '../engine/types';
import { sha256Files } from '../runs/hash';
import type { RunRecord } from '../runs/record';
import type { ChannelCheck, ChannelResult, ChannelsResult, Verdict } from '../runs/results';
import type { DataChannel, Delivery, Side } from './deliveries';
import { channelLocation, fetchDelivery } from './deliveries';
import type { Manifest } from './manifest';
import { manifestOutput, missingFields, readManifest } from './manifest';
import type { Secrets } from './secrets';

export interface ValidateRequest {
  readonly config: CutoverConfig;
  /** Folder of cutover.json. */
  readonly cwd: string;
  /** The run whose deliveries are checked, and its folder. */
  readonly run: RunRecord;
  readonly runDir: string;
  /** Folder of the channels run being recorded: downloads go below it. */
  readonly outDir: string;
  readonly secrets: Secrets;
  readonly engine: Engine;
  /** The deadline of each request to a channel's service (an Azure call, a PostgreSQL statement, a REST page), in s. */
  readonly timeoutSeconds: number;
  readonly onChannel?: (result: ChannelResult) => void;
}

/** What a data channel delivered, for its manifest's cross-checks. */
interface Delivered {
  readonly rows: number;
  readonly columns: readonly ColumnInfo[];
  /** The checksum the manifest must state: of the delivered bytes, or of the local output loaded into a table. */
  readonly sha256: string | undefined;
}

const SEVERITY: Record<Verdict, number> = { pass: 0, inconclusive: 1, fail: 2 };

export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, v) => (SEVERITY[v] > SEVERITY[worst] ? v : worst), 'pass');
}

function check(name: string, verdict: Verdict, detail: string): ChannelCheck {
  return { check: name, verdict, detail };
}

/** The key columns a delivery of `output` is matched on, as the shadow comparison matches it. */
function keysOf(config: CutoverConfig, side: Side, output: 'kpis' | 'loans'): string[] {
  if (output === 'loans') return [...(config.compare?.keys ?? [])];
  const segments = config.compare?.segmentColumns ?? ['segment'];
  return config.pipelines[side].outputs.kpis.layout === 'long' ? [...segments, 'kpi'] : [...segments];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function validateChannels(req: ValidateRequest): Promise<ChannelsResult> {
  const entries = Object.entries(req.config.channels);
  const results: ChannelResult[] = [];
  const emit = (r: ChannelResult): void => {
    const clean = redactResult(r, req.secrets);
    results.push(clean);
    req.onChannel?.(clean);
  };
  const delivered = new Map<string, Delivered>();
  const manifests = new Map<Side, { manifest?: Manifest; error?: string }>();
  for (const [name, channel] of entries) {
    if (channel.type !== 'manifest') continue;
    for (const side of channel.sides) {
      try {
        const manifest = await readManifest(channelLocation(channel, side, req.cwd));
        manifests.set(side, manifest === undefined ? {} : { manifest });
      } catch (error) {
        manifests.set(side, { error: `${name}: ${(error as Error).message}` });
      }
    }
  }
  let n = 0;
  for (const [name, channel] of entries) {
    if (channel.type === 'manifest') continue;
    for (const side of channel.sides) {
      const r = await validateData(req, name, channel, side, manifests.get(side)?.manifest, `channel${n++}`);
      delivered.set(`${side}:${name}`, r.facts ?? { rows: NaN, columns: [], sha256: undefined });
      emit(r.result);
    }
  }
  for (const [name, channel] of entries) {
    if (channel.type !== 'manifest') continue;
    for (const side of channel.sides) emit(checkManifest(req, name, channel, side, manifests.get(side) ?? {}, delivered));
  }
  const verdict = results.length === 0 ? 'inconclusive' : worstVerdict(results.map((r) => r.verdict));
  return { run: req.run.id, verdict, channels: results };
}

function redactResult(r: ChannelResult, secrets: Secrets): ChannelResult {
  return {
    ...r,
    reasons: r.reasons.map((x) => secrets.redact(x)),
    checks: r.checks.map((c) => ({ ...c, detail: secrets.redact(c.detail) })),
  };
}

/** A result from its checks: the worst check decides; its reasons are the checks that did not pass, else all. */
function resultOf(base: Omit<ChannelResult, 'verdict' | 'reasons' | 'checks'>, checks: readonly ChannelCheck[]): ChannelResult {
  const verdict = checks.length === 0 ? 'inconclusive' : worstVerdict(checks.map((c) => c.verdict));
  const notPassing = checks.filter((c) => c.verdict !== 'pass');
  const reasons = (verdict === 'pass' ? checks : notPassing).map((c) => `${c.check}: ${c.detail}`);
  return { ...base, verdict, reasons: reasons.length > 0 ? reasons : ['no checks could run'], checks: [...checks] };
}

async function validateData(
  req: ValidateRequest,
  name: string,
  channel: DataChannel,
  side: Side,
  manifest: Manifest | undefined,
  relation: string,
): Promise<{ result: ChannelResult; facts?: Delivered }> {
  const base = { channel: name, type: channel.type, side, output: channel.output, location: channelLocation(channel, side, req.cwd) };
  const checks: ChannelCheck[] = [];
  const localRecord = req.run.outputs.find((o) => o.role === `${side}-${channel.output}`);
  if (localRecord === undefined) {
    checks.push(check('local output', 'inconclusive', `run ${req.run.id} (${req.run.kind}) has no local ${side} ${channel.output} output to compare with; validate a shadow run`));
    return { result: resultOf(base, checks) };
  }
  let delivery: Delivery;
  try {
    const fetched = await fetchDelivery(channel, {
      name, side, cwd: req.cwd, dir: join(req.outDir, 'channels', name, side), secrets: req.secrets,
      engine: req.engine, keys: keysOf(req.config, side, channel.output), timeoutMs: req.timeoutSeconds * 1000,
    });
    if (fetched.kind === 'missing') {
      checks.push(check('exists', 'fail', `nothing delivered: ${fetched.reason}`));
      return { result: resultOf({ ...base, location: fetched.location }, checks) };
    }
    delivery = fetched;
  } catch (error) {
    checks.push(check('read', 'inconclusive', `could not read the channel: ${(error as Error).message}`));
    return { result: resultOf(base, checks) };
  }
  checks.push(...delivery.checks);
  const { engine } = req;
  const localFormat = req.config.pipelines[side].outputs[channel.output]?.format;
  let local: LoadedTable;
  let native: LoadedTable;
  try {
    local = await loadTable(engine, { path: join(req.runDir, localRecord.path), label: `local ${side} ${channel.output}`, ...(localFormat ? { format: localFormat } : {}) }, `${relation}_local`);
  } catch (error) {
    checks.push(check('local output', 'inconclusive', `cannot read the run's local output: ${(error as Error).message}`));
    return { result: resultOf(base, checks) };
  }
  try {
    native = await loadTable(engine, { path: delivery.path, format: delivery.format, label: `${name} delivery` }, `${relation}_delivered`);
  } catch (error) {
    checks.push(check('exists', 'fail', `the delivery cannot be read: ${(error as Error).message}`));
    return { result: resultOf(base, checks), facts: { rows: NaN, columns: [], sha256: undefined } };
  }
  checks.push(check('exists', native.rows > 0 ? 'pass' : 'fail', native.rows > 0 ? `${plural(native.files.length, 'file')} read` : 'the delivery is empty (0 rows)'));
  const sha256 = delivery.nativeColumns === undefined ? await sha256Files(native.files) : localRecord.sha256;

  // Schema: CSV carries names only (types come from the run's local output when read); Parquet and tables their own types.
  const declared = delivery.nativeColumns ?? native.columns;
  const schema = compareSchemas(local.columns, declared);
  const typed = delivery.format === 'csv' && delivery.nativeColumns === undefined;
  const problems = [
    ...schema.missingInV2.map((c) => `column ${c} missing`),
    ...schema.missingInV1.map((c) => `extra column ${c}`),
    ...(typed ? [] : schema.typeChanges.filter((t) => t.incompatible || delivery.nativeColumns === undefined).map((t) => `column ${t.name} is ${t.v2Type}, locally ${t.v1Type}`)),
  ];
  checks.push(check('schema', problems.length === 0 ? 'pass' : 'fail', problems.length === 0 ? `${plural(local.columns.length, 'column')} as in the local output` : problems.join('; ')));

  // Text deliveries are read again with the local types, so the comparison is value for value.
  let deliveredTable = native;
  if (delivery.format === 'csv') {
    const present = new Set(native.columns.map((c) => c.name));
    const types = Object.fromEntries(local.columns.filter((c) => present.has(c.name)).map((c) => [c.name, c.type]));
    try {
      deliveredTable = await loadTable(engine, { path: delivery.path, format: 'csv', label: `${name} delivery`, types }, `${relation}_typed`);
    } catch (error) {
      checks.push(check('contents', 'fail', `the delivered values do not read as the local output's types: ${(error as Error).message}`));
      return { result: resultOf({ ...base, rows: { local: local.rows, delivered: native.rows } }, checks), facts: { rows: native.rows, columns: native.columns, sha256 } };
    }
  }
  const lost = local.rows - deliveredTable.rows;
  checks.push(check('rows', lost === 0 ? (local.rows === 0 ? 'inconclusive' : 'pass') : 'fail',
    lost === 0 ? (local.rows === 0 ? 'no data: the local output and the delivery have no rows' : `${local.rows} rows, as the local output`)
      : `${deliveredTable.rows} delivered, the local output has ${local.rows} (${lost > 0 ? `${lost} lost` : `${-lost} extra`})`));

  const keys = keysOf(req.config, side, channel.output);
  if (keys.length === 0) {
    checks.push(check('contents', 'inconclusive', `no key columns to match ${channel.output} rows on (set compare.keys${channel.output === 'kpis' ? ' or compare.segmentColumns' : ''})`));
  } else {
    try {
      const rows = await compareRows(engine, local, deliveredTable, compareSchemas(local.columns, deliveredTable.columns), { keys, sampleSize: 5 });
      const said = rows.reasons.map((x) => x.replace(/\bonly in V1\b/g, 'missing from the delivery').replace(/\bonly in V2\b/g, 'not in the local output')
        .replace(/\bin V1\b/g, 'locally').replace(/\bin V2\b/g, 'in the delivery').replace(/\bV1 and V2\b/g, 'the local output and the delivery'));
      checks.push(check('contents', rows.verdict, `keyed on ${keys.join(', ')}: ${said.join('; ')}`));
    } catch (error) {
      checks.push(check('contents', 'fail', `cannot compare with the local output: ${(error as Error).message}`));
    }
  }

  const entry = manifest === undefined ? undefined : manifestOutput(manifest, name);
  if (manifest !== undefined) {
    if (entry === undefined) checks.push(check('checksum', 'fail', `the manifest lists no output for channel ${name}`));
    else if (entry.sha256 !== sha256) checks.push(check('checksum', 'fail', `the manifest says sha256 ${String(entry.sha256)}, ${delivery.nativeColumns === undefined ? 'the delivered bytes have' : 'the local output loaded has'} ${sha256 ?? 'none recorded'}`));
    else checks.push(check('checksum', 'pass', `sha256 ${sha256} as in the manifest`));
  }
  return {
    result: resultOf({ ...base, rows: { local: local.rows, delivered: deliveredTable.rows }, ...(delivery.nativeColumns === undefined && sha256 ? { sha256 } : {}) }, checks),
    facts: { rows: deliveredTable.rows, columns: declared, sha256 },
  };
}

function checkManifest(
  req: ValidateRequest,
  name: string,
  channel: Extract<ChannelConfig, { type: 'manifest' }>,
  side: Side,
  read: { manifest?: Manifest; error?: string },
  delivered: ReadonlyMap<string, Delivered>,
): ChannelResult {
  const base = { channel: name, type: 'manifest' as const, side, location: channelLocation(channel, side, req.cwd) };
  if (read.error !== undefined) return resultOf(base, [check('exists', 'fail', read.error)]);
  const manifest = read.manifest;
  if (manifest === undefined) return resultOf(base, [check('exists', 'fail', `no manifest at ${base.location}`)]);
  const checks: ChannelCheck[] = [check('exists', 'pass', 'manifest read')];
  const missing = missingFields(manifest, channel.required);
  checks.push(check('required fields', missing.length === 0 ? 'pass' : 'fail',
    missing.length === 0 ? `all ${channel.required.length} required fields present` : `missing ${missing.join(', ')}`));
  const wrong: string[] = [];
  const at = (path: string): unknown => path.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), manifest);
  if (at('runId') !== undefined && at('runId') !== req.run.id) wrong.push(`runId is ${String(at('runId'))}, the run is ${req.run.id}`);
  const input = req.run.inputs.find((i) => i.role === 'input')?.sha256;
  if (at('input.sha256') !== undefined && input !== undefined && at('input.sha256') !== input) wrong.push(`input.sha256 is ${String(at('input.sha256'))}, the run's input has ${input}`);
  const created = at('createdAt');
  if (created !== undefined && (typeof created !== 'string' || Number.isNaN(Date.parse(created)))) wrong.push(`createdAt ${JSON.stringify(created)} is not an ISO 8601 time`);
  const outputs = Array.isArray(manifest['outputs']) ? (manifest['outputs'] as unknown[]) : [];
  for (const [other, c] of Object.entries(req.config.channels)) {
    if (c.type === 'manifest' || !c.sides.includes(side)) continue;
    const index = outputs.findIndex((o) => typeof o === 'object' && o !== null && (o as { channel?: unknown }).channel === other);
    if (index < 0) {
      wrong.push(`outputs has no entry for channel ${other}`);
      continue;
    }
    const entry = outputs[index] as Record<string, unknown>;
    const facts = delivered.get(`${side}:${other}`);
    if (facts === undefined || Number.isNaN(facts.rows)) continue;
    if (entry['rows'] !== undefined && entry['rows'] !== facts.rows) wrong.push(`outputs[${index}].rows is ${String(entry['rows'])}, ${other} delivered ${facts.rows}`);
    if (entry['sha256'] !== undefined && facts.sha256 !== undefined && entry['sha256'] !== facts.sha256) wrong.push(`outputs[${index}].sha256 does not match ${other}'s ${facts.sha256}`);
    const schema = entry['schema'];
    if (schema !== undefined) {
      const names = Array.isArray(schema) ? schema.map((s) => (typeof s === 'object' && s !== null ? (s as { name?: unknown }).name : s)) : [];
      const expected = facts.columns.map((c) => c.name);
      if (names.join('\u0000') !== expected.join('\u0000')) wrong.push(`outputs[${index}].schema names columns ${names.map(String).join(', ') || '(none)'}, ${other} has ${expected.join(', ')}`);
    }
  }
  checks.push(check('fields', wrong.length === 0 ? 'pass' : 'fail', wrong.length === 0 ? 'run id, input, rows, checksums and schemas agree with the deliveries' : wrong.join('; ')));
  return resultOf(base, checks);
}
