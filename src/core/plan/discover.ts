/**
 * Which markdown files are the cutover plans: ONE rule for the CLI and the extension. Each surface lists the
 * markdown files under a folder its own way (the CLI walks the disk, the extension asks VS Code, which also sees
 * unsaved workspaces and remote file systems) and this module decides which of them are plans, with minimatch.
 * Plans come from `plans` in cutover.json, else the `cutover.plans` setting, else files named like
 * `*cutover*plan*.md` or under a `cutover/` folder; never every markdown file.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { minimatch } from 'minimatch';

/** What is looked for when nothing names the plans. */
export const DEFAULT_PLAN_PATTERNS = ['**/*{cutover,Cutover,CUTOVER}*{plan,Plan,PLAN}*.{md,markdown}', '**/cutover/**/*.{md,markdown}'];
/** Folders whose files are never plans: dependencies, git's objects, the run store. */
export const PLAN_EXCLUDED_DIRS = ['node_modules', '.git', '.cutover'];
/** The files a surface lists as candidates (plans are markdown). */
export const PLAN_CANDIDATE_GLOB = '**/*.{md,markdown}';

const MARKDOWN = /\.(md|markdown)$/i;

export type PlanPatternSource = 'cutover.json' | 'setting' | 'default';

/** The patterns in force: a non-empty `plans` in cutover.json wins over the setting, which wins over the defaults. */
export function planPatterns(named: { config?: readonly string[] | undefined; setting?: readonly string[] | undefined }): { patterns: readonly string[]; source: PlanPatternSource } {
  if (named.config !== undefined && named.config.length > 0) return { patterns: named.config, source: 'cutover.json' };
  if (named.setting !== undefined && named.setting.length > 0) return { patterns: named.setting, source: 'setting' };
  return { patterns: DEFAULT_PLAN_PATTERNS, source: 'default' };
}

export interface PlanSelection {
  /** The plans among the candidates, sorted, each once. */
  readonly files: string[];
  /** Patterns that matched no candidate (a misspelt or moved plan). */
  readonly unmatched: string[];
}

/**
 * The candidates (paths relative to the folder the patterns are relative to, `/` or `\` separated) that the
 * patterns name. A file under node_modules, .git or .cutover is never a plan; neither is a non-markdown file.
 */
export function selectPlanFiles(candidates: readonly string[], patterns: readonly string[]): PlanSelection {
  const files = candidates
    .map((file) => file.replaceAll('\\', '/').replace(/^\.\//, ''))
    .filter((file) => MARKDOWN.test(file) && !file.split('/').some((part) => PLAN_EXCLUDED_DIRS.includes(part)));
  const chosen = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const normalized = pattern.replaceAll('\\', '/').replace(/^\.\//, '');
    const hits = files.filter((file) => minimatch(file, normalized, { dot: true }));
    if (hits.length === 0) unmatched.push(pattern);
    for (const hit of hits) chosen.add(hit);
  }
  return { files: [...chosen].sort((a, b) => a.localeCompare(b)), unmatched };
}

/** The markdown files under `root` (relative, `/` separated), skipping the excluded folders and symbolic links. */
export async function listPlanCandidates(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory() && !PLAN_EXCLUDED_DIRS.includes(entry.name)) await walk(join(dir, entry.name), relative);
      else if (entry.isFile() && MARKDOWN.test(entry.name)) found.push(relative);
    }
  };
  await walk(root, '');
  return found;
}
