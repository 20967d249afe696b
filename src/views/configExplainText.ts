/**
 * What the configuration diff shows of an explanation, as text: the after-line annotation, the hover table and the
 * comment thread's notes (the effect, then each decision read back from the reviews and the plan). No vscode here.
 */
import { acceptanceOf, markedBy, regressionTasksOf } from '../core/explain/decisions';
import { formatConfigValue } from '../core/explain/configKeys';
import { formatKeyEffect, linesCausedBy, signedPercent } from '../core/explain/format';
import { formatValue } from '../core/gate/format';
import type { Plan } from '../core/plan/model';
import type { Review } from '../core/reviews/store';
import type { ExplainKey, ExplainResults } from '../core/runs/results';

/** Markdown-safe text (keys, values and reasons come from files). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** `V1 "greater-than" → V2 "at-least"`. */
function change(key: ExplainKey): string {
  const show = (v: unknown): string => (v === undefined ? 'absent' : formatConfigValue(v));
  return `V1 ${show(key.v1)} → V2 ${show(key.v2)}`;
}

export function annotationText(key: ExplainKey): string {
  return `${key.key}: ${formatKeyEffect(key)}`;
}

/** A command link to the KPI Diff of the explained shadow run, filtered to the lines caused by `key`. */
export function kpiDiffLink(explainRunId: string, key: string): string {
  return `command:cutover.explain.showInKpiDiff?${encodeURIComponent(JSON.stringify([explainRunId, key]))}`;
}

/** The hover: the change, every KPI it moves, the lines it explains and a link to them in the KPI Diff. */
export function hoverText(explainRunId: string, explain: ExplainResults, key: ExplainKey): string {
  const out = [`**${escapeMarkdown(key.key)}** — ${escapeMarkdown(change(key))}`, '', escapeMarkdown(formatKeyEffect(key, Infinity)), ''];
  if (key.effects.length > 0) {
    out.push('| KPI | segments moved | largest move | segment | out of tolerance, fixed by reverting |', '|---|---:|---:|---|---:|');
    for (const e of key.effects) {
      out.push(`| ${escapeMarkdown(e.kpi)} | ${e.segments} | ${signedPercent(e.largestRelChange)} | ${escapeMarkdown(e.largestSegment)} | ${e.fixes} |`);
    }
    out.push('');
  }
  for (const c of key.columns) {
    const diff = c.maxAbsDiff === null ? '' : `, max |Δ| ${formatValue(c.maxAbsDiff)} → ${formatValue(c.maxAbsDiffReverted)}`;
    out.push(`Loan-level column ${escapeMarkdown(c.name)} against V1 with the key reverted: ${c.mismatches} → ${c.mismatchesReverted} mismatches${escapeMarkdown(diff)}  `);
  }
  const caused = linesCausedBy(key.key, explain.lines).length;
  out.push('', caused > 0
    ? `[Show the ${caused} KPI line${caused === 1 ? '' : 's'} it explains in the KPI Diff](${kpiDiffLink(explainRunId, key.key)})`
    : 'No KPI line that did not pass is explained by this key alone.');
  out.push('', `_cutover explain run ${escapeMarkdown(explainRunId)} of shadow run ${escapeMarkdown(explain.shadowRun)}_`);
  return out.join('\n');
}

export interface ThreadNote {
  readonly author: string;
  readonly body: string;
  readonly label?: string;
  readonly when?: Date;
}

/** The thread of one key: the effect (by Cutover), then the acceptance and the regression tasks, as recorded. */
export function threadNotes(explainRunId: string, explain: ExplainResults, key: ExplainKey, reviews: readonly Review[], plan: Plan | undefined): ThreadNote[] {
  const notes: ThreadNote[] = [{ author: 'Cutover explain', label: 'effect', body: hoverText(explainRunId, explain, key) }];
  const accepted = acceptanceOf(key.key, explain, reviews);
  if (accepted) {
    const byReason = new Map<string, Review[]>();
    for (const r of accepted.reviews) byReason.set(JSON.stringify([r.who, r.reason]), [...(byReason.get(JSON.stringify([r.who, r.reason])) ?? []), r]);
    for (const group of byReason.values()) {
      const first = group[0] as Review;
      notes.push({
        author: first.who,
        label: 'accepted',
        when: new Date(first.when),
        body: `Accepted ${group.length} KPI line${group.length === 1 ? '' : 's'}${accepted.open > 0 ? ` (${accepted.open} still open)` : ''}: ${escapeMarkdown(first.reason)}`,
      });
    }
  }
  for (const task of plan ? regressionTasksOf(plan, key.key) : []) {
    notes.push({ author: markedBy(task) ?? 'unknown', label: task.done ? 'regression (done)' : 'regression', body: `Marked as a regression: ${escapeMarkdown(task.text)}` });
  }
  return notes;
}
