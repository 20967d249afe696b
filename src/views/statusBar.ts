/**
 * The Cutover status bar item: checklist progress and the last shadow verdict (`Cutover 42/118 · shadow PASS 0.03%`);
 * during a rollback or roll-forward, a timer against its budget that turns to a warning past it. Click: the views.
 */
import * as vscode from 'vscode';
import { formatPercent } from '../core/percent';
import type { RunRecord } from '../core/runs/record';
import { summarizeRun } from '../core/runs/summary';

export interface TimerHandle {
  /** True once the budget was exceeded. */
  readonly overBudget: boolean;
  stop(): void;
}

export class CutoverStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cutover.status', vscode.StatusBarAlignment.Left, 10);
  private checklist: { done: number; tasks: number } | undefined;
  private lastShadow: RunRecord | undefined;
  private timer: { label: string; started: number; budget: number; interval: NodeJS.Timeout } | undefined;

  constructor() {
    this.item.name = 'Cutover';
    this.item.command = 'workbench.view.extension.cutover';
  }

  setChecklist(done: number, tasks: number): void {
    this.checklist = tasks > 0 ? { done, tasks } : undefined;
    this.render();
  }

  setLastShadow(record: RunRecord | undefined): void {
    this.lastShadow = record;
    this.render();
  }

  /** Shows `label m:ss / budget` until stopped; past the budget the item turns to a warning. */
  startTimer(label: string, budgetSeconds: number): TimerHandle {
    this.stopTimer();
    const started = Date.now();
    this.timer = { label, started, budget: budgetSeconds, interval: setInterval(() => this.render(), 1000) };
    this.render();
    const timer = this.timer;
    const elapsed = (): number => (Date.now() - started) / 1000;
    return {
      get overBudget() { return elapsed() > budgetSeconds; },
      stop: () => { if (this.timer === timer) this.stopTimer(); },
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
      const s = summarizeRun(this.lastShadow);
      parts.push(`shadow ${s.outcome.toUpperCase()}${s.worstVariance !== undefined ? ` ${formatPercent(s.worstVariance)}` : ''}`);
      tooltip += ` Last shadow run ${this.lastShadow.id}: ${s.outcome}${s.worstKpi ? `, worst KPI ${s.worstKpi}` : ''}.`;
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
