/**
 * The alert definitions evaluated on a workspace's metric samples, as Prometheus would evaluate the generated rules
 * on the same samples: what `cutover notify` and `cutover watch` report without a Prometheus.
 */
import { formatPercent } from '../percent';
import type { Collected } from '../metrics/collect';
import { METRICS } from '../metrics/catalog';
import type { Sample } from '../metrics/exposition';
import { alertText, humanize1024, type AlertDefinition } from './catalog';

export interface FiringAlert {
  readonly name: string;
  readonly severity: AlertDefinition['severity'];
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly threshold: number;
  readonly runId: string;
  readonly summary: string;
  readonly description: string;
}

/** A value as the notification prints it, in the alert's unit. */
function valueText(def: AlertDefinition, value: number): string {
  if (def.age) return `${(value / 3600).toFixed(1)}h`;
  if (def.unit === 'ratio') return formatPercent(value);
  if (def.unit === 'seconds') return `${value.toFixed(1)}s`;
  if (def.unit === 'bytesPerSecond') return `${humanize1024(value)}B/s`;
  return String(value);
}

const matches = (def: AlertDefinition, s: Sample): boolean =>
  Object.entries(def.match ?? {}).every(([k, v]) => s.labels[k] === v) && (def.kinds === undefined || def.kinds.includes(s.labels['kind'] ?? ''));

/** The alerts that fire on `collected` at `now` (ms), each with its run and its words. */
export function firingAlerts(defs: readonly AlertDefinition[], collected: Collected, now: number): FiringAlert[] {
  const samplesOf = (name: string): readonly Sample[] => collected.families.find((f) => f.family.name === name)?.samples ?? [];
  const runOf = new Map(samplesOf(METRICS.runInfo.name).map((s) => [`${s.labels['workspace']}\u0000${s.labels['kind']}`, s.labels['run_id'] ?? '']));
  const firing: FiringAlert[] = [];
  for (const def of defs) {
    for (const s of samplesOf(def.metric.name)) {
      if (!matches(def, s)) continue;
      // As the rule: a timestamp of 0 (never) has no age; only `never` alerts on it.
      if (def.age && s.value === 0) continue;
      const value = def.age ? now / 1000 - s.value : s.value;
      if (def.never ? s.value !== 0 : !(value > def.threshold)) continue;
      const runId = runOf.get(`${s.labels['workspace']}\u0000${s.labels['kind']}`);
      // As the rule's join: no run of the kind, no alert.
      if (runId === undefined) continue;
      const labels = { ...s.labels, run_id: runId };
      const text = alertText(def, (name) => labels[name as keyof typeof labels] ?? '', valueText(def, value));
      firing.push({ name: def.name, severity: def.severity, labels, value, threshold: def.threshold, runId, ...text });
    }
  }
  return firing;
}
