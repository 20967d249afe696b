/**
 * The readiness report as text: one content builder (`reportBlocks`: headings, paragraphs, tables, lists) and two
 * serialisers of it, Markdown and HTML, so the CLI's files, the webview and the export all say the same thing.
 * Every value from a plan, a run or a review is escaped for the format it lands in.
 */
import { formatValue } from '../gate/format';
import { escapeHtml, htmlDocument } from '../html';
import { formatPercent } from '../percent';
import { visibleText } from '../visibleText';
import type { CriterionResult } from './criteria';
import type { Readiness, ReadinessVerdict, SwitchFigures } from './report';
import type { RuleCheck } from './rules';

export type Block =
  | { readonly type: 'heading'; readonly level: 1 | 2; readonly text: string; readonly id?: string }
  | { readonly type: 'paragraph'; readonly text: string; readonly tone?: 'good' | 'bad' | 'warn' }
  | { readonly type: 'table'; readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly type: 'list'; readonly items: readonly string[] };

export const VERDICT_TEXT: Record<ReadinessVerdict, string> = {
  ready: 'READY',
  'not-ready': 'NOT READY',
  'not-enough-evidence': 'NOT ENOUGH EVIDENCE',
};

const STATE_TEXT = { met: '✓ met', 'not-met': '✗ not met', 'no-evidence': '? no evidence' } as const;

/** "✓ met", "✗ not met", "? no evidence", or "⌛ stale" for met evidence past its age. */
export function stateText(c: Pick<CriterionResult, 'state' | 'stale'>): string {
  return c.stale ? '⌛ stale (met)' : STATE_TEXT[c.state];
}

const checkValue = (checks: readonly RuleCheck[]): string => checks.map((c) => `${c.name}: ${c.value}`).join('; ') || '—';
const checkThreshold = (checks: readonly RuleCheck[]): string => [...new Set(checks.map((c) => c.threshold))].join('; ') || '—';
const when = (iso: string): string => iso.replace('T', ' ').slice(0, 16);

function criteriaTable(results: readonly CriterionResult[]): Block {
  return {
    type: 'table',
    head: ['State', 'Criterion', 'Value', 'Threshold', 'Run', 'When', 'Why'],
    rows: results.map((c) => [
      stateText(c),
      `${c.item.text} (${c.item.section})`,
      checkValue(c.checks),
      checkThreshold(c.checks),
      c.runs.map((r) => r.id).join(', ') || '—',
      c.runs[0] ? when(c.runs[0].at) : '—',
      (c.state === 'met' && !c.stale ? '' : c.reason) + (c.accepted.length > 0 ? `; accepted: ${c.accepted.map((r) => `${r.kpi} [${r.segment}] by ${r.who}`).join(', ')}` : ''),
    ]),
  };
}

function switchRow(name: string, s: SwitchFigures | undefined): string[] {
  if (!s) return [name, 'not run', '—', '—', '—', '—'];
  return [name, s.id, s.seconds === null ? 'not recorded' : `${formatValue(Number(s.seconds.toFixed(2)))} s`, s.budgetSeconds === null ? '—' : `${s.budgetSeconds} s`, s.verified === null ? 'no verify' : s.verified ? 'passed' : 'failed', s.verdict];
}

