/**
 * The Reconciliation section: the latest `cutover reconcile` run as an inline SVG (no chart library) plus the same
 * days as a table, which is what a screen reader reads. Every value goes through Lit bindings, so it is escaped.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { ReconcileView } from '../../../core/runs/viewModel';
import { chartModel, chartSummary } from './chartModel';
import { formatPercent } from '../../../core/percent';

const HOW_TO = 'cutover reconcile <v1 KPI tables> <v2 KPI tables> --date-column as_of_date --days 30';

export function reconcileSection(view: ReconcileView | null): TemplateResult {
  if (!view) {
    return html`<section class="reconcile" aria-labelledby="reconcile-title" data-testid="reconcile">
      <h2 id="reconcile-title">Reconciliation</h2>
      <p class="muted" data-testid="reconcile-empty">No reconciliation run in this workspace yet. Compare V1 and V2 KPI tables day by day with
        <code>${HOW_TO}</code> (hive partitions like <code>as_of_date=…/</code> or a date column); the latest run shows here.</p>
    </section>`;
  }
  if (view.days.length === 0) {
    return html`<section class="reconcile" aria-labelledby="reconcile-title" data-testid="reconcile">
      <h2 id="reconcile-title">Reconciliation</h2>
      <p class="muted">Reconciliation run <code>${view.runId}</code> found no days in <code>${view.dateColumn}</code>.</p>
    </section>`;
  }
  const m = chartModel(view);
  const summary = chartSummary(view);
  const label = `Worst KPI variance per day, ${view.days[0]?.day} to ${view.days.at(-1)?.day}: ${summary}. Pass line ${formatPercent(view.passLine)}, fail line ${formatPercent(view.failLine)}.`;
  const { left, right, top, bottom } = m.plot;
  return html`<section class="reconcile" aria-labelledby="reconcile-title" data-testid="reconcile">
    <h2 id="reconcile-title">Reconciliation
      <span class="verdict verdict-${view.summary.verdict}">${view.summary.verdict}</span>
      <span class="summary" data-testid="reconcile-summary">${summary}</span></h2>
    <p class="muted">Worst KPI variance per day of <code>${view.dateColumn}</code>, run <code>${view.runId}</code> (log scale).</p>
    <div class="scroll-x"><svg class="chart" viewBox="0 0 ${m.width} ${m.height}" role="img" aria-labelledby="reconcile-chart-title" data-testid="reconcile-chart">
      ${svg`<title id="reconcile-chart-title">${label}</title>
      <rect class="band fail" x=${left} y=${top} width=${right - left} height=${Math.max(0, m.failY - top)}></rect>
      <rect class="band inconclusive" x=${left} y=${m.failY} width=${right - left} height=${Math.max(0, m.passY - m.failY)}></rect>
      <rect class="band pass" x=${left} y=${m.passY} width=${right - left} height=${Math.max(0, bottom - m.passY)}></rect>
      ${m.yTicks.map((t) => svg`<line class="grid" x1=${left} x2=${right} y1=${t.y} y2=${t.y}></line>
        <text class="tick" x=${left - 6} y=${t.y} text-anchor="end" dominant-baseline="middle">${t.label}</text>`)}
      <line class="limit fail" x1=${left} x2=${right} y1=${m.failY} y2=${m.failY}></line>
      <text class="limit-label fail" x=${right - 4} y=${m.failY - 4} text-anchor="end">fail &gt; ${formatPercent(view.failLine)}</text>
      <line class="limit pass" x1=${left} x2=${right} y1=${m.passY} y2=${m.passY}></line>
      <text class="limit-label pass" x=${right - 4} y=${m.passY - 4} text-anchor="end">pass ≤ ${formatPercent(view.passLine)}</text>
      <line class="axis" x1=${left} x2=${right} y1=${bottom} y2=${bottom}></line>
      <line class="axis" x1=${left} x2=${left} y1=${top} y2=${bottom}></line>
      ${m.xTicks.map((t) => svg`<line class="axis" x1=${t.x} x2=${t.x} y1=${bottom} y2=${bottom + 4}></line>
        <text class="tick" x=${t.x} y=${bottom + 16} text-anchor="middle">${t.label}</text>`)}
      <path class="trend" d=${m.line}></path>
      ${m.points.map((p) => svg`<circle class="point ${p.verdict}" cx=${p.x} cy=${p.y} r="5" data-day=${p.day} data-verdict=${p.verdict}>
        <title>${p.day}: ${p.verdict}, worst ${p.kpi} ${p.variance}</title></circle>
        ${p.clipped === 'ceiling' ? svg`<text class="clip-label" x=${p.x} y=${p.y - 8} text-anchor="middle">${p.variance}</text>` : nothing}`)}`}
    </svg></div>
    <details class="reconcile-days">
      <summary>The ${view.days.length} days as a table</summary>
      <table class="days" data-testid="reconcile-days">
        <caption class="sr-only">${label}</caption>
        <thead><tr><th>Day</th><th>Verdict</th><th class="num">Worst variance</th><th>Worst KPI</th><th class="num">Failing KPIs</th></tr></thead>
        <tbody>${view.days.map((d, i) => html`<tr data-day=${d.day}>
          <td>${d.day}</td><td><span class="verdict verdict-${d.verdict}">${d.verdict}</span></td>
          <td class="num">${m.points[i]?.variance ?? nothing}</td><td>${m.points[i]?.kpi ?? nothing}</td>
          <td class="num">${d.failing} of ${d.kpis}</td></tr>`)}</tbody>
      </table>
    </details>
  </section>`;
}
