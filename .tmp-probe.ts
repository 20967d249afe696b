import { readFileSync } from 'node:fs';
import { parsePlan } from './src/core/plan/parse';
for (const f of ['fences', 'blockquote', 'ordered', 'tabs', 'html-table', 'criteria']) {
  const p = parsePlan(readFileSync(`test/fixtures/plans/${f}.md`, 'utf8'));
  console.log(f, JSON.stringify(p.totals));
  console.log(JSON.stringify(p.sections, (k, v) => (k === 'start' || k === 'end' || k === 'kind') ? undefined : v));
}
