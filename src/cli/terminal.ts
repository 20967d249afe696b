/**
 * Everything the CLI prints passes through here: its stdout and stderr are wrapped once (in main) so that every
 * string written shows control characters and bidi overrides as visible escapes (core/visibleText). Guarding the
 * streams rather than each formatter means a new report, an error message quoting a KPI name or commander's own
 * output cannot forget it; --json output stays valid JSON with the same parsed value.
 */
import { visibleText } from '../core/visibleText';

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

const RAW = Symbol('the unguarded stream');

/**
 * `stream` with its string writes made visible. Buffers pass as they are: they are the output of a runbook step's
 * own command, shown as the person's shell would show it (colours included).
 */
export function terminalStream<S extends Stream>(stream: S): S {
  if ((stream as { [RAW]?: S })[RAW] !== undefined) return stream;
  return new Proxy(stream, {
    get(target, key) {
      if (key === RAW) return target;
      if (key === 'write') {
        return (chunk: unknown, ...rest: unknown[]): boolean =>
          (target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? visibleText(chunk) : chunk, ...rest);
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The stream under a guard, for the one writer that sends escape sequences on purpose: the TTY progress bar. */
export function rawStream<S extends Stream>(stream: S): S {
  return (stream as { [RAW]?: S })[RAW] ?? stream;
}
