/**
 * A latency or resource trend across runs: a small linear chart (0 to a little over the largest value, runs left to
 * right, oldest first) with the same points in a table behind it for screen readers. Theme colours from the
 * stylesheet only; every value through Lit bindings.
 */
import { html, svg, type TemplateResult } from 'lit';
import type { Trend } from '../protocol';
import { formatNumber } from '../../common/app/format';

const WIDTH = 320;
const HEIGHT = 120;
const PLOT = { left: 46, right: WIDTH - 8, top: 8, bottom: HEIGHT - 18 } as const;

export function formatTrendValue(value: number, unit: Trend['unit']): string {
  switch (unit) {
    case 'seconds': return `${formatNumber(Math.round(value * 100) / 100)} s`;
    case 'bytes': return `${formatNumber(Math.round(value / 2 ** 20))} MB`;
    case 'percent': return `${formatNumber(Math.round(value * 10) / 10)}%`;
    case 'MB/h': return `${formatNumber(Math.round(value * 100) / 100)} MB/h`;
  }
}

export interface TrendGeometry {
  readonly max: number;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly line: string;
}

export function trendGeometry(trend: Trend): TrendGeometry {
  const max = Math.max(...trend.points.map((p) => p.value), 0) * 1.1 || 1;
  const n = trend.points.length;
  const points = trend.points.map((p, i) => ({
    x: Math.round((PLOT.left + ((i + 0.5) * (PLOT.right - PLOT.left)) / Math.max(n, 1)) * 10) / 10,
    y: Math.round((PLOT.bottom - (p.value / max) * (PLOT.bottom - PLOT.top)) * 10) / 10,
  }));
  return { max, points, line: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ') };
}

export function trendSection(trend: Trend, index: number, open: (store: number, id: string) => void): TemplateResult {
  const g = trendGeometry(trend);
  const last = trend.points.at(-1);
  const id = `trend-${index}`;
  const label = `${trend.name} over the last ${trend.points.length} runs${last ? `, latest ${formatTrendValue(last.value, trend.unit)}` : ''}`;
  return html`<figure class="trend-card" data-testid="trend">
    <figcaption><bdi>${trend.name}</bdi>${last ? html` <span class="muted">latest ${formatTrendValue(last.value, trend.unit)}</span>` : ''}</figcaption>
    <svg class="chart small" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby=${id}>
      ${svg`<title id=${id}>${label}</title>
      <line class="axis" x1=${PLOT.left} x2=${PLOT.right} y1=${PLOT.bottom} y2=${PLOT.bottom}></line>
      <line class="axis" x1=${PLOT.left} x2=${PLOT.left} y1=${PLOT.top} y2=${PLOT.bottom}></line>
      <text class="tick" x=${PLOT.left - 4} y=${PLOT.top + 4} text-anchor="end">${formatTrendValue(g.max, trend.unit)}</text>
      <text class="tick" x=${PLOT.left - 4} y=${PLOT.bottom} text-anchor="end">0</text>
      <path class="trend" d=${g.line}></path>
      ${trend.points.map((p, i) => svg`<circle class="point measure" cx=${g.points[i]!.x} cy=${g.points[i]!.y} r="3.5">
        <title>${p.id}: ${formatTrendValue(p.value, trend.unit)}</title></circle>`)}`}
    </svg>
    <details>
      <summary>The ${trend.points.length} runs as a table</summary>
      <table class="compact">
        <caption class="sr-only">${label}</caption>
        <thead><tr><th>Run</th><th>Started</th><th class="num">${trend.unit}</th></tr></thead>
        <tbody>${[...trend.points].reverse().map((p) => html`<tr>
          <td><a href="#" class="run-link" @click=${(e: Event) => { e.preventDefault(); open(p.store, p.id); }}>${p.id}</a></td>
          <td>${new Date(p.at).toLocaleString()}</td><td class="num">${formatTrendValue(p.value, trend.unit)}</td></tr>`)}</tbody>
      </table>
    </details>
  </figure>`;
}
