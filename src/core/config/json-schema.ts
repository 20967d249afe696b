/**
 * The JSON Schema of `cutover.json`, generated from the zod schema so that the editor's validation, completion and
 * hover docs can never drift from what the CLI accepts. `schemas/cutover.schema.json` is committed; a unit test fails
 * when it is stale (`npx tsx scripts/gen-schemas.ts` regenerates it).
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { CutoverConfigSchema } from './schema';

/** The schema as VS Code reads it: draft-07, the input side (defaults shown, optional keys optional). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(CutoverConfigSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return { ...schema, title: 'Cutover workspace configuration (cutover.json)' };
}

/** The exact text of `schemas/cutover.schema.json`. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

export function writeConfigSchema(file: string): void {
  writeFileSync(file, configJsonSchemaText());
}
