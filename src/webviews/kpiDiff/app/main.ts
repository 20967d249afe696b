/**
 * The KPI Diff panel's browser app (Lit, rendered into the light DOM so the theme stylesheet applies). Every value
 * reaches the page through Lit text or attribute bindings, which escape it; nothing is ever set as HTML.
 */
import { tableFromIPC } from 'apache-arrow';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { AcceptedView, KpiKey, KpiRow, ReconcileView, RunView } from '../../../core/runs/viewModel';
import type { HostMessage, PanelState, WebviewMessage } from '../protocol';
import type { CauseView } from '../../../core/explain/format';
import { formatPercent } from '../../../core/percent';
import { formatDuration, formatNumber, formatSigned, fullValue } from '../../common/app/format';
import type { ChannelsView } from '../../../core/channels/view';
import { channelsSection } from './channelsSection';
import { reconcileSection } from '../../common/app/reconcileChart';
import { declarativeSection, qualitySection } from './qualitySection';
import { loadSection } from './loadSection';
import './rowsTable';
import type { MismatchRows } from './rowsTable';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type SortKey = 'severity' | 'segment' | 'kpi' | 'v1' | 'v2' | 'delta' | 'relVariance';

/** What survives hiding and reloads: the run (for the serializer) and how the table was being read. */
interface UiState extends PanelState {
  readonly sort: SortKey;
  readonly descending: boolean;
  readonly verdict: string;
  readonly segment: string;
  readonly text: string;
  /** `all`, or a cause from `cutover explain` (a key, `a + b`, `code`, `unknown`). */
  readonly cause: string;
}

const vscode = acquireVsCodeApi();
const FIRST_ROWS = 60;
const SEVERITY: Record<string, number> = { fail: 0, inconclusive: 1, pass: 2 };
const keyOf = (k: KpiKey): string => JSON.stringify([k.segment, k.kpi]);
/** `product=auto` → `product`; `total` stays `total`. */
const dimensionOf = (segment: string): string => segment.split('=')[0] ?? segment;

function variance(k: KpiRow): number {
  return k.relVariance === null ? Infinity : Math.abs(k.relVariance);
}

function compare(a: KpiRow, b: KpiRow, key: SortKey): number {
  switch (key) {
    case 'severity': return (SEVERITY[a.verdict] ?? 3) - (SEVERITY[b.verdict] ?? 3) || variance(b) - variance(a);
    case 'segment': return a.segment.localeCompare(b.segment) || a.kpi.localeCompare(b.kpi) || (a.day ?? '').localeCompare(b.day ?? '');
    case 'kpi': return a.kpi.localeCompare(b.kpi) || a.segment.localeCompare(b.segment) || (a.day ?? '').localeCompare(b.day ?? '');
    case 'relVariance': return variance(a) - variance(b);
    default: return (a[key] ?? -Infinity) - (b[key] ?? -Infinity);
  }
}

