/**
 * Reads the keys the views need (`plans`, `runbooks`) from a cutover.json leniently: the Checklist and Runbooks
 * views must keep working while the pipelines' part of the file is being edited or is invalid. Only a syntax error
 * that hides these keys is reported (with line and column); full validation is the CLI's and the JSON schema's job.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';

export interface WorkspaceKeys {
  readonly plans?: string[];
  readonly runbooks?: string;
  readonly problem?: string;
}

export function readWorkspaceKeys(text: string, file: string): WorkspaceKeys {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true }) as unknown;
  const object = typeof value === 'object' && value !== null ? (value as { plans?: unknown; runbooks?: unknown }) : {};
  const plans = Array.isArray(object.plans) && object.plans.every((p) => typeof p === 'string') ? object.plans as string[] : undefined;
  const runbooks = typeof object.runbooks === 'string' ? object.runbooks : undefined;
  let problem: string | undefined;
  if (errors.length > 0 && (plans === undefined || runbooks === undefined)) {
    const first = errors[0]!;
    const before = text.slice(0, first.offset);
    problem = `${file}:${before.split('\n').length}:${first.offset - before.lastIndexOf('\n')}: ${printParseErrorCode(first.error)}`;
  } else if (object.plans !== undefined && plans === undefined) {
    problem = `${file}: "plans" must be an array of glob strings`;
  }
  return { ...(plans ? { plans } : {}), ...(runbooks ? { runbooks } : {}), ...(problem ? { problem } : {}) };
}
