#!/usr/bin/env node
// Switches which pipeline is live: writes active-pipeline.json (temp file + rename, so a reader never sees half of
// it) and keeps the previous state as active-pipeline.previous.json.
//
//   node scripts/switch-pipeline.mjs v1|v2
import { copyFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const target = process.argv[2];
if (target !== 'v1' && target !== 'v2') {
  console.error('usage: switch-pipeline.mjs v1|v2');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'active-pipeline.json');
if (existsSync(file)) copyFileSync(file, join(root, 'active-pipeline.previous.json'));
const state = {
  active: target,
  command: ['node', `pipelines/${target}/pipeline.mjs`],
  config: `pipelines/${target}/pipeline.config.json`,
  switchedAt: new Date().toISOString(),
};
const tmp = `${file}.tmp-${process.pid}`;
writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
renameSync(tmp, file);
console.log(`active pipeline: ${target}`);
