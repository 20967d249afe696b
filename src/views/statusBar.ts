/**
 * The Cutover status bar item: checklist progress, the last shadow run's verdict and its go/no-go
 * (`Cutover 42/118 · shadow FAIL 3.52% · NO-GO`, the criteria in the tooltip, as `cutover gate` decides them);
 * during a rollback or roll-forward, a timer against its budget that turns to a warning past it. Click: the views.
 */
import * as vscode from 'vscode';
import { formatPercent } from '../core/percent';
import type { RunRecord } from '../core/runs/record';
import { summarizeRun } from '../core/runs/summary';
import { goNoGoLabel, goNoGoLines, goNoGoOf, type GoNoGoShown } from '../shared/goNoGo';
import { logError } from '../shared/log';
import type { RunRef } from '../shared/runStores';

export interface TimerHandle {
  /** Seconds since the start; frozen at stop(), so whoever asks after the switch ended gets its duration. */
  readonly elapsedSeconds: number;
  /** True once the budget was exceeded (for a stopped timer: whether the switch took longer than its budget). */
  readonly overBudget: boolean;
  stop(): void;
}

export class CutoverStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cutover.status', vscode.StatusBarAlignment.Left, 10);
  private checklist: { done: number; tasks: number } | undefined;
  private lastShadow: { readonly record: RunRecord; readonly goNoGo?: GoNoGoShown } | undefined;
  private shadowRequest = 0;
  private timer: { label: string; started: number; budget: number; interval: NodeJS.Timeout } | undefined;

  constructor() {
    this.item.name = 'Cutover';
    this.item.command = 'workbench.view.extension.cutover';
  }

  setChecklist(done: number, tasks: number): void {
    this.checklist = tasks > 0 ? { done, tasks } : undefined;
    this.render();
  }

  /** Shows the run at once and its go/no-go once decided; a later call wins over one still deciding. */
  async setLastShadow(ref: RunRef | undefined): Promise<void> {
    const request = ++this.shadowRequest;
    this.lastShadow = ref && { record: ref.record, ...(this.lastShadow?.record.id === ref.record.id && this.lastShadow.goNoGo ? { goNoGo: this.lastShadow.goNoGo } : {}) };
    this.render();
    if (!ref) return;
    const goNoGo = await goNoGoOf(ref).then((g): GoNoGoShown => ({ goNoGo: g }), (error: unknown): GoNoGoShown => {
      logError(`status bar: deciding go/no-go for shadow run ${ref.record.id}`, error);
      return { error: error instanceof Error ? error.message : String(error) };
    });
    if (request !== this.shadowRequest) return;
    this.lastShadow = { record: ref.record, goNoGo };
    this.render();
  }

  /** What the item shows now. */
  get shown(): { readonly text: string; readonly tooltip: string } {
    return { text: this.item.text, tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : this.item.tooltip?.value ?? '' };
  }

  /** Shows `label m:ss / budget` until stopped; past the budget the item turns to a warning. */
  startTimer(label: string, budgetSeconds: number): TimerHandle {
    this.stopTimer();
    const started = Date.now();
    this.timer = { label, started, budget: budgetSeconds, interval: setInterval(() => this.render(), 1000) };
    this.render();
    const timer = this.timer;
    let stoppedAt: number | undefined;
    const elapsed = (): number => ((stoppedAt ?? Date.now()) - started) / 1000;
    return {
      get elapsedSeconds() { return elapsed(); },
      get overBudget() { return elapsed() > budgetSeconds; },
      stop: () => {
        stoppedAt ??= Date.now();
        if (this.timer === timer) this.stopTimer();
      },
    };
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer.interval);
    this.timer = undefined;
    this.render();
  }

  private render(): void {
    const clock = (s: number): string => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
    if (this.timer) {
      const elapsed = (Date.now() - this.timer.started) / 1000;
      const over = elapsed > this.timer.budget;
      this.item.text = `$(${over ? 'warning' : 'watch'}) ${this.timer.label} ${clock(elapsed)} / ${clock(this.timer.budget)}`;
      this.item.tooltip = over
        ? `${this.timer.label} has run past its ${this.timer.budget} s budget`
        : `${this.timer.label}: ${clock(elapsed)} of the ${this.timer.budget} s budget`;
      this.item.backgroundColor = over ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      this.item.show();
      return;
    }
    this.item.backgroundColor = undefined;
    const parts: string[] = [];
    if (this.checklist) parts.push(`${this.checklist.done}/${this.checklist.tasks}`);
    let tooltip = this.checklist ? `Checklist: ${this.checklist.done} of ${this.checklist.tasks} tasks done.` : '';
    if (this.lastShadow) {
      const { record, goNoGo } = this.lastShadow;
      const s = summarizeRun(record);
      parts.push(`shadow ${s.outcome.toUpperCase()}${s.worstVariance !== undefined ? ` ${formatPercent(s.worstVariance)}` : ''}`);
      if (goNoGo) parts.push(goNoGoLabel(goNoGo));
      tooltip += ` Last shadow run ${record.id}: ${s.outcome}${s.worstKpi ? `, worst KPI ${s.worstKpi}` : ''}.`;
      if (goNoGo) tooltip += `\n${goNoGoLines(goNoGo).join('\n')}\n`;
    }
    if (parts.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(arrow-swap) Cutover ${parts.join(' · ')}`;
    this.item.tooltip = `${tooltip.trim()} Click to open the Cutover views.`;
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer.interval);
    this.item.dispose();
  }
}
