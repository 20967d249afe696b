/**
 * The Reconciliation section: the latest `cutover reconcile` run as an inline SVG (common/app/varianceSvg.ts) plus the same
 * days as a table, which is what a screen reader reads. Every value goes through Lit bindings, so it is escaped.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ReconcileView } from '../../../core/runs/viewModel';
import { chartModel, chartSummary } from './varianceChart';
import { varianceSvg } from './varianceSvg';
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
  return html`<section class="reconcile" aria-labelledby="reconcile-title" data-testid="reconcile">
    <h2 id="reconcile-title">Reconciliation
      <span class="verdict verdict-${view.summary.verdict}">${view.summary.verdict}</span>
      <span class="summary" data-testid="reconcile-summary">${summary}</span></h2>
    <p class="muted">Worst KPI variance per day of <code>${view.dateColumn}</code>, run <code>${view.runId}</code> (log scale).</p>
    <div class="scroll-x">${varianceSvg(m, { id: 'reconcile-chart-title', label, passLine: view.passLine, failLine: view.failLine, testId: 'reconcile-chart' })}</div>
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