export function reportBlocks(r: Readiness): Block[] {
  const blocks: Block[] = [
    { type: 'heading', level: 1, text: `Cutover readiness: ${VERDICT_TEXT[r.verdict]}` },
    { type: 'paragraph', text: `Generated ${r.generatedAt}. Evidence hash ${r.evidenceHash.slice(0, 16)}…`, },
    { type: 'list', items: [...r.reasons] },
    { type: 'heading', level: 2, text: 'Plan progress', id: 'progress' },
    r.sections.length === 0
      ? { type: 'paragraph', text: 'No plan with tasks or criteria.', tone: 'warn' }
      : { type: 'table', head: ['Plan', 'Section', 'Tasks done', 'Criteria met'], rows: r.sections.map((s) => [s.file, s.title, `${s.done}/${s.tasks}`, s.criteria > 0 ? `${s.criteriaMet}/${s.criteria}` : '—']) },
    { type: 'heading', level: 2, text: 'Success criteria', id: 'criteria' },
    r.criteria.length === 0 ? { type: 'paragraph', text: 'The plans hold no success criteria.', tone: 'warn' } : criteriaTable(r.criteria),
  ];
  if (r.tasks.length > 0) blocks.push({ type: 'heading', level: 2, text: 'Tasks decided by evidence', id: 'tasks' }, criteriaTable(r.tasks));

  blocks.push({ type: 'heading', level: 2, text: 'Latest go/no-go', id: 'gonogo' });
  if (!r.goNoGo) blocks.push({ type: 'paragraph', text: 'No shadow run: no go/no-go.', tone: 'warn' });
  else {
    const g = r.goNoGo;
    blocks.push(
      { type: 'paragraph', text: `Run ${g.runId} (${when(g.at)}): ${g.verdict.toUpperCase()}, thresholds from ${g.thresholdsFrom}.`, tone: g.verdict === 'go' ? 'good' : g.verdict === 'no-go' ? 'bad' : 'warn' },
      { type: 'table', head: ['Criterion', 'Value', 'Threshold', 'Verdict', 'Reason'], rows: g.criteria.map((c) => [c.name, c.infinite ? '∞' : c.value === null ? 'no data' : c.unit === 'seconds' ? `${formatValue(c.value)} s` : formatPercent(c.value), c.unit === 'seconds' ? `${c.threshold} s` : formatPercent(c.threshold), c.verdict, c.reason]) },
    );
  }

  blocks.push({ type: 'heading', level: 2, text: 'Discrepancies', id: 'discrepancies' });
  const d = r.discrepancies;
  blocks.push(d.open.length === 0
    ? { type: 'paragraph', text: r.goNoGo ? 'No open discrepancy in the latest shadow run.' : 'No shadow run to read discrepancies from.' }
    : { type: 'table', head: ['Open: KPI', 'Segment', 'V1', 'V2', 'Variance', 'Verdict', 'Reason'], rows: d.open.map((l) => [l.kpi, l.segment, formatValue(l.v1), formatValue(l.v2), formatPercent(l.relVariance), l.verdict, l.reason]) });
  if (d.accepted.length > 0) blocks.push({ type: 'table', head: ['Accepted: KPI', 'Segment', 'Who', 'When', 'Run', 'Why'], rows: d.accepted.map((a) => [a.kpi, a.segment, a.who, when(a.when), a.runId, a.reason]) });
  if (d.revoked.length > 0) blocks.push({ type: 'table', head: ['Revoked: KPI', 'Segment', 'Accepted by', 'Revoked by', 'When', 'Why'], rows: d.revoked.map((a) => [a.kpi, a.segment, a.who, a.revoked?.who ?? '', when(a.revoked?.when ?? ''), a.revoked?.reason ?? '']) });

  blocks.push(
    { type: 'heading', level: 2, text: 'Rollback and roll forward', id: 'switch' },
    { type: 'table', head: ['Switch', 'Run', 'Time', 'Budget', 'Verify', 'Verdict'], rows: [switchRow('rollback', r.rollback), switchRow('forward', r.forward)] },
    { type: 'heading', level: 2, text: 'Channels', id: 'channels' },
    r.channels
      ? { type: 'table', head: ['Channel', 'Type', 'Side', 'Verdict', 'Reasons'], rows: r.channels.channels.map((c) => [c.channel, c.type, c.side, c.verdict, c.reasons.join('; ')]) }
      : { type: 'paragraph', text: 'No channels run (cutover channels validate).', tone: 'warn' },
    { type: 'heading', level: 2, text: 'Load and soak', id: 'load' },
    { type: 'table', head: ['Figure', 'Value', 'Run'], rows: [
      ['Slowest sequential run at 100k', r.load?.seconds100k == null ? 'not measured' : `${formatValue(Number(r.load.seconds100k.toFixed(2)))} s`, r.load?.id ?? '—'],
      ['Peak CPU (% of machine)', r.load?.peakCpuPercent == null ? 'not measured' : `${r.load.peakCpuPercent.toFixed(1)}%`, r.load?.id ?? '—'],
      ['Corruption events (parallel copies)', r.load?.corruptionEvents == null ? 'not measured' : String(r.load.corruptionEvents), r.load?.id ?? '—'],
      ['Soak length', r.soak ? `${r.soak.hours.toFixed(2)} h` : 'no soak run', r.soak?.id ?? '—'],
      ['Worst memory slope (upper 95%)', r.soak?.worstSlopeMBPerHour == null ? 'not measured' : `${r.soak.worstSlopeMBPerHour.toFixed(2)} MB/h`, r.soak?.id ?? '—'],
      ['Soak failures / unrecovered / zombies / orphans', r.soak ? `${r.soak.failures} / ${r.soak.unrecovered} / ${r.soak.zombies} / ${r.soak.orphans}` : '—', r.soak?.id ?? '—'],
    ] },
    { type: 'heading', level: 2, text: 'Sign-offs', id: 'signoffs' },
    r.signoffs.length === 0
      ? { type: 'paragraph', text: 'No sign-off yet (cutover signoff --role ROLE --by NAME).' }
      : { type: 'table', head: ['Role', 'By', 'When', 'Verdict then', 'Status'], rows: r.signoffs.map((s) => [s.role, s.by, when(s.at), s.verdict, s.stale ? 'STALE: the evidence changed since' : 'current']) },
  );
  for (const p of r.signoffProblems) blocks.push({ type: 'paragraph', text: `Tampering detected in ${p.file}${p.entry !== undefined ? `, entry ${p.entry}` : ''}: ${p.message}`, tone: 'bad' });
  blocks.push({ type: 'heading', level: 2, text: 'What is missing', id: 'missing' });
  blocks.push(r.missing.length === 0 ? { type: 'paragraph', text: 'Nothing.', tone: 'good' } : { type: 'list', items: [...r.missing] });
  return blocks;
}

