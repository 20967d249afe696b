// Regenerates the committed JSON Schemas from their zod sources: `npx tsx scripts/gen-schemas.ts`.
import { join } from 'node:path';
import { writeConfigSchema } from '../src/core/config/json-schema';

const file = join(__dirname, '..', 'schemas', 'cutover.schema.json');
writeConfigSchema(file);
process.stderr.write(`wrote ${file}\n`);
