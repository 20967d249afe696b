/**
 * The KPI Diff panel on a large run: 1,000 KPI rows and 100,000 mismatching rows. Measured in a real workbench
 * (code-server + Chromium): from the command to the KPI table on screen, and from "Show rows" to the 100k-row
 * table on screen (read with DuckDB, sent as Arrow IPC, decoded in the webview). Also the host-side parts alone.
 * Targets: the panel shows such a run in ≤ 1 s after the command (issue 5); the host turns the 100k rows into
 * Arrow IPC in ≤ 150 ms (issue 9). Peers for that step, in the same loop on the same file: parquet-wasm reading the
 * file straight into Arrow IPC (the file's own column types, no cast to text), and the generic node-api route (the
 * same DuckDB query read as JS values, then apache-arrow's per-value builders).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { tableFromIPC, Table, tableToIPC, vectorFromArray, Float64, Utf8, type Vector } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import type { RunRecord } from '../src/core/runs/record';
import { runView } from '../src/core/runs/view';
import { mismatchesIpc } from '../src/core/engine/mismatchesIpc';
import { provision } from '../test/host/toolchain';
import { startServer } from '../test/host/server';
import { launchBrowser, openWorkbench } from '../test/host/workbench';
import { copyWorkspace, REPO_ROOT } from '../test/host/workspace';

const RUNS = 5;
const KPIS = 1000;
const ROWS = 100_000;
const RUN_ID = '20260101-000000-000-bbbb00';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A complete shadow run record with KPIS lines (a third failing) and a mismatch file of ROWS rows. */
async function writeRun(workspace: string): Promise<RunRecord> {
  const dir = path.join(workspace, '.cutover', 'runs', RUN_ID);
  fs.mkdirSync(dir, { recursive: true });
  const kpis = Array.from({ length: KPIS }, (_, i) => {
    const v1 = 1000 + i;
    const v2 = i % 3 === 0 ? v1 * 1.02 : v1;
    const fail = v2 !== v1;
    return {
      segment: `segment=${Math.floor(i / 8)}`, kpi: `kpi_${i % 8}`, v1, v2, delta: v2 - v1, relVariance: (v2 - v1) / v1,
      tolerance: { abs: 0, passLine: 0.001, failLine: 0.01 }, verdict: fail ? 'fail' : 'pass',
      reason: fail ? 'variance 2.00% > fail line 1.00%' : 'variance 0.00% ≤ pass line 0.10%',
    };
  });
  const failing = kpis.filter((k) => k.verdict === 'fail').length;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT 'L' || lpad(i::VARCHAR, 7, '0') AS loan_id, DATE '2025-12-01' AS as_of_date, 'changed' AS kind,
    'balance' AS "column", (1000 + i)::VARCHAR AS v1, (1000.5 + i)::VARCHAR AS v2, 0.5::DOUBLE AS abs_diff FROM range(${ROWS}) t(i))
    TO '${path.join(dir, 'mismatches.parquet')}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  const now = new Date().toISOString();
  const record = {
    schemaVersion: 1, id: RUN_ID, kind: 'shadow', status: 'complete', startedAt: now, endedAt: now, phases: [], commands: [],
    inputs: [{ path: path.join(workspace, 'pipelines', 'v2', 'pipeline.config.json'), role: 'config-v2' }],
    outputs: [{ path: 'mismatches.parquet', role: 'mismatches', rows: ROWS }],
    thresholds: {}, versions: { cutover: 'bench', node: process.version },
    verdict: { verdict: 'fail', reasons: [`${failing} of ${KPIS} KPIs fail`] },
    results: {
      kpis: { verdict: 'fail', counts: { total: KPIS, pass: KPIS - failing, inconclusive: 0, fail: failing, noise: 0 }, kpis },
      rows: {
        verdict: 'fail', reasons: [], keys: ['loan_id', 'as_of_date'],
        rows: { v1: ROWS, v2: ROWS, matched: ROWS, onlyV1: 0, onlyV2: 0, changed: ROWS, duplicateKeysV1: 0, duplicateKeysV2: 0, excludedV1: 0, excludedV2: 0 },
        columns: [{ name: 'balance', compareAs: 'numeric', mismatches: ROWS, nullMismatches: 0, maxAbsDiff: 0.5, maxRelDiff: 0.0005, tolerance: { abs: 0, rel: 0 } }],
        sample: [], mismatches: { path: 'mismatches.parquet', rows: ROWS },
      },
    },
  };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record));
  return record as unknown as RunRecord;
}

