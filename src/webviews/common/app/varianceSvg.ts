/**
 * A variance chart (varianceChart.ts) as inline SVG (no chart library): the fail, inconclusive and pass bands, the
 * decade grid, the line through the points, each point with its own title. Theme colours come from the stylesheet
 * (`.band`, `.point.<verdict>`); every value goes through Lit bindings, so it is escaped. A chart is never alone:
 * its caller puts the same points in a table for screen readers.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { formatPercent } from '../../../core/percent';
import type { ChartModel } from './varianceChart';

export interface VarianceSvgOptions {
  /** The id of the SVG's title element (unique in the page). */
  readonly id: string;
  /** What the chart shows, read by a screen reader before the table. */
  readonly label: string;
  readonly passLine: number;
  readonly failLine: number;
  readonly testId: string;
  /** Adds the verdict's words on the limit lines (off for small multiples). */
  readonly limitLabels?: boolean;
}

export function varianceSvg(m: ChartModel, o: VarianceSvgOptions): TemplateResult {
  const { left, right, top, bottom } = m.plot;
  const labels = o.limitLabels ?? true;
  return html`<svg class="chart" viewBox="0 0 ${m.width} ${m.height}" role="img" aria-labelledby=${o.id} data-testid=${o.testId}>
    ${svg`<title id=${o.id}>${o.label}</title>
    <rect class="band fail" x=${left} y=${top} width=${right - left} height=${Math.max(0, m.failY - top)}></rect>
    <rect class="band inconclusive" x=${left} y=${m.failY} width=${right - left} height=${Math.max(0, m.passY - m.failY)}></rect>
    <rect class="band pass" x=${left} y=${m.passY} width=${right - left} height=${Math.max(0, bottom - m.passY)}></rect>
    ${m.yTicks.map((t) => svg`<line class="grid" x1=${left} x2=${right} y1=${t.y} y2=${t.y}></line>
      <text class="tick" x=${left - 6} y=${t.y} text-anchor="end" dominant-baseline="middle">${t.label}</text>`)}
    <line class="limit fail" x1=${left} x2=${right} y1=${m.failY} y2=${m.failY}></line>
    ${labels ? svg`<text class="limit-label fail" x=${right - 4} y=${m.failY - 4} text-anchor="end">fail &gt; ${formatPercent(o.failLine)}</text>` : nothing}
    <line class="limit pass" x1=${left} x2=${right} y1=${m.passY} y2=${m.passY}></line>
    ${labels ? svg`<text class="limit-label pass" x=${right - 4} y=${m.passY - 4} text-anchor="end">pass ≤ ${formatPercent(o.passLine)}</text>` : nothing}
    <line class="axis" x1=${left} x2=${right} y1=${bottom} y2=${bottom}></line>
    <line class="axis" x1=${left} x2=${left} y1=${top} y2=${bottom}></line>
    ${m.xTicks.map((t) => svg`<line class="axis" x1=${t.x} x2=${t.x} y1=${bottom} y2=${bottom + 4}></line>
      <text class="tick" x=${t.x} y=${bottom + 16} text-anchor="middle">${t.label}</text>`)}
    <path class="trend" d=${m.line}></path>
    ${m.points.map((p) => svg`<circle class="point ${p.verdict}" cx=${p.x} cy=${p.y} r="5" data-label=${p.label} data-verdict=${p.verdict}>
      <title>${p.label}: ${p.verdict}, worst ${p.kpi} ${p.variance}</title></circle>
      ${p.clipped === 'ceiling' ? svg`<text class="clip-label" x=${p.x} y=${p.y - 8} text-anchor="middle">${p.variance}</text>` : nothing}`)}`}
  </svg>`;
}
