/**
 * A load or soak run's results: latency by size and pipeline; a soak's memory over time with its slope line and
 * CPU over time; corruption events, leftover processes (zombies, orphans), database connections and failures.
 * Each chart is an inline SVG (role img, its title the summary) with a table of exactly its figures behind it for
 * screen readers; colours come from the theme (media/webview/kpiDiff.css). Lit bindings escape every value.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { LoadView, PerformanceView, SoakView } from '../../../core/load/view';
import { ITERATION_HEADER, iterationRow, MEASUREMENT_HEADER, measurementRow } from '../../../core/load/format';
import { type XYChart, xyChart } from './loadCharts';

const seconds = (v: number): string => (v < 10 ? `${v.toFixed(2)} s` : `${v.toFixed(1)} s`);
const minutes = (hours: number): string => `${(hours * 60).toFixed(hours * 60 < 10 ? 1 : 0)} min`;
const mbh = (v: number | null): string => (v === null ? '—' : `${v.toFixed(1)} MB/h`);

function chart(id: string, title: string, m: XYChart, testid: string): TemplateResult {
  const { left, right, top, bottom } = m.plot;
  return html`<div class="scroll-x"><svg class="chart load-chart" viewBox="0 0 ${m.width} ${m.height}" role="img" aria-labelledby=${id} data-testid=${testid}>
    ${svg`<title id=${id}>${title}</title>
    ${m.yTicks.map((t) => svg`<line class="grid" x1=${left} x2=${right} y1=${t.y} y2=${t.y}></line>
      <text class="tick" x=${left - 6} y=${t.y} text-anchor="end" dominant-baseline="middle">${t.label}</text>`)}
    <line class="axis" x1=${left} x2=${right} y1=${bottom} y2=${bottom}></line>
    <line class="axis" x1=${left} x2=${left} y1=${top} y2=${bottom}></line>
    ${m.xTicks.map((t) => svg`<line class="axis" x1=${t.x} x2=${t.x} y1=${bottom} y2=${bottom + 4}></line>
      <text class="tick" x=${t.x} y=${bottom + 16} text-anchor="middle">${t.label}</text>`)}
    ${m.lines.map((l) => svg`<line class="ref ${l.kind} series-${l.series}" x1=${l.x1} y1=${l.y1} x2=${l.x2} y2=${l.y2}><title>${l.label}</title></line>`)}
    ${m.series.map((s) => svg`${s.path ? svg`<path class="series-line series-${s.index}" d=${s.path}></path>` : nothing}
      ${s.points.map((p) => svg`<circle class="series-point series-${s.index} ${p.hollow ? 'hollow' : ''}" cx=${p.x} cy=${p.y} r="4"><title>${p.label}</title></circle>`)}`)}`}
  </svg></div>
  ${m.series.length > 1 || m.lines.length > 0 ? html`<p class="legend">${m.series.map((s) => html`<span class="key series-${s.index}">${s.name}</span>`)}
    ${m.lines.some((l) => l.kind === 'fit') ? html`<span class="key fit">slope line (fitted to the runs drawn filled)</span>` : nothing}
    ${m.lines.some((l) => l.kind === 'limit') ? html`<span class="key limit">threshold</span>` : nothing}</p>` : nothing}`;
}

function table(caption: string, header: readonly string[], rows: readonly (readonly string[])[], testid: string, open = false): TemplateResult {
  return html`<details class="figures" ?open=${open}>
    <summary>${caption}</summary>
    <div class="scroll-x"><table class="columns" data-testid=${testid}>
      <caption class="sr-only">${caption}</caption>
      <thead><tr>${header.map((h, i) => html`<th class=${i > 0 ? 'num' : ''}>${h}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr>${r.map((c, i) => html`<td class=${i > 0 ? 'num' : ''}>${c}</td>`)}</tr>`)}</tbody>
    </table></div>
  </details>`;
}

function leftoversPart(view: LoadView | SoakView): TemplateResult {
  const zombies = view.leftovers.filter((l) => l.kind === 'zombie').length;
  return html`<h3>Zombies and orphans</h3>
    ${view.leftovers.length === 0
      ? html`<p data-testid="leftovers-none">No run left a process behind: 0 zombies, 0 orphans.</p>`
      : table(`${zombies} zombie(s), ${view.leftovers.length - zombies} orphan(s) left behind (then killed)`, ['run', 'pipeline', 'kind', 'process', 'pid'],
        view.leftovers.map((l) => [l.run, l.pipeline, l.kind, l.comm, String(l.pid)]), 'leftovers', true)}`;
}

function connectionsPart(view: LoadView | SoakView): TemplateResult | typeof nothing {
  if (view.connections.length === 0) return nothing;
  return html`<h3>Database connections</h3>
    ${table('Peak client connections per PostgreSQL channel (pg_stat_activity) against max_connections', ['channel', 'variable', 'before', 'peak', 'max_connections', 'note'],
      view.connections.map((c) => [c.channel, c.env, String(c.baseline ?? '—'), String(c.peak ?? '—'), String(c.maxConnections ?? '—'), c.note ?? '']), 'connections', true)}`;
}

function loadPart(l: LoadView): TemplateResult {
  const categories = l.sizes.map((s) => s.size);
  const at = (size: string): number => categories.indexOf(size);
  const limits = l.latency.flatMap((s) => s.points).filter((p) => p.threshold !== null);
  const thresholds = [...new Map(limits.map((p) => [p.size, p.threshold as number])).entries()];
  const m = xyChart({
    categories,
    series: l.latency.map((s) => ({ name: s.pipeline, joined: true, points: s.points.map((p) => ({ x: at(p.size), y: p.seconds, label: `${s.pipeline} at ${p.size} rows: ${seconds(p.seconds)}${p.threshold !== null ? ` (threshold ${seconds(p.threshold)}, ${p.verdict})` : ''}` })) })),
    lines: thresholds.map(([size, t]) => ({ x1: at(size) - 0.3, x2: at(size) + 0.3, y1: t, y2: t, kind: 'limit' as const, label: `threshold at ${size}: ${seconds(t)}` })),
    xTick: (i) => categories[i] ?? '',
    yTick: (v) => `${v} s`,
  });
  const summary = l.latency.map((s) => `${s.pipeline}: ${s.points.map((p) => `${seconds(p.seconds)} at ${p.size}`).join(', ')}`).join('; ');
  return html`
    <h3>Latency by size and pipeline</h3>
    ${chart('load-latency-title', `End-to-end wall time of each pipeline run alone, by input size. ${summary}.`, m, 'load-latency-chart')}
    ${table(`The ${l.measurements.length} measured runs${l.parallel > 1 ? ` (#1…#${l.parallel}: copies run at once)` : ''}`, MEASUREMENT_HEADER, l.measurements.map(measurementRow), 'load-measurements', true)}
    <h3>Corruption events</h3>
    ${l.parallel <= 1
      ? html`<p class="muted" data-testid="corruption">Not checked: no copies ran at once (start the load test with copies at once).</p>`
      : l.corruption.length === 0
        ? html`<p data-testid="corruption">0 corruption events: every copy's outputs matched the run alone, byte for byte.</p>`
        : table(`${l.corruption.length} corruption event(s)`, ['pipeline', 'size', 'copy', 'file', 'kind', 'expected sha256', 'actual sha256'],
          l.corruption.map((e) => [e.pipeline, e.size, `#${e.copy}`, e.file, e.kind, e.expected?.slice(0, 12) ?? '—', e.actual?.slice(0, 12) ?? '—']), 'corruption', true)}
    ${leftoversPart(l)}
    ${connectionsPart(l)}`;
}

function soakPart(s: SoakView): TemplateResult {
  const memory = xyChart({
    series: s.memory.map((p) => ({ name: p.pipeline, joined: false, points: p.points.map((pt) => ({ x: pt.hours * 60, y: pt.mb, hollow: !pt.steady, label: `#${pt.iteration} ${p.pipeline} at ${minutes(pt.hours)}: peak ${pt.mb.toFixed(0)} MB${pt.steady ? '' : ' (not fitted: failed or killed)'}` })) })),
    lines: s.memory.flatMap((p, i) => (p.fit ? [{
      x1: p.fit.from * 60, y1: p.fit.intercept + p.fit.slope * p.fit.from, x2: p.fit.to * 60, y2: p.fit.intercept + p.fit.slope * p.fit.to,
      kind: 'fit' as const, series: i, label: `${p.pipeline}: ${mbh(p.fit.slope)} (95% CI ${mbh(p.fit.low)} to ${mbh(p.fit.high)})`,
    }] : [])),
    xTick: (v) => `${Number(v.toFixed(2))} min`,
    yTick: (v) => `${v} MB`,
  });
  const cpu = xyChart({
    series: s.cpu.map((p) => ({ name: p.pipeline, joined: true, points: p.points.map((pt) => ({ x: pt.hours * 60, y: pt.peak, label: `#${pt.iteration} ${p.pipeline} at ${minutes(pt.hours)}: peak CPU ${pt.peak.toFixed(1)}%${pt.mean !== null ? `, mean ${pt.mean.toFixed(1)}%` : ''}` })) })),
    xTick: (v) => `${Number(v.toFixed(2))} min`,
    yTick: (v) => `${v}%`,
  });
  const slopes = s.memory.map((p) => (p.leak ? p.leak.reason : `${p.pipeline}: no slope yet`)).join('; ');
  const rows = s.iterations.map(iterationRow);
  return html`
    <p data-testid="soak-progress">${s.iterations.length} runs over ${(s.elapsedSeconds / 60).toFixed(1)} of ${(s.durationSeconds / 60).toFixed(1)} minutes, one every ${s.intervalSeconds} s${s.sessions > 1 ? `, in ${s.sessions} sessions (resumed)` : ''}.</p>
    <h3>Memory over time</h3>
    ${s.memory.map((p) => html`<p class="slope" data-testid="soak-slope">${p.leak ? html`<span class="verdict verdict-${p.leak.verdict}">${p.leak.verdict}</span> ${p.leak.reason}` : `${p.pipeline}: no slope yet`}</p>`)}
    ${chart('soak-memory-title', `Peak RSS of each run over soak time. ${slopes}.`, memory, 'soak-memory-chart')}
    ${table('Peak RSS of each run (the memory chart)', ['run', 'pipeline', 'at', 'peak RSS', 'in the slope'],
      s.memory.flatMap((p) => p.points.map((pt) => [`#${pt.iteration}`, p.pipeline, minutes(pt.hours), `${pt.mb.toFixed(0)} MB`, pt.steady ? 'yes' : 'no (failed or killed)'])), 'soak-memory-table')}
    <h3>CPU over time</h3>
    ${chart('soak-cpu-title', `Peak CPU (% of the machine) of each run over soak time; highest ${Math.max(0, ...s.cpu.flatMap((p) => p.points.map((pt) => pt.peak))).toFixed(1)}%.`, cpu, 'soak-cpu-chart')}
    ${table('Peak and mean CPU of each run (the CPU chart)', ['run', 'pipeline', 'at', 'peak CPU', 'mean CPU'],
      s.cpu.flatMap((p) => p.points.map((pt) => [`#${pt.iteration}`, p.pipeline, minutes(pt.hours), `${pt.peak.toFixed(1)}%`, pt.mean === null ? '—' : `${pt.mean.toFixed(1)}%`])), 'soak-cpu-table')}
    <h3>Failures and recovery</h3>
    ${s.failures.length === 0
      ? html`<p data-testid="soak-failures">No run failed.</p>`
      : table(`${s.failures.length} failed run(s), ${s.summary.unrecovered} not recovered`, ['run', 'pipeline', 'cause', 'next run'],
        s.failures.map((f) => [`#${f.iteration}`, f.pipeline, f.injected ? 'killed on purpose (--inject-failures)' : 'failed on its own', f.recovered === null ? 'none yet' : f.recovered ? 'recovered' : 'did not recover']), 'soak-failures', true)}
    ${leftoversPart(s)}
    ${connectionsPart(s)}
    ${table(`Every run (${rows.length})`, ITERATION_HEADER, rows, 'soak-iterations')}`;
}

/** The load/soak section, or nothing for a run without load or soak figures. */
export function loadSection(view: PerformanceView | null, status: string): TemplateResult | typeof nothing {
  if (!view) return nothing;
  const what = view.soak ? 'Soak' : 'Load test';
  return html`<section class="load" aria-labelledby="load-title" data-testid="load-section">
    <h2 id="load-title">${what} figures${status === 'stopped' ? html` <span class="muted">· stopped: what it measured before the cancel</span>` : status === 'running' ? html` <span class="muted">· so far (running)</span>` : nothing}</h2>
    ${view.load ? loadPart(view.load) : nothing}
    ${view.soak ? soakPart(view.soak) : nothing}
  </section>`;
}