// The Markdown file is read rendered (VS Code, GitHub), where a bidi override in a KPI name would reorder the rest of
// its line and a control character is invisible: both are written as visible escapes (run.json keeps the exact text).
const mdCell = (s: string): string => visibleText(s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));
const mdText = (s: string): string => visibleText(s.replace(/([\\`*_[\]<>#|])/g, '\\$1'));

export function renderMarkdown(r: Readiness): string {
  const out: string[] = [];
  for (const b of reportBlocks(r)) {
    switch (b.type) {
      case 'heading': out.push(`${'#'.repeat(b.level)} ${mdText(b.text)}`, ''); break;
      case 'paragraph': out.push(mdText(b.text), ''); break;
      case 'list': out.push(...b.items.map((i) => `- ${mdText(i)}`), ''); break;
      case 'table':
        out.push(`| ${b.head.map(mdCell).join(' | ')} |`, `|${b.head.map(() => ' --- |').join('')}`, ...b.rows.map((row) => `| ${row.map(mdCell).join(' | ')} |`), '');
        break;
    }
  }
  return out.join('\n');
}

const stateClass = (cell: string): string =>
  cell.startsWith('✓') || cell === 'pass' || cell === 'current' ? ' class="good"' : cell.startsWith('✗') || cell === 'fail' || cell.startsWith('STALE') ? ' class="bad"' : cell.startsWith('?') || cell.startsWith('⌛') || cell === 'inconclusive' ? ' class="warn"' : '';

/** The report's body as HTML (no document shell): every text escaped. */
export function renderHtmlBody(r: Readiness): string {
  const out: string[] = [`<main class="verdict-${r.verdict}">`];
  for (const b of reportBlocks(r)) {
    switch (b.type) {
      case 'heading': out.push(`<h${b.level}${b.id ? ` id="${b.id}"` : ''}>${escapeHtml(b.text)}</h${b.level}>`); break;
      case 'paragraph': out.push(`<p${b.tone ? ` class="${b.tone}"` : ''}>${escapeHtml(b.text)}</p>`); break;
      case 'list': out.push(`<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`); break;
      case 'table':
        out.push(`<table><thead><tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${b.rows.map((row) => `<tr>${row.map((c) => `<td${stateClass(c)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
        break;
    }
  }
  out.push('</main>');
  return out.join('\n');
}

/** The report as one self-contained HTML file (no script, no external resource). */
export function renderHtml(r: Readiness): string {
  return htmlDocument({
    csp: "default-src 'none'; style-src 'unsafe-inline'",
    title: `Cutover readiness: ${VERDICT_TEXT[r.verdict]}`,
    head: `<style>
:root { color-scheme: light dark; --good: #1a7f37; --bad: #cf222e; --warn: #9a6700; --line: #d0d7de; }
@media (prefers-color-scheme: dark) { :root { --good: #3fb950; --bad: #f85149; --warn: #d29922; --line: #30363d; } }
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.good { color: var(--good); } .bad { color: var(--bad); } .warn { color: var(--warn); }
</style>`,
    body: renderHtmlBody(r),
  });
}
