/**
 * The mismatching rows, V1 and V2 side by side, decoded from Arrow IPC and windowed by hand: rows have one fixed
 * height, so the visible slice is `scrollTop / ROW_HEIGHT` plus a margin, and only those rows exist in the DOM.
 * 100k rows scroll as smoothly as 100. Cells are read from the Arrow columns on demand.
 */
import type { Table } from 'apache-arrow';
import { html, LitElement, nothing, type TemplateResult } from 'lit';

export interface MismatchRows {
  readonly table: Table;
  /** Rows in the file; the table holds the pages received so far. */
  readonly total: number;
  readonly done: boolean;
}

const ROW_HEIGHT = 22;
const OVERSCAN = 10;
const LABELS: Record<string, string> = { kind: 'Kind', column: 'Column', v1: 'V1', v2: 'V2', abs_diff: '|Δ|' };

class MismatchRowsTable extends LitElement {
  declare rows: MismatchRows | undefined;
  private first = 0;
  private viewport = 400;

  static override properties = { rows: { attribute: false } };

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private onScroll(e: Event): void {
    const el = e.target as HTMLElement;
    this.viewport = el.clientHeight;
    const first = Math.max(0, Math.floor(el.scrollTop / ROW_HEIGHT) - OVERSCAN);
    if (first !== this.first) {
      this.first = first;
      this.requestUpdate();
    }
  }

  /**
   * Geometry is set through the CSSOM after each render: the panel's CSP has no 'unsafe-inline', which blocks
   * `style` attributes (and Lit's styleMap writes one on its first render).
   */
  protected override updated(): void {
    const spacer = this.querySelector<HTMLElement>('.vspacer');
    if (spacer) spacer.style.height = `${(this.rows?.table.numRows ?? 0) * ROW_HEIGHT}px`;
    for (const row of this.querySelectorAll<HTMLElement>('.vbody .vrow')) {
      row.style.transform = `translateY(${Number(row.dataset['row']) * ROW_HEIGHT}px)`;
    }
  }

  protected override render(): TemplateResult | typeof nothing {
    const rows = this.rows;
    if (!rows) return nothing;
    const table = rows.table;
    const names = table.schema.fields.map((f) => f.name);
    const count = table.numRows;
    const last = Math.min(count, this.first + Math.ceil(this.viewport / ROW_HEIGHT) + 2 * OVERSCAN);
    const columns = names.map((n) => table.getChild(n));
    const cells: TemplateResult[] = [];
    for (let i = this.first; i < last; i++) {
      cells.push(html`<div class="vrow" role="row" aria-rowindex=${i + 2} data-row=${i}>
        ${columns.map((col, j) => {
          const value: unknown = col?.get(i);
          const text = value === null || value === undefined ? '' : String(value);
          return html`<span role="cell" class="vcell ${names[j] === 'abs_diff' ? 'num' : ''} ${names[j] ?? ''}" title=${text}>${text}</span>`;
        })}
      </div>`);
    }
    return html`
      <p class="muted" data-testid="rows-count">${!rows.done
        ? `${rows.total.toLocaleString('en-US')} mismatching rows (${count.toLocaleString('en-US')} loaded…)`
        : count < rows.total
          ? `${rows.total.toLocaleString('en-US')} mismatching rows (the first ${count.toLocaleString('en-US')} shown)`
          : `${count.toLocaleString('en-US')} mismatching rows`}</p>
      <div class="vtable" role="table" aria-rowcount=${count + 1}>
        <div class="vrow vhead" role="row" aria-rowindex="1">${names.map((n) => html`<span role="columnheader" class="vcell ${n === 'abs_diff' ? 'num' : ''}">${LABELS[n] ?? n}</span>`)}</div>
        <div class="vbody" data-testid="rows-viewport" @scroll=${(e: Event) => this.onScroll(e)}>
          <div class="vspacer">${cells}</div>
        </div>
      </div>`;
  }
}

customElements.define('mismatch-rows', MismatchRowsTable);
