/**
 * The exposition writer: metric families → the Prometheus text format (version 0.0.4), the one format the
 * node_exporter textfile collector, the Pushgateway and `promtool check metrics` all read. Every family is a gauge
 * (a snapshot of recorded runs), so the text is also valid OpenMetrics: `# UNIT` lines and the closing `# EOF` are
 * comments to the 0.0.4 parser.
 *
 * Why not prom-client: its registry is process-wide state built for a live process that is scraped (metric objects
 * mutated over time, collected asynchronously); here the figures are computed from files in one pass, and the
 * writer is the escaping rules below, which the unit tests hold to the format.
 */

export interface MetricFamily {
  /** Full name, e.g. cutover_gate_latency_seconds. */
  readonly name: string;
  readonly help: string;
  /** The unit suffix the name ends in (seconds, bytes, ratio…), or undefined for a plain number. */
  readonly unit?: string;
}

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as the format quotes it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped (quotes stay). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value: Go's float syntax for the special values (NaN, +Inf, -Inf), else the shortest exact decimal. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return '';
  for (const n of names) if (!LABEL_NAME.test(n) || n.startsWith('__')) throw new Error(`invalid label name "${n}"`);
  return `{${names.map((n) => `${n}="${escapeLabelValue(labels[n] ?? '')}"`).join(',')}}`;
}

/**
 * The text of `families` with their samples, in the order given; a family without samples is left out (an empty
 * family says nothing, and `promtool check metrics` would flag it). Two samples of one family with the same labels
 * are a bug in the caller: the format forbids them.
 */
export function writeExposition(families: readonly { readonly family: MetricFamily; readonly samples: readonly Sample[] }[]): string {
  const out: string[] = [];
  for (const { family, samples } of families) {
    if (samples.length === 0) continue;
    if (!METRIC_NAME.test(family.name)) throw new Error(`invalid metric name "${family.name}"`);
    out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} gauge`);
    if (family.unit !== undefined) out.push(`# UNIT ${family.name} ${family.unit}`);
    const seen = new Set<string>();
    for (const s of samples) {
      const labels = labelText(s.labels);
      if (seen.has(labels)) throw new Error(`duplicate sample ${family.name}${labels}`);
      seen.add(labels);
      out.push(`${family.name}${labels} ${formatSampleValue(s.value)}`);
    }
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
