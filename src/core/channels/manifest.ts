/**
 * The manifest a pipeline writes beside its deliveries, and the check of its required fields. A field is a dotted
 * path, `[]` meaning every entry of a list (`outputs[].rows`); each missing or empty one is named with its index
 * (`outputs[1].rows`), so the author knows exactly what to add. Cross-checks against what was delivered (run id,
 * input checksum, per-output rows, checksum and schema) are in validate.ts, which knows the facts.
 *
 * The manifest's shape (the fields Cutover reads; a pipeline may add more):
 *   { "runId", "pipeline": { "name", "version" }, "input": { "sha256" }, "createdAt": ISO 8601,
 *     "outputs": [ { "channel", "output", "location", "rows", "sha256", "schema": [ { "name", "type" } ] } ] }
 * `sha256` of a file or blob delivery is of its bytes (several files: sha256 of their sorted hashes, as the run
 * store hashes); of a table delivery, of the local output file the pipeline loaded into it.
 */
import { readFile } from 'node:fs/promises';
import { InputError, isNotFound } from '../errors';

export interface ManifestOutput {
  readonly channel?: unknown;
  readonly rows?: unknown;
  readonly sha256?: unknown;
  readonly schema?: unknown;
}

export type Manifest = Record<string, unknown>;

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** The required fields `manifest` lacks (or holds empty), each as a concrete path such as `outputs[1].rows`. */
export function missingFields(manifest: unknown, required: readonly string[]): string[] {
  const missing: string[] = [];
  const walk = (value: unknown, steps: readonly string[], at: string): void => {
    const [step, ...rest] = steps;
    if (step === undefined) {
      if (isEmpty(value)) missing.push(at);
      return;
    }
    const list = step.endsWith('[]');
    const key = list ? step.slice(0, -2) : step;
    const here = at === '' ? key : `${at}.${key}`;
    const child = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    if (!list) return walk(child, rest, here);
    if (!Array.isArray(child) || child.length === 0) {
      missing.push(`${here}[]`);
      return;
    }
    child.forEach((entry, index) => walk(entry, rest, `${here}[${index}]`));
  };
  for (const path of required) walk(manifest, path.split('.'), '');
  return [...new Set(missing)];
}

/** The manifest at `file`: undefined when there is none; an InputError naming the file when it is not a JSON object. */
export async function readManifest(file: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`manifest is not valid JSON: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError('manifest is not a JSON object', { file });
  return parsed as Manifest;
}

/** The manifest's entry for `channel`, if it lists one. */
export function manifestOutput(manifest: Manifest, channel: string): ManifestOutput | undefined {
  const outputs = manifest['outputs'];
  if (!Array.isArray(outputs)) return undefined;
  return outputs.find((o): o is ManifestOutput => typeof o === 'object' && o !== null && (o as ManifestOutput).channel === channel);
}
