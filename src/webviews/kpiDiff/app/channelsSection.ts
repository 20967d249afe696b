/**
 * The run's output channels: each channel and side with its verdict, where it was read, rows delivered against the
 * local output, and the reasons (the checks that did not pass, else all). A channels run shows its own results; a
 * shadow run the newest channels run that validated its deliveries in full, older ones as one line each, and a hint
 * when none has. Lit escapes every value.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ChannelsView } from '../../../core/channels/view';
import type { ChannelResult } from '../../../core/runs/results';

const when = (iso: string | null): string => (iso === null ? 'running' : iso.replace('T', ' ').slice(0, 16));

function rowsOf(r: ChannelResult): string {
  if (!r.rows) return '—';
  return `${r.rows.delivered ?? '–'} / ${r.rows.local ?? '–'}`;
}

/** One channel and side: its facts on one line, then why, across the whole width (a passing one's checks on one muted line). */
function channelRows(r: ChannelResult): TemplateResult {
  return html`<tr class="verdict-row ${r.verdict}" data-channel=${r.channel} data-side=${r.side}>
      <td><span class="verdict verdict-${r.verdict}">${r.verdict}</span></td>
      <td class="channel"><bdi>${r.channel}</bdi> <span class="muted">${r.side} · ${r.type}${r.output ? ` · ${r.output}` : ''}</span></td>
      <td class="location" title=${r.location}>${r.location}</td>
      <td class="num">${rowsOf(r)}</td>
    </tr>
    <tr class="channel-why ${r.verdict}"><td></td><td colspan="3">${r.verdict === 'pass'
      ? html`<span class="muted">${r.reasons.map((x, i) => html`${i > 0 ? ' · ' : ''}<bdi>${x}</bdi>`)}</span>`
      : html`<ul class="channel-reasons">${r.reasons.map((x) => html`<li><bdi>${x}</bdi></li>`)}</ul>`}</td></tr>`;
}

export function channelsSection(runId: string, kind: string, views: readonly ChannelsView[]): TemplateResult | typeof nothing {
  const [latest, ...earlier] = views;
  if (!latest) {
    return kind === 'shadow'
      ? html`<section aria-label="Output channels" class="channels"><h2>Output channels</h2>
          <p class="muted" data-testid="channels-none">No channels run has validated this run's deliveries yet: Cutover: Validate Output Channels reads each one back.</p></section>`
      : nothing;
  }
  const source = latest.runId === runId
    ? html`<span class="muted">the deliveries of shadow run <code>${latest.validated}</code></span>`
    : html`<span class="muted">validated by channels run <code>${latest.runId}</code> · ${when(latest.endedAt)}</span>`;
  return html`
    <section aria-label="Output channels" class="channels" data-testid="channels">
      <h2>Output channels ${source} <span class="verdict verdict-${latest.verdict}" data-testid="channels-verdict">${latest.verdict.toUpperCase()}</span></h2>
      ${latest.channels.length === 0
        ? html`<p class="muted">No channels in cutover.json: nothing was validated (inconclusive).</p>`
        : html`<div class="scroll-x"><table class="columns" data-testid="channels-table">
            <thead><tr><th>Verdict</th><th>Channel</th><th>Read from</th><th class="num">Rows delivered / local</th></tr></thead>
            <tbody>${latest.channels.map(channelRows)}</tbody>
          </table></div>`}
      ${earlier.length > 0
        ? html`<p class="muted">Earlier validations: ${earlier.map((v, i) => html`${i > 0 ? ' · ' : ''}<code>${v.runId}</code> ${v.verdict}`)}</p>`
        : nothing}
    </section>`;
}
