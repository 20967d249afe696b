/**
 * The alerts, declared once from cutover.json's thresholds: `cutover alerts` turns each into a Prometheus rule
 * (rules.ts) and `cutover notify` evaluates the same conditions on the same metric samples (evaluate.ts), so a team
 * with Alertmanager and a team without get the same alerts. Thresholds are read where they live: `gate` (the
 * go/no-go's, the plan's rollback criteria), `performance.leakMBPerHour` and `monitoring.staleHours`.
 */
import type { CutoverConfig } from '../config/schema';
import { formatPercent } from '../percent';
import { METRICS } from '../metrics/catalog';
import type { MetricFamily } from '../metrics/exposition';

/** How a value and a threshold are printed: the same words in rule annotations and notifications. */
export type AlertUnit = 'ratio' | 'seconds' | 'bytesPerSecond' | 'flag';

export interface AlertDefinition {
  /** The alert's name, e.g. CutoverKpiVarianceHigh. */
  readonly name: string;
  readonly metric: MetricFamily;
  /** Label matchers on the metric (exact values). */
  readonly match?: Readonly<Record<string, string>>;
  /** Only these run kinds (default every kind). */
  readonly kinds?: readonly string[];
  /** Compare the age (now − the metric's value, a timestamp) instead of the value; a timestamp of 0 (never) is left to `never`. */
  readonly age?: boolean;
  /** The condition is `value == 0` instead: a timestamp that was never set (a kind that has run but never passed). */
  readonly never?: boolean;
  /** The condition is `value > threshold` (unless `never`). */
  readonly threshold: number;
  readonly unit: AlertUnit;
  readonly severity: 'critical' | 'warning';
  /** What is wrong, in words, before "value > threshold". */
  readonly what: string;
  /** Labels that say which one (criterion, channel, pipeline…), named in the text. */
  readonly detail?: readonly string[];
}

/**
 * The words of an alert, for a rule's annotations (labels and value as Prometheus template expressions) and for a
 * notification (the sample's own): what, which, value against threshold, and the run to open.
 */
export function alertText(def: AlertDefinition, label: (name: string) => string, value: string): { summary: string; description: string } {
  const which = (def.detail ?? []).map(label).join(' ');
  const measured = def.unit === 'flag' ? '' : ` ${value} > ${formatThreshold(def.unit, def.threshold, def.age)}`;
  const run = label('run_id');
  // The go/no-go's figures are opened with `cutover gate`; every run has its record in the store.
  const command = def.metric.name.startsWith('cutover_gate_') ? `cutover gate ${run}` : 'cutover runs';
  return {
    summary: `${def.what}${which === '' ? '' : ` (${which})`}${measured === '' ? '' : `:${measured}`} in workspace ${label('workspace')} (${label('kind')} run ${run})`,
    description: `Open run ${run} in workspace ${label('workspace')}: \`${command}\`, record .cutover/runs/${run}/run.json`,
  };
}

const MIB = 2 ** 20;

/** Run kinds whose staleness is watched: the recurring checks. */
export const STALENESS_KINDS = ['shadow', 'reconcile'] as const;

/** A threshold as people read it: 1.00%, 30s, 24h, 5 MiB/h (durations as Prometheus prints them). */
export function formatThreshold(unit: AlertUnit, value: number, age = false): string {
  if (age) return `${value / 3600}h`;
  if (unit === 'ratio') return formatPercent(value);
  if (unit === 'seconds') return `${value}s`;
  if (unit === 'bytesPerSecond') return `${humanize1024(value)}B/s (${Number(((value * 3600) / MIB).toPrecision(6))} MiB/h)`;
  return String(value);
}

/** Prometheus' humanize1024 template function (4 significant digits, ki Mi Gi… prefixes), so both texts agree. */
export function humanize1024(value: number): string {
  if (Math.abs(value) < 1) return String(Number(value.toPrecision(4)));
  const prefixes = ['', 'ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < prefixes.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toPrecision(4))}${prefixes[i]}`;
}

/** The alerts cutover.json's thresholds give; soak memory growth only when performance.leakMBPerHour is set. */
export function alertDefinitions(config: Pick<CutoverConfig, 'gate' | 'performance' | 'monitoring'>): AlertDefinition[] {
  const { gate, monitoring } = config;
  const leak = config.performance?.leakMBPerHour;
  const defs: AlertDefinition[] = [
    { name: 'CutoverKpiVarianceHigh', metric: METRICS.gateKpiVariance, threshold: gate.kpiVariance, unit: 'ratio', severity: 'critical', what: 'worst KPI variance' },
    { name: 'CutoverErrorRateHigh', metric: METRICS.gateErrorRate, threshold: gate.errorRate, unit: 'ratio', severity: 'critical', what: 'error rate' },
    { name: 'CutoverLatencyHigh', metric: METRICS.gateLatency, threshold: gate.latencySeconds, unit: 'seconds', severity: 'critical', what: 'V2 latency' },
    { name: 'CutoverNullRateHigh', metric: METRICS.gateNullRate, threshold: gate.nullRate, unit: 'ratio', severity: 'critical', what: 'worst null rate' },
    // A criterion without data has no value to compare, and fails (missing data is never a pass).
    { name: 'CutoverGateNoData', metric: METRICS.gateNoData, threshold: 0, unit: 'flag', severity: 'critical', what: 'go/no-go criterion without data', detail: ['criterion'] },
    { name: 'CutoverRunErrored', metric: METRICS.runVerdict, match: { verdict: 'error' }, threshold: 0, unit: 'flag', severity: 'critical', what: 'latest run ended in an error' },
    { name: 'CutoverChecksStale', metric: METRICS.lastSuccess, kinds: STALENESS_KINDS, age: true, threshold: monitoring.staleHours * 3600, unit: 'seconds', severity: 'warning', what: 'time since the last passing run' },
    // A kind that runs and has never passed has no age to compare: it is stale from its first run on.
    { name: 'CutoverChecksNeverPassed', metric: METRICS.lastSuccess, kinds: STALENESS_KINDS, never: true, threshold: 0, unit: 'flag', severity: 'warning', what: 'never a passing run' },
    { name: 'CutoverChannelFailing', metric: METRICS.channelVerdict, match: { verdict: 'fail' }, threshold: 0, unit: 'flag', severity: 'critical', what: 'output channel failing', detail: ['channel', 'side'] },
  ];
  if (leak !== undefined) {
    defs.push({ name: 'CutoverSoakMemoryGrowth', metric: METRICS.soakRssGrowth, threshold: (leak * MIB) / 3600, unit: 'bytesPerSecond', severity: 'warning', what: 'soak memory growth (upper 95% bound)', detail: ['pipeline'] });
  }
  return defs;
}
