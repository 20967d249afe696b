/** Small helpers shared by the plan tests: fixture text and walking the parsed tree. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PlanSection, PlanTask } from '../../../src/core/plan/model';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'plans');

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

export function allSections(sections: readonly PlanSection[]): PlanSection[] {
  return sections.flatMap((s) => [s, ...allSections(s.sections)]);
}

export function allTasks(sections: readonly PlanSection[]): PlanTask[] {
  const out: PlanTask[] = [];
  const visit = (t: PlanTask): void => {
    out.push(t);
    t.children.forEach(visit);
  };
  for (const s of allSections(sections)) s.tasks.forEach(visit);
  return out;
}

export function taskNamed(sections: readonly PlanSection[], text: string): PlanTask {
  const found = allTasks(sections).filter((t) => t.text === text);
  if (found.length !== 1) throw new Error(`expected one task "${text}", found ${found.length}`);
  return found[0]!;
}

/** 0-based line of a text offset, counted independently of the parser. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length - 1;
}
