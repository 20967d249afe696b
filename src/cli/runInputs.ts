import type { LoadedTable } from '../core/engine/types';
import type { RunWriter } from '../core/runs/store';

/** Records a loaded table as a run input (sha256 of its files, rows, columns). */
export async function recordInput(writer: RunWriter, role: string, table: LoadedTable, sha256?: string): Promise<void> {
  const files = table.files;
  await writer.addFile('inputs', files.length === 1 ? (files[0] as string) : table.source.path, {
    role,
    ...(sha256 ? { sha256 } : {}),
    paths: files,
    rows: table.rows,
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
  });
}
