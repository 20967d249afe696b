/**
 * The run's data-quality profiles (nulls, NaN, ±Infinity, values out of the configured bounds, per column of each
 * side's loan-level output) and the engine's own declarative KPIs that did not pass. Lit templates escape every
 * value; only columns with something to report are listed, so a clean output reads as one line.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ColumnQuality, KpiRow, RunView, TableQuality } from '../../../core/runs/viewModel';
import { formatPercent } from '../../../core/percent';
import { formatNumber, fullValue } from '../../common/app/format';

function issues(c: ColumnQuality | undefined): number {
  return c ? c.nulls + c.nan + c.posInf + c.negInf + c.outOfBounds : 0;
}

function cells(c: ColumnQuality | undefined): TemplateResult {
  if (!c) return html`<td class="num muted" colspan="4">not in this output</td>`;
  return html`<td class="num" title=${`${c.nulls} nulls`}>${formatPercent(c.nullRate)}</td>
    <td class="num">${formatNumber(c.nan)}</td><td class="num">${formatNumber(c.posInf + c.negInf)}</td>
    <td class="num">${formatNumber(c.outOfBounds)}</td>`;
}

export function qualitySection(quality: RunView['quality']): TemplateResult | typeof nothing {
  if (!quality) return nothing;
  const v1 = new Map((quality.v1?.columns ?? []).map((c) => [c.name, c]));
  const v2 = new Map((quality.v2?.columns ?? []).map((c) => [c.name, c]));
  const names = [...new Set([...v1.keys(), ...v2.keys()])];
  const flagged = names.filter((n) => issues(v1.get(n)) + issues(v2.get(n)) > 0);
  const rows = (t: TableQuality | null): string => (t ? formatNumber(t.rows) : '—');
  return html`
    <section aria-label="Data quality" class="quality">
      <h2>Data quality <span class="muted">of the loan-level outputs · V1 ${rows(quality.v1)} rows · V2 ${rows(quality.v2)} rows</span></h2>
      ${flagged.length === 0
        ? html`<p data-testid="quality-clean">All ${names.length} columns clean on both sides: no nulls, NaN, infinities or values out of bounds.</p>`
        : html`<div class="scroll-x"><table class="columns" data-testid="quality">
            <thead>
              <tr><th rowspan="2">Column</th><th colspan="4">V1</th><th colspan="4">V2</th></tr>
              <tr>${['Null rate', 'NaN', '±∞', 'Out of bounds', 'Null rate', 'NaN', '±∞', 'Out of bounds'].map((t) => html`<th class="num">${t}</th>`)}</tr>
            </thead>
            <tbody>${flagged.map((n) => html`<tr><td title=${v2.get(n)?.type ?? v1.get(n)?.type ?? ''}>${n}</td>${cells(v1.get(n))}${cells(v2.get(n))}</tr>`)}</tbody>
          </table></div>
          <p class="muted">${names.length - flagged.length} other columns are clean.</p>`}
    </section>`;
}

export function declarativeSection(run: RunView): TemplateResult | typeof nothing {
  if (!run.declarative) return nothing;
  const failing: readonly KpiRow[] = run.declarativeKpis;
  return html`
    <section aria-label="Declarative KPIs" class="declarative">
      <h2>Declarative KPIs <span class="muted">computed by Cutover from both loan-level outputs (cutover.json)</span></h2>
      ${failing.length === 0
        ? html`<p data-testid="declarative-clean">All ${formatNumber(run.declarative.counts['total'] ?? 0)} agree between V1 and V2.</p>`
        : html`<div class="scroll-x"><table class="columns" data-testid="declarative">
            <thead><tr><th>Verdict</th><th>KPI</th><th>Segment</th><th class="num">V1</th><th class="num">V2</th><th class="num">Variance</th><th>Why</th></tr></thead>
            <tbody>${failing.map((k) => html`<tr>
              <td><span class="verdict verdict-${k.verdict}">${k.verdict}</span></td><td>${k.kpi}</td><td>${k.segment}</td>
              <td class="num" title=${fullValue(k.v1, k.nonFinite?.['v1'])}>${formatNumber(k.v1, k.nonFinite?.['v1'])}</td>
              <td class="num" title=${fullValue(k.v2, k.nonFinite?.['v2'])}>${formatNumber(k.v2, k.nonFinite?.['v2'])}</td>
              <td class="num">${formatPercent(k.relVariance, k.nonFinite?.['relVariance'])}</td><td>${k.reason}</td></tr>`)}</tbody>
          </table></div>`}
    </section>`;
}
