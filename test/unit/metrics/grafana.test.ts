import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { exportedMetricNames } from '../../../src/core/metrics/catalog';

interface Target { refId: string; expr: string }
interface Panel { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: Target[] }
interface Dashboard {
  title: string; uid: string; schemaVersion: number; panels: Panel[];
  templating: { list: { name: string; query: { query: string } | string }[] };
  __inputs: { name: string; type: string; pluginId: string }[];
}

const file = join(__dirname, '..', '..', '..', 'examples', 'loan-cutover', 'grafana', 'cutover-dashboard.json');
const PANEL_TYPES = new Set(['row', 'stat', 'timeseries', 'table', 'bargauge', 'gauge']);

/** The `cutover_…` names a PromQL expression uses. */
function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\bcutover_[a-zA-Z0-9_]+/g)].map((m) => m[0]);
}

describe('Grafana dashboard of the example', () => {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
  const queries = [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr }))),
    ...dashboard.templating.list.map((v) => ({ where: `variable ${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query.query })),
  ];

  it('is an importable dashboard: title, uid, schema version, a Prometheus data source input', () => {
    assert.equal(dashboard.title, 'Cutover');
    assert.match(dashboard.uid, /^[a-z0-9-]{1,40}$/);
    assert.ok(Number.isInteger(dashboard.schemaVersion) && dashboard.schemaVersion >= 30);
    assert.deepEqual(dashboard.__inputs.map((i) => [i.name, i.type, i.pluginId]), [['DS_PROMETHEUS', 'datasource', 'prometheus']]);
  });

  it('has panels with unique ids, known types, queries, and places on a 24-column grid that do not overlap', () => {
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      assert.ok(PANEL_TYPES.has(p.type), `${p.title}: ${p.type}`);
      const { x, y, w, h } = p.gridPos;
      assert.ok(x >= 0 && w > 0 && x + w <= 24 && h > 0, `${p.title} fits the grid`);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        assert.ok(!cells.has(`${i},${j}`), `${p.title} overlaps another panel at ${i},${j}`);
        cells.add(`${i},${j}`);
      }
      if (p.type === 'row') continue;
      assert.ok((p.targets ?? []).length > 0, `${p.title} has a query`);
      const refs = (p.targets ?? []).map((t) => t.refId);
      assert.equal(new Set(refs).size, refs.length, `${p.title}: refIds unique`);
    }
  });

  it('queries only metrics Cutover exports, each query at least one, scoped by $workspace', () => {
    const exported = new Set(exportedMetricNames());
    for (const q of queries) {
      const names = metricNamesIn(q.expr);
      assert.ok(names.length > 0, `${q.where} names a Cutover metric`);
      for (const n of names) assert.ok(exported.has(n), `${q.where}: ${n} is not exported by Cutover`);
      if (!q.where.startsWith('variable')) assert.match(q.expr, /workspace="\$workspace"/, q.where);
    }
    // The check can fail: a name the catalog does not have is caught.
    assert.ok(!exported.has(metricNamesIn('rate(cutover_kpi_variance_total[5m])')[0] ?? ''));
  });

  it('has panel queries that are valid PromQL (promtool checks them as recording rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-grafana-'));
    try {
      const rules = (exprs: readonly string[]) => stringify({ groups: [{ name: 'grafana', rules: exprs.map((expr, i) => ({ record: `cutover:grafana_query_${i}`, expr: expr.replaceAll('$workspace', 'w') })) }] });
      const check = (text: string) => {
        writeFileSync(join(dir, 'rules.yml'), text);
        return spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      };
      const panelQueries = queries.filter((q) => !q.where.startsWith('variable')).map((q) => q.expr);
      const ok = check(rules(panelQueries));
      assert.equal(ok.status, 0, `${ok.stdout}${ok.stderr}`);
      assert.notEqual(check(rules(['sum(cutover_run_info{workspace="w"'])).status, 0, 'a broken query is caught');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