/** Peer: parquet-wasm reads the whole file into Arrow IPC in WebAssembly (the file's types: DATE stays a date). */
function parquetWasmIpc(file: string): Uint8Array {
  return readParquet(fs.readFileSync(file)).intoIPCStream();
}

/** Peer: the generic node-api route: the same query as Cutover's, read as JS values, built with apache-arrow's builders. */
async function jsValuesIpc(file: string): Promise<Uint8Array> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  try {
    const result = await c.runAndReadAll(`SELECT COLUMNS(c -> c <> 'abs_diff')::VARCHAR, abs_diff::DOUBLE FROM read_parquet('${file}')`);
    const columns = result.getColumnsObjectJS();
    const vectors: Record<string, Vector> = {};
    for (const [name, values] of Object.entries(columns)) {
      vectors[name] = name === 'abs_diff' ? vectorFromArray(values as (number | null)[], new Float64()) : vectorFromArray(values as (string | null)[], new Utf8());
    }
    return tableToIPC(new Table(vectors), 'stream');
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function main(): Promise<void> {
  const workspace = copyWorkspace('examples/loan-cutover');
  const record = await writeRun(workspace);
  const dir = path.join(workspace, '.cutover', 'runs', RUN_ID);
  const file = path.join(dir, 'mismatches.parquet');
  const load = os.loadavg()[0] ?? 0;

  const model: number[] = [];
  const ipc: number[] = [];
  const wasm: number[] = [];
  const js: number[] = [];
  /** A warm-up (module loads, WebAssembly compile), then RUNS timed calls; one contender at a time, so the
   * garbage one leaves (the JS-values route makes 600,000 strings) is not collected in another's time. */
  async function timed(into: number[], make: () => Uint8Array | Promise<Uint8Array>): Promise<void> {
    const rows = tableFromIPC(await make()).numRows;
    // Every contender carries every row (the decoded values are the unit tests' business).
    if (rows !== ROWS) throw new Error(`an IPC stream of ${rows} rows, not ${ROWS}`);
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await make();
      into.push(performance.now() - t);
    }
  }
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    runView(record);
    model.push(performance.now() - t);
  }
  await timed(ipc, async () => (await mismatchesIpc(dir, record, 0, ROWS)).ipc);
  await timed(wasm, () => parquetWasmIpc(file));
  await timed(js, () => jsValuesIpc(file));
  const ipcMedian = median(ipc);
  process.stderr.write(`host side: model ${median(model).toFixed(1)} ms, Arrow IPC of ${ROWS} rows ${ipcMedian.toFixed(0)} ms (parquet-wasm ${median(wasm).toFixed(0)} ms, JS values ${median(js).toFixed(0)} ms)\n`);

  const server = await startServer(provision(), { linkExtensions: [REPO_ROOT] });
  // A keybinding starts the command at a known instant (typing in the palette would time the palette too).
  fs.writeFileSync(path.join(server.userDataDir, 'User', 'keybindings.json'), JSON.stringify([
    { key: 'ctrl+alt+shift+k', command: 'cutover.openKpiDiff' },
    { key: 'ctrl+alt+shift+j', command: 'workbench.action.closeAllEditors' },
  ]));
  const browser = await launchBrowser();
  const open: number[] = [];
  const rows: number[] = [];
  const all: number[] = [];
  const full: number[] = [];
  try {
    const page = await openWorkbench(browser, server, { folder: workspace });
    await page.locator('.statusbar-item', { hasText: /Cutover/ }).first().waitFor({ timeout: 60_000 });
    for (let i = 0; i < RUNS + 1; i++) {
      process.stderr.write(`panel run ${i + 1}/${RUNS + 1}${i === 0 ? ' (warm-up)' : ''}\n`);
      await page.keyboard.press('Control+Alt+Shift+J');
      await page.locator('iframe.webview').waitFor({ state: 'detached' });
      await page.locator('.part.editor').click();
      const t0 = Date.now();
      await page.keyboard.press('Control+Alt+Shift+K');
      const app = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await app.locator('table.kpis tbody tr').nth(KPIS - 1).waitFor({ timeout: 30_000 });
      const allKpis = Date.now();
      // The app stamps the frame its first rows were painted in (the rest of the 1,000 rows follow a frame later).
      const painted = Number(await app.locator('kpi-diff-app[data-first-rows-at]').getAttribute('data-first-rows-at'));
      const t1 = performance.now();
      await app.getByText(`Show the ${ROWS.toLocaleString('en-US')} mismatching rows`).click();
      await app.locator('[data-row="0"]').waitFor({ timeout: 30_000 });
      const t2 = performance.now();
      await app.locator('[data-testid=rows-count]', { hasText: new RegExp(`^${ROWS.toLocaleString('en-US')} mismatching rows$`) }).waitFor({ timeout: 30_000 });
      const t3 = performance.now();
      if (i > 0) {
        open.push(painted - t0);
        full.push(allKpis - t0);
        rows.push(t2 - t1);
        all.push(t3 - t1);
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const o = median(open);
  const r = median(rows);
  const ms = (v: number[]): string => v.map((x) => x.toFixed(0)).join(', ');
  process.stdout.write([
    '### KPI Diff panel (1,000 KPI rows, 100,000 mismatching rows)',
    '',
    `A synthetic shadow run in the example workspace, shown in a real workbench (code-server + Chromium, Playwright), ${RUNS}`,
    'runs after a warm-up, medians. "Panel on screen" is from the Open KPI Diff keypress to the frame that paints the first',
    'KPI rows (editor opened beside, webview loaded, ready handshake, run posted, first 60 rows rendered; the app stamps',
    'that frame); the other 940 rows are rendered right after it. "Rows" is from the "Show rows" click to the',
    'first rows of the 100,000-row table on screen (DuckDB reads a first page of 10,000 rows from the Parquet file, Arrow',
    'IPC to the webview, decoded there), then to all 100,000 rows loaded (the second page appended).',
    '',
    `The host rows run in one Node ${process.version} process before the workbench starts, ${RUNS} runs after a warm-up each, Cutover`,
    'first, then each peer, on the same 100,000-row file: Cutover reads it with DuckDB (keys, kind, column, v1, v2 cast to',
    'text, abs_diff a double) and copies each result chunk\'s vector memory into an Arrow record batch; parquet-wasm decodes',
    'the file into Arrow in WebAssembly with its own types (no cast); the generic node-api route reads the same query as JS',
    'values and builds the Arrow vectors value by value.',
    `Load average (1 min) when the host rows started: ${load.toFixed(1)} on ${os.cpus().length} cores (other processes on the machine share them).`,
    '',
    '| measure | median ms | runs (ms) | target | met |',
    '|---|---:|---|---|---|',
    `| panel on screen (first KPI rows painted) | ${o.toFixed(0)} | ${ms(open)} | ≤ 1000 ms | ${o <= 1000 ? 'yes' : 'NO'} |`,
    `| all 1,000 KPI rows rendered (seen by Playwright) | ${median(full).toFixed(0)} | ${ms(full)} | — | — |`,
    `| first mismatching rows on screen | ${r.toFixed(0)} | ${ms(rows)} | ≤ 1000 ms | ${r <= 1000 ? 'yes' : 'NO'} |`,
    `| all 100,000 rows loaded (scrollable to the end) | ${median(all).toFixed(0)} | ${ms(all)} | — | — |`,
    `| host: run record → view model | ${median(model).toFixed(1)} | ${ms(model)} | — | — |`,
    `| host: Parquet → Arrow IPC (100k rows; Cutover, DuckDB chunks copied into Arrow buffers) | ${ipcMedian.toFixed(0)} | ${ms(ipc)} | ≤ 150 ms | ${ipcMedian <= 150 ? 'yes' : 'NO'} |`,
    `| peer: parquet-wasm 0.8.0, file → Arrow IPC (the file's types, no cast to text) | ${median(wasm).toFixed(0)} | ${ms(wasm)} | — | — |`,
    `| peer: node-api JS values → apache-arrow builders (same query as Cutover) | ${median(js).toFixed(0)} | ${ms(js)} | — | — |`,
    '',
  ].join('\n'));
}

void main().catch((e: unknown) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exitCode = 1; });
