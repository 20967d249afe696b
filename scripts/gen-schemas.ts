// Regenerates the committed JSON Schemas from their zod sources: `npm run gen:schemas`. Unit tests fail while
// either file is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeConfigSchema } from '../src/core/config/json-schema';
import { runJsonSchemaText } from '../src/core/runs/record';

const dir = join(__dirname, '..', 'schemas');
writeConfigSchema(join(dir, 'cutover.schema.json'));
writeFileSync(join(dir, 'run.schema.json'), runJsonSchemaText());
process.stderr.write(`wrote ${dir}/cutover.schema.json and run.schema.json\n`);