class KpiDiffApp extends LitElement {
  private run: RunView | undefined;
  private reconcile: ReconcileView | null = null;
  private channels: readonly ChannelsView[] = [];
  private accepted = new Map<string, AcceptedView>();
  /** Each not-passing line's cause, when the run was explained. */
  private causes = new Map<string, CauseView>();
  private focused: string | undefined;
  private ui: UiState | undefined;
  private rows: MismatchRows | 'loading' | { error: string } | undefined;
  /** KPI rows rendered so far: a first screenful, then the rest after that has painted (a 1,000-row table takes ~0.3 s to lay out). */
  private rendered = FIRST_ROWS;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const saved = vscode.getState() as Partial<UiState> | undefined;
    if (saved?.runId) this.ui = { cause: 'all', ...saved } as UiState;
    window.addEventListener('message', (e: MessageEvent<HostMessage>) => this.receive(e.data));
    vscode.postMessage({ type: 'ready' });
  }

  private receive(message: HostMessage): void {
    switch (message.type) {
      case 'load': {
        const sameRun = this.ui?.runId === message.state.runId;
        this.run = message.run;
        this.reconcile = message.reconcile;
        this.channels = message.channels;
        this.ui = sameRun && this.ui
          ? { ...this.ui, ...message.state, ...(message.cause !== undefined ? { cause: message.cause } : {}) }
          : { ...message.state, sort: 'severity', descending: false, verdict: 'all', segment: 'all', text: '', cause: message.cause ?? 'all' };
        this.causes = new Map(message.causes.map((c) => [keyOf(c), c]));
        this.setAccepted(message.accepted);
        this.rows = undefined;
        this.rendered = FIRST_ROWS;
        delete this.dataset['firstRowsAt'];
        if (message.focus) this.showFocus(message.focus);
        this.save();
        break;
      }
      case 'accepted':
        this.setAccepted(message.accepted);
        break;
      case 'reconcile':
        this.reconcile = message.reconcile;
        break;
      case 'channels':
        this.channels = message.channels;
        break;
      case 'focus':
        this.showFocus(message.focus);
        break;
      case 'cause':
        if (this.ui) this.ui = { ...this.ui, cause: message.cause };
        this.save();
        break;
      case 'rows':
      {
        const page = tableFromIPC(message.ipc);
        const before = typeof this.rows === 'object' && 'table' in this.rows && message.offset > 0 ? this.rows.table : undefined;
        this.rows = { table: before ? before.concat(page) : page, total: message.total, done: message.done };
        break;
      }
      case 'rowsError':
        this.rows = { error: message.message };
        break;
    }
    this.requestUpdate();
  }

  private setAccepted(list: readonly AcceptedView[]): void {
    this.accepted = new Map(list.map((a) => [keyOf(a), a]));
  }

  private showFocus(key: KpiKey): void {
    this.focused = keyOf(key);
    this.rendered = Infinity;
    // Clear filters that would hide the focused KPI.
    if (this.ui) this.ui = { ...this.ui, verdict: 'all', segment: 'all', text: '', cause: 'all' };
    void this.updateComplete.then(() => this.querySelector('tr.focused')?.scrollIntoView({ block: 'center' }));
  }

  protected override updated(): void {
    // When the first KPI rows reached the screen (wall clock): read by the benchmark, harmless otherwise.
    if (this.run && this.dataset['firstRowsAt'] === undefined) requestAnimationFrame(() => { this.dataset['firstRowsAt'] = String(Date.now()); });
    if (this.run && this.rendered < this.run.kpis.length) {
      requestAnimationFrame(() => setTimeout(() => {
        this.rendered = Infinity;
        this.requestUpdate();
      }));
    }
  }

  private save(): void {
    if (this.ui) vscode.setState(this.ui);
  }

  private setUi(patch: Partial<UiState>): void {
    if (!this.ui) return;
    this.ui = { ...this.ui, ...patch };
    this.save();
    this.requestUpdate();
  }

  private visibleKpis(run: RunView, ui: UiState): KpiRow[] {
    const text = ui.text.trim().toLowerCase();
    const list = run.kpis.filter((k) =>
      (ui.verdict === 'all' || (ui.verdict === 'accepted' ? this.accepted.has(keyOf(k)) : k.verdict === ui.verdict))
      && (ui.segment === 'all' || k.segment === ui.segment || dimensionOf(k.segment) === ui.segment)
      && (text === '' || `${k.day ?? ''} ${k.segment} ${k.kpi} ${k.reason}`.toLowerCase().includes(text))
      && (ui.cause === 'all' || this.causes.get(keyOf(k))?.cause === ui.cause));
    const sign = ui.descending ? -1 : 1;
    return list.sort((a, b) => sign * compare(a, b, ui.sort));
  }

  protected override render(): TemplateResult {
    const run = this.run;
    const ui = this.ui;
    if (!run || !ui) return html`<p class="muted">Loading the run…</p>`;
    // A load or soak run compared no KPIs: its view is its figures.
    if (run.performance) return html`${this.header(run)}${loadSection(run.performance, run.status)}`;
    // A channels run is about its channels: they come first; elsewhere they follow the comparison.
    const channels = channelsSection(run.id, run.kind, this.channels);
    return html`
      ${this.header(run)}
      ${reconcileSection(this.reconcile)}
      ${run.kind === 'channels' ? channels : nothing}
      <section aria-label="KPIs">
        ${this.toolbar(run, ui)}
        ${this.kpiTable(run, ui)}
      </section>
      ${this.rowSection(run)}
      ${run.kind === 'channels' ? nothing : channels}
      ${declarativeSection(run)}
      ${qualitySection(run.quality)}
    `;
  }

  private header(run: RunView): TemplateResult {
    const c = run.counts;
    const worst = run.worst;
    return html`
      <header class="run">
        <div class="title">
          <span class="verdict verdict-${run.verdict}" data-testid="run-verdict">${run.verdict.toUpperCase()}</span>
          <h1>${run.kind} run <code>${run.id}</code></h1>
          ${run.performance ? nothing : html`<vscode-button secondary @click=${() => vscode.postMessage({ type: 'diffConfigs' })}>Diff V1 and V2 Configuration</vscode-button>`}
        </div>
        <dl class="facts">
          ${run.performance ? nothing : html`<div><dt>KPIs</dt><dd data-testid="counts">
            <span class="count fail">${c.fail} fail</span> · <span class="count inconclusive">${c.inconclusive} inconclusive</span> ·
            <span class="count pass">${c.pass} pass</span>${c.noise > 0 ? html` · ${c.noise} within noise` : nothing} <span class="muted">of ${c.total}</span></dd></div>
          <div><dt>Worst variance</dt><dd>${worst ? html`<span title=${worst.infinite ? 'infinite' : String(worst.relVariance)}>${worst.infinite ? '∞' : formatPercent(worst.relVariance)}</span> ${worst.label}` : '—'}</dd></div>`}
          <div><dt>Input</dt><dd title=${run.input?.path ?? ''}>${run.input ? (run.input.name ?? run.input.path) : '—'}</dd></div>
          <div><dt>Durations</dt><dd>${run.durations.map((d, i) => html`${i > 0 ? ' · ' : ''}<bdi>${d.name}</bdi> ${formatDuration(d.ms)}`)}</dd></div>
          ${run.noiseFloor || run.kind === 'shadow' ? html`<div><dt>Noise floor</dt><dd>${run.noiseFloor
            ? `${run.noiseFloor.moved} of ${run.noiseFloor.total} KPIs moved between V1 and V1′ (max ${formatPercent(run.noiseFloor.maxRelVariance)})`
            : html`<span class="muted">not measured (start the run with “Also run V1 twice”)</span>`}</dd></div>` : nothing}
          ${run.declarative ? html`<div><dt>Declarative KPIs</dt><dd>${run.declarative.verdict} · ${run.declarative.counts['fail'] ?? 0} fail of ${run.declarative.counts['total'] ?? 0}</dd></div>` : nothing}
        </dl>
        ${run.reasons.length > 0 ? html`<ul class="reasons">${run.reasons.map((r) => html`<li><bdi>${r}</bdi></li>`)}</ul>` : nothing}
      </header>`;
  }

  private toolbar(run: RunView, ui: UiState): TemplateResult {
    const dimensions = [...new Set(run.kpis.map((k) => dimensionOf(k.segment)))];
    // Dimensions only, plus the one segment drilled into: a select of hundreds of options is slow and unreadable.
    const segments = ui.segment !== 'all' && !dimensions.includes(ui.segment) ? [ui.segment] : [];
    const value = (e: Event): string => (e.target as HTMLInputElement).value;
    return html`
      <div class="toolbar">
        <vscode-textfield placeholder="Filter KPI, segment or reason" aria-label="Filter" .value=${ui.text}
          @input=${(e: Event) => this.setUi({ text: value(e) })}></vscode-textfield>
        <vscode-single-select aria-label="Verdict" .value=${ui.verdict} @change=${(e: Event) => this.setUi({ verdict: value(e) })}>
          ${['all', 'fail', 'inconclusive', 'pass', 'accepted'].map((v) => html`<vscode-option value=${v} ?selected=${ui.verdict === v}>${v === 'all' ? 'All verdicts' : v}</vscode-option>`)}
        </vscode-single-select>
        <vscode-single-select aria-label="Segment" .value=${ui.segment} @change=${(e: Event) => this.setUi({ segment: value(e) })}>
          <vscode-option value="all" ?selected=${ui.segment === 'all'}>All segments</vscode-option>
          ${dimensions.map((d) => html`<vscode-option value=${d} ?selected=${ui.segment === d}>${d === 'total' ? 'total' : `by ${d}`}</vscode-option>`)}
          ${segments.map((s) => html`<vscode-option value=${s} ?selected=${ui.segment === s}>${s}</vscode-option>`)}
        </vscode-single-select>
        ${this.causes.size > 0 ? html`<vscode-single-select aria-label="Cause" .value=${ui.cause} @change=${(e: Event) => this.setUi({ cause: value(e) })}>
          <vscode-option value="all" ?selected=${ui.cause === 'all'}>All causes</vscode-option>
          ${[...new Set([...this.causes.values()].map((c) => c.cause))].sort().map((c) => html`<vscode-option value=${c} ?selected=${ui.cause === c}>${c}</vscode-option>`)}
        </vscode-single-select>` : nothing}
      </div>`;
  }

  private sortButton(label: string, key: SortKey, ui: UiState): TemplateResult {
    const active = ui.sort === key;
    return html`<button class="sort" @click=${() => this.setUi({ sort: key, descending: active ? !ui.descending : key === 'relVariance' })}>${label}${active ? (ui.descending ? ' ↓' : ' ↑') : ''}</button>`;
  }

  private sortHeader(label: string, key: SortKey, ui: UiState, numeric = false): TemplateResult {
    const sort = ui.sort === key ? (ui.descending ? 'descending' : 'ascending') : 'none';
    return html`<th class=${numeric ? 'num' : ''} aria-sort=${sort}>${this.sortButton(label, key, ui)}</th>`;
  }

  private kpiTable(run: RunView, ui: UiState): TemplateResult {
    if (run.kpis.length === 0) {
      return html`<p class="muted">${run.kind === 'reconcile' ? 'Every KPI passed on every day.' : 'This run compared no KPI tables.'}</p>`;
    }
    const rows = this.visibleKpis(run, ui);
    return html`
      <p class="muted shown" data-testid="shown">${rows.length} of ${run.kpis.length} KPI rows${run.kind === 'reconcile' ? ' (the lines that did not pass, day by day)' : ''}</p>
      <div class="scroll-x"><table class="kpis">
        <thead><tr>
          <th aria-sort=${['severity', 'kpi', 'segment'].includes(ui.sort) ? (ui.descending ? 'descending' : 'ascending') : 'none'}>
            ${this.sortButton('Verdict', 'severity', ui)} <span class="muted">·</span> ${this.sortButton('KPI', 'kpi', ui)} <span class="muted">·</span>
            ${this.sortButton('segment', 'segment', ui)} <span class="muted">· why</span></th>
          ${this.sortHeader('V1', 'v1', ui, true)}
          ${this.sortHeader('V2', 'v2', ui, true)}
          ${this.sortHeader('Δ', 'delta', ui, true)}
          ${this.sortHeader('Variance', 'relVariance', ui, true)}
          <th class="num tolerance">Tolerance</th>
          ${this.causes.size > 0 ? html`<th class="cause" title="What cutover explain found moved this line: a configuration key, keys together (a + b), or the code">Cause</th>` : nothing}
        </tr></thead>
        <tbody>${rows.slice(0, this.rendered).map((k) => this.kpiRow(k))}</tbody>
      </table></div>`;
  }

  private kpiRow(k: KpiRow): TemplateResult {
    const key = keyOf(k);
    const accepted = this.accepted.get(key);
    const nf = k.nonFinite ?? {};
    const tol = k.tolerance;
    return html`<tr class="verdict-row ${k.verdict} ${this.focused === key ? 'focused' : ''}" data-kpi=${k.kpi} data-segment=${k.segment}>
      <td class="kpi">
        <div class="line"><span class="verdict verdict-${k.verdict}">${k.verdict}</span>
          <button class="link name" title="Reveal in the pipelines' configuration" @click=${() => vscode.postMessage({ type: 'reveal', key: { segment: k.segment, kpi: k.kpi } })}><bdi>${k.kpi}</bdi></button>
          <button class="link segment" title="Show only this segment" @click=${() => this.setUi({ segment: k.segment })}><bdi>${k.segment}</bdi></button>
          ${k.day ? html`<span class="tag day" title="the day this line was compared on">${k.day}</span>` : nothing}
          ${k.noise ? html`<span class="tag" title="within the V1/V1′ noise floor">noise</span>` : nothing}
          ${accepted ? html`<span class="tag accepted" title=${`accepted by ${accepted.who} on ${accepted.when}: ${accepted.reason}`}>accepted</span>` : nothing}
          ${k.verdict !== 'pass' && !accepted
            ? html`<button class="link accept" title=${k.day
              ? `Accept this discrepancy of ${k.kpi} [${k.segment}] with a reason (.cutover/reviews.json): it then counts as accepted on every day and in shadow runs`
              : 'Accept this discrepancy with a reason (.cutover/reviews.json)'} @click=${() => vscode.postMessage({ type: 'accept', key: { segment: k.segment, kpi: k.kpi } })}>Accept…</button>`
            : nothing}</div>
        <div class="reason"><bdi>${k.reason}</bdi></div>
        ${accepted ? html`<div class="accepted-note">Accepted by <bdi>${accepted.who}</bdi> on ${accepted.when.slice(0, 10)}: <bdi>${accepted.reason}</bdi></div>` : nothing}</td>
      <td class="num" title=${fullValue(k.v1, nf['v1'])}>${formatNumber(k.v1, nf['v1'])}</td>
      <td class="num" title=${fullValue(k.v2, nf['v2'])}>${formatNumber(k.v2, nf['v2'])}</td>
      <td class="num" title=${fullValue(k.delta, nf['delta'])}>${formatSigned(k.delta, nf['delta'])}</td>
      <td class="num" title=${`${fullValue(k.relVariance, nf['relVariance'])} (pass ≤ ${formatPercent(tol.passLine)}, fail > ${formatPercent(tol.failLine)})`}>${formatPercent(k.relVariance, nf['relVariance'])}</td>
      <td class="num tolerance" title=${`pass ≤ ${tol.passLine} · fail > ${tol.failLine} (relative) · abs ${tol.abs}`}>${formatPercent(tol.passLine)} /<br>${formatPercent(tol.failLine)}${tol.abs > 0 ? html`<br><span class="muted">abs ${formatNumber(tol.abs)}</span>` : nothing}</td>
      ${this.causes.size > 0 ? this.causeCell(k) : nothing}
    </tr>`;
  }

  private causeCell(k: KpiRow): TemplateResult {
    const c = this.causes.get(keyOf(k));
    return c
      ? html`<td class="cause" data-testid="cause" title=${c.reason}><button class="link" title=${`Show only the lines caused by ${c.cause}`} @click=${() => this.setUi({ cause: c.cause })}>${c.cause}</button></td>`
      : html`<td class="cause muted"></td>`;
  }

  private rowSection(run: RunView): TemplateResult | typeof nothing {
    const rows = run.rows;
    if (!rows) return nothing;
    const c = rows.counts;
    const changed = rows.columns.filter((col) => col.mismatches > 0);
    return html`
      <section aria-label="Loan-level rows" class="rows">
        <h2>Loan-level rows <span class="muted">on ${rows.keys.join(', ')}</span></h2>
        <p>${formatNumber(c['v1'] ?? 0)} V1 · ${formatNumber(c['v2'] ?? 0)} V2 · ${formatNumber(c['matched'] ?? 0)} matched ·
          ${formatNumber(c['onlyV1'] ?? 0)} only in V1 · ${formatNumber(c['onlyV2'] ?? 0)} only in V2 · <strong>${formatNumber(c['changed'] ?? 0)} changed</strong></p>
        ${changed.length > 0 ? html`
          <div class="scroll-x"><table class="columns">
            <thead><tr><th>Column</th><th>Compared as</th><th class="num">Mismatches</th><th class="num">Null on one side</th><th class="num">Max |Δ|</th><th class="num">Max relative</th></tr></thead>
            <tbody>${changed.map((col) => html`<tr>
              <td>${col.name}</td><td>${col.compareAs}</td><td class="num">${formatNumber(col.mismatches)}</td><td class="num">${formatNumber(col.nullMismatches)}</td>
              <td class="num" title=${fullValue(col.maxAbsDiff)}>${formatNumber(col.maxAbsDiff)}</td><td class="num">${formatPercent(col.maxRelDiff)}</td></tr>`)}</tbody>
          </table></div>` : nothing}
        ${rows.mismatchRows ? this.mismatchRows(rows.mismatchRows) : nothing}
      </section>`;
  }

  private mismatchRows(count: number): TemplateResult {
    const rows = this.rows;
    if (rows === undefined) {
      return html`<vscode-button @click=${() => { this.rows = 'loading'; this.requestUpdate(); vscode.postMessage({ type: 'loadRows' }); }}>Show the ${formatNumber(count)} mismatching rows</vscode-button>`;
    }
    if (rows === 'loading') return html`<p class="muted">Reading the mismatch file…</p>`;
    if ('error' in rows) return html`<p class="error">${rows.error}</p>`;
    return html`<mismatch-rows .rows=${rows}></mismatch-rows>`;
  }
}

customElements.define('kpi-diff-app', KpiDiffApp);
