/**
 * The Dashboard's browser app (Lit, rendered into the light DOM so the theme stylesheet applies): the workspace's
 * run history from the host's model (protocol.ts). Every value reaches the page through Lit text or attribute
 * bindings, which escape it. Each chart has its points in a table behind it.
 */
import { html, LitElement, nothing, svg, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatPercent } from '../../../core/percent';
import type { DashboardModel, DashboardState, HostMessage, KpiDrift, TimelineRun, WebviewMessage } from '../protocol';
import { formatDuration } from '../../common/app/format';
import { reconcileSection } from '../../common/app/reconcileChart';
import { varianceChart } from '../../common/app/varianceChart';
import { varianceSvg } from '../../common/app/varianceSvg';
import { ALL, filterRuns, minimap, type TimelineFilter } from './timelineModel';
import { trendSection } from './trendChart';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
/** Rows of the run list shown at first, and added by "Show more". */
const PAGE = 25;
const OUTCOMES = ['pass', 'fail', 'inconclusive', 'error', 'interrupted', 'stopped'] as const;

const value = (e: Event): string => (e.target as HTMLInputElement).value;
const when = (at: number): string => new Date(at).toLocaleString();

class DashboardApp extends LitElement {
  private model: DashboardModel | undefined;
  private filter: TimelineFilter = { kind: ALL, outcome: ALL, text: '' };
  private shown = PAGE;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const saved = vscode.getState() as Partial<DashboardState> | undefined;
    if (saved) this.filter = { kind: saved.kind ?? ALL, outcome: saved.outcome ?? ALL, text: saved.text ?? '' };
    window.addEventListener('message', (e: MessageEvent<HostMessage>) => this.receive(e.data));
    vscode.postMessage({ type: 'ready' });
  }

  private receive(message: HostMessage): void {
    if (message.type !== 'model') return;
    this.model = message.model;
    this.requestUpdate();
    void this.updateComplete.then(() => { this.dataset['paintedAt'] = String(Date.now()); this.dataset['runs'] = String(message.model.total); });
  }

  private setFilter(change: Partial<TimelineFilter>): void {
    this.filter = { ...this.filter, ...change };
    this.shown = PAGE;
    const state: DashboardState = { kind: this.filter.kind, outcome: this.filter.outcome, text: this.filter.text };
    vscode.setState(state);
    this.requestUpdate();
  }

  private open(store: number, id: string): void {
    vscode.postMessage({ type: 'openRun', store, id });
  }

  protected override render(): TemplateResult {
    const m = this.model;
    if (!m) return html`<p class="muted" data-testid="loading">Reading the run history…</p>`;
    return html`<header class="dashboard-header">
        <h1>Cutover Dashboard</h1>
        <span class="muted" data-testid="total">${m.total} runs${m.stores.length > 1 ? ` in ${m.stores.length} folders` : ''}</span>
      </header>
      ${m.problems.length > 0 ? html`<p class="error" data-testid="problems">Left out: ${m.problems.join('; ')}</p>` : nothing}
      ${m.total === 0 && m.live.length === 0
        ? html`<p class="muted" data-testid="empty">No runs in this workspace yet. Start one with <code>Cutover: Start Shadow Run…</code>; every run lands here.</p>`
        : html`${this.status(m)}${this.timeline(m)}${this.drift(m)}${reconcileSection(m.reconcile)}${this.trends(m)}${this.logs(m)}${this.channels(m)}`}`;
  }

  private badge(outcome: string): TemplateResult {
    return html`<span class="verdict verdict-${outcome}">${outcome}</span>`;
  }

  private runLink(r: { store: number; id: string }, text: string = r.id): TemplateResult {
    return html`<a href="#" class="run-link" data-run=${r.id} @click=${(e: Event) => { e.preventDefault(); this.open(r.store, r.id); }}>${text}</a>`;
  }

  private status(m: DashboardModel): TemplateResult {
    return html`<section aria-labelledby="status-title" data-testid="status">
      <h2 id="status-title">Pipeline execution status</h2>
      <div class="cards">
        ${m.live.map((r) => html`<div class="card live" data-testid="live-run">
          <div class="card-kind">${r.kind} ${this.badge('running')}</div>
          <div class="muted">started ${when(r.at)}</div><div>${this.runLink(r)}</div></div>`)}
        ${m.latest.map((l) => html`<div class="card" data-testid="latest" data-kind=${l.kind}>
          <div class="card-kind">${l.kind} ${this.badge(l.run.outcome)}</div>
          <div class="muted">${when(l.run.at)}${l.run.durationMs !== null ? ` · ${formatDuration(l.run.durationMs)}` : ''} · ${l.runs} run${l.runs === 1 ? '' : 's'}</div>
          <div>${this.runLink(l.run)}</div>
          ${l.run.reason ? html`<div class="reason" title=${l.run.reason}>${l.run.reason}</div>` : nothing}</div>`)}
      </div>
    </section>`;
  }

  private timeline(m: DashboardModel): TemplateResult {
    const f = this.filter;
    const runs = filterRuns(m.runs, f);
    const map = minimap(filterRuns(m.runs, { ...f, range: undefined }), m.kinds);
    const laneHeight = 14;
    const labelWidth = 90;
    const cellWidth = 6;
    const width = labelWidth + map.buckets * cellWidth;
    const height = Math.max(1, map.lanes.length) * laneHeight;
    const label = `Timeline of ${runs.length} runs by kind, ${map.lanes.length > 0 ? `${when(map.from)} to ${when(map.to)}` : 'none'}; the runs are listed in the table below.`;
    return html`<section aria-labelledby="timeline-title" data-testid="timeline">
      <h2 id="timeline-title">Runs</h2>
      <div class="toolbar">
        <vscode-textfield placeholder="Filter by id, kind or reason" aria-label="Filter runs" .value=${f.text}
          @input=${(e: Event) => this.setFilter({ text: value(e) })}></vscode-textfield>
        <vscode-single-select aria-label="Kind" data-testid="kind-filter" .value=${f.kind} @change=${(e: Event) => this.setFilter({ kind: value(e) })}>
          <vscode-option value=${ALL} ?selected=${f.kind === ALL}>All kinds</vscode-option>
          ${m.kinds.map((k) => html`<vscode-option value=${k} ?selected=${f.kind === k}>${k}</vscode-option>`)}
        </vscode-single-select>
        <vscode-single-select aria-label="Outcome" data-testid="outcome-filter" .value=${f.outcome} @change=${(e: Event) => this.setFilter({ outcome: value(e) })}>
          <vscode-option value=${ALL} ?selected=${f.outcome === ALL}>All outcomes</vscode-option>
          ${OUTCOMES.map((o) => html`<vscode-option value=${o} ?selected=${f.outcome === o}>${o}</vscode-option>`)}
        </vscode-single-select>
        ${f.range ? html`<vscode-button secondary data-testid="clear-range" @click=${() => this.setFilter({ range: undefined })}>Clear time range</vscode-button>` : nothing}
      </div>
      <svg class="minimap" viewBox="0 0 ${width} ${height}" role="img" aria-label=${label} data-testid="minimap">
        ${map.lanes.map((k, i) => svg`<text class="tick" x="0" y=${i * laneHeight + laneHeight - 3}>${k}</text>`)}
        ${map.cells.map((c) => svg`<rect class="cell ${c.worst}" x=${labelWidth + c.bucket * cellWidth} y=${c.lane * laneHeight + 1}
            width=${cellWidth - 1} height=${laneHeight - 2} data-outcome=${c.worst}
            @click=${() => this.setFilter({ range: { from: c.from, to: c.to } })}>
          <title>${map.lanes[c.lane]}: ${c.count} run${c.count === 1 ? '' : 's'}, worst ${c.worst}, ${when(c.from)} – ${when(c.to)}</title></rect>`)}
      </svg>
      <p class="muted shown" data-testid="shown">${runs.length === m.runs.length ? `${runs.length} runs` : `${runs.length} of ${m.runs.length} runs`}${f.range ? `, ${when(f.range.from)} – ${when(f.range.to)}` : ''}</p>
      <table class="runs" data-testid="runs">
        <caption class="sr-only">Runs, newest first</caption>
        <thead><tr><th>Run</th><th>Kind</th><th>Outcome</th><th>Started</th><th class="num">Duration</th><th>Reason</th></tr></thead>
        <tbody>${runs.slice(0, this.shown).map((r) => this.runRow(r))}</tbody>
      </table>
      ${runs.length > this.shown
        ? html`<vscode-button secondary data-testid="more" @click=${() => { this.shown += PAGE; this.requestUpdate(); }}>Show ${Math.min(PAGE, runs.length - this.shown)} more</vscode-button>`
        : nothing}
    </section>`;
  }

  private runRow(r: TimelineRun): TemplateResult {
    return html`<tr data-run=${r.id} data-kind=${r.kind} data-outcome=${r.outcome}>
      <td>${this.runLink(r)}</td><td>${r.kind}</td><td>${this.badge(r.outcome)}</td><td>${when(r.at)}</td>
      <td class="num">${r.durationMs !== null ? formatDuration(r.durationMs) : '—'}</td><td class="reason" title=${r.reason}>${r.reason}</td></tr>`;
  }

  private drift(m: DashboardModel): TemplateResult | typeof nothing {
    if (m.drift.length === 0) return nothing;
    return html`<section aria-labelledby="drift-title" data-testid="drift">
      <h2 id="drift-title">KPI drift</h2>
      <p class="muted">Each KPI's largest variance over its segments, run by run (log scale), against the pass line ${formatPercent(m.lines.pass)} and the fail line ${formatPercent(m.lines.fail)}.</p>
      <div class="multiples">${m.drift.map((d, i) => this.driftChart(d, i, m.lines))}</div>
    </section>`;
  }

  private driftChart(d: KpiDrift, index: number, lines: DashboardModel['lines']): TemplateResult {
    const chart = varianceChart(d.points.map((p) => ({
      label: p.id, tick: new Date(p.at).toLocaleDateString(), variance: p.variance, compared: true, verdict: p.verdict, kpi: d.kpi,
    })), lines.pass, lines.fail);
    const last = d.points.at(-1);
    const label = `${d.kpi}: variance in the last ${d.points.length} runs${last ? `, latest ${chart.points.at(-1)?.variance} (${last.verdict})` : ''}`;
    return html`<figure class="drift-card" data-testid="drift-kpi" data-kpi=${d.kpi}>
      <figcaption><bdi>${d.kpi}</bdi> ${last ? this.badge(last.verdict) : nothing}</figcaption>
      ${varianceSvg(chart, { id: `drift-${index}`, label, passLine: lines.pass, failLine: lines.fail, testId: 'drift-chart', limitLabels: false })}
      <details>
        <summary>The ${d.points.length} runs as a table</summary>
        <table class="compact">
          <caption class="sr-only">${label}</caption>
          <thead><tr><th>Run</th><th>Verdict</th><th class="num">Variance</th></tr></thead>
          <tbody>${[...d.points].reverse().map((p, i) => html`<tr>
            <td>${this.runLink(p)}</td><td>${this.badge(p.verdict)}</td>
            <td class="num">${chart.points[d.points.length - 1 - i]?.variance ?? '—'}</td></tr>`)}</tbody>
        </table>
      </details>
    </figure>`;
  }

  private trends(m: DashboardModel): TemplateResult | typeof nothing {
    if (m.trends.length === 0) return nothing;
    return html`<section aria-labelledby="trends-title" data-testid="trends">
      <h2 id="trends-title">Latency and resources</h2>
      <div class="multiples">${m.trends.map((t, i) => trendSection(t, i, (store, id) => this.open(store, id)))}</div>
    </section>`;
  }

  private logs(m: DashboardModel): TemplateResult {
    return html`<section aria-labelledby="logs-title" data-testid="logs">
      <h2 id="logs-title">Errors and warnings in recent pipeline logs</h2>
      ${m.logs.length === 0
        ? html`<p class="muted">No error or warning lines in the logs of the latest runs.</p>`
        : html`<table class="logs">
          <thead><tr><th>Level</th><th>Run</th><th>Log</th><th>Line</th></tr></thead>
          <tbody>${m.logs.map((l) => html`<tr data-level=${l.level}>
            <td><span class="level level-${l.level}">${l.level}</span></td><td>${this.runLink({ store: l.store, id: l.runId }, `${l.kind} ${l.runId.slice(0, 15)}`)}</td>
            <td><a href="#" class="log-link" data-testid="log-link" @click=${(e: Event) => { e.preventDefault(); vscode.postMessage({ type: 'openLog', store: l.store, runId: l.runId, log: l.log, line: l.line }); }}>${l.log}:${l.line}</a></td>
            <td class="log-text"><code>${l.text}</code></td></tr>`)}</tbody>
        </table>`}
    </section>`;
  }

  private channels(m: DashboardModel): TemplateResult {
    return html`<section aria-labelledby="channels-title" data-testid="channels">
      <h2 id="channels-title">Channel health</h2>
      ${m.channels.length === 0
        ? html`<p class="muted">No channel checked yet: <code>Cutover: Validate Channels…</code> reads back what each pipeline delivered.</p>`
        : html`<table class="compact">
          <thead><tr><th>Channel</th><th>Side</th><th>Type</th><th>Latest</th><th class="num">Not passing</th><th>Checked</th></tr></thead>
          <tbody>${m.channels.map((c) => html`<tr data-channel=${c.channel}>
            <td>${c.channel}</td><td>${c.side}</td><td>${c.type}</td><td>${this.badge(c.verdict)}</td>
            <td class="num">${c.notPassing} of last ${c.checks}</td><td>${this.runLink({ store: c.store, id: c.runId }, when(c.at))}</td></tr>`)}</tbody>
        </table>`}
    </section>`;
  }
}

customElements.define('cutover-dashboard', DashboardApp);
