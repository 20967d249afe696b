/**
 * The V1 and V2 pipelines' configuration files of a run: those recorded with it (roles `config-v1`, `config-v2`),
 * else those cutover.json names now. Pure Node, no vscode: the KPI Diff panel, the CodeLens, Reveal KPI and Diff Configuration share it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { isAbsolute, join, resolve } from 'node:path';
import { CutoverError, isNotFound } from '../errors';
import type { RunRecord } from '../runs/record';
import { loadConfig } from './load';

export interface PipelineConfigFiles {
  readonly v1: readonly string[];
  readonly v2: readonly string[];
}

export function configFilesOf(record: RunRecord | undefined, workspaceRoot: string): PipelineConfigFiles {
  const recorded = (side: 'v1' | 'v2'): string[] =>
    (record?.inputs ?? []).filter((f) => f.role === `config-${side}`).map((f) => (isAbsolute(f.path) ? f.path : resolve(workspaceRoot, f.path)));
  const fromRun = { v1: recorded('v1'), v2: recorded('v2') };
  if (fromRun.v1.length > 0 || fromRun.v2.length > 0) return fromRun;
  const file = join(workspaceRoot, 'cutover.json');
  if (!existsSync(file)) return { v1: [], v2: [] };
  try {
    const { config, dir } = loadConfig(file);
    const named = (side: 'v1' | 'v2'): string[] => (config.pipelines?.[side]?.configFiles ?? []).map((f) => resolve(dir, f));
    return { v1: named('v1'), v2: named('v2') };
  } catch (error) {
    // An invalid cutover.json is reported by the commands that need it; the panel simply has no files to place by.
    if (error instanceof CutoverError) return { v1: [], v2: [] };
    throw error;
  }
}

/** The 0-based line and column where a KPI name appears as a JSON string in `text`, if it does. */
export function findKpiName(text: string, kpi: string): { line: number; column: number } | undefined {
  const offset = text.indexOf(JSON.stringify(kpi));
  if (offset < 0) return undefined;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, column: (before.at(-1)?.length ?? 0) + 1 };
}

/**
 * Where cutover.json defines KPI `kpi` itself (compare.kpis.definitions, else compare.kpis.composites): the file and
 * the 0-based position of that entry's name (inside the quotes). Read as JSONC (cutover.json has comments).
 */
export function findKpiDefinition(workspaceRoot: string, kpi: string): { file: string; line: number; column: number } | undefined {
  const file = join(workspaceRoot, 'cutover.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const root = parseTree(text);
  if (!root) return undefined;
  for (const list of ['definitions', 'composites']) {
    const entries = findNodeAtLocation(root, ['compare', 'kpis', list])?.children ?? [];
    for (const entry of entries) {
      const name = findNodeAtLocation(entry, ['name']);
      if (name?.value !== kpi) continue;
      const before = text.slice(0, name.offset).split('\n');
      return { file, line: before.length - 1, column: (before.at(-1)?.length ?? 0) + 1 };
    }
  }
  return undefined;
}
