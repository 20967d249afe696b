/**
 * Runs one pipeline command: an argument array (never a shell, so paths with spaces, quotes or `$` arrive intact),
 * placeholders substituted per argument, stdout and stderr into one log file, timed. The child leads its own process
 * group so cancelling kills everything it started, not just the first process.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { RuntimeError } from '../errors';
import type { Placeholder } from '../config/schema';

export type PlaceholderValues = Partial<Record<Placeholder, string>>;

/** Replaces `${name}` in each argument; a placeholder without a value is an error, not an empty string. */
export function substitute(args: readonly string[], values: PlaceholderValues): string[] {
  return args.map((arg) =>
    arg.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
      const value = (values as Record<string, string | undefined>)[name];
      if (value === undefined) throw new RuntimeError(`no value for placeholder \${${name}} in argument "${arg}"`);
      return value;
    }),
  );
}

export interface PipelineRunSpec {
  /** Label used in messages, e.g. `v1`. */
  readonly name: string;
  /** The command as configured, placeholders not yet substituted. */
  readonly command: readonly string[];
  readonly values: PlaceholderValues;
  /** Absolute working directory. */
  readonly cwd: string;
  /** Added to (and overriding) the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Receives the command line, then everything the process prints on stdout and stderr. */
  readonly logFile: string;
  /** Aborting kills the whole process tree (SIGTERM, then SIGKILL after `killGraceMs`). */
  readonly signal?: AbortSignal;
  readonly killGraceMs?: number;
  /** Called with the pid once the process has started (the load sampler watches its tree). */
  readonly onStart?: (pid: number) => void;
}

export interface PipelineRunResult {
  readonly name: string;
  /** The exact argument array that was executed. */
  readonly argv: readonly string[];
  readonly cwd: string;
  /** The exit code, or null when the process was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the run was cancelled through the AbortSignal. */
  readonly cancelled: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly logFile: string;
}

/** True when the pipeline ran to completion and exited 0. */
export function succeeded(result: PipelineRunResult): boolean {
  return result.exitCode === 0 && !result.cancelled;
}

function killTree(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the process group the detached child leads (POSIX).
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch (error) {
    // ESRCH: already gone.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Runs the pipeline and resolves when it has exited (whatever the exit code). Rejects with a RuntimeError only when
 * it cannot be started: missing working directory or executable.
 */
export function runPipeline(spec: PipelineRunSpec): Promise<PipelineRunResult> {
  const argv = substitute(spec.command, spec.values);
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new RuntimeError(`pipeline ${spec.name}: empty command`));
  if (!existsSync(spec.cwd) || !statSync(spec.cwd).isDirectory()) {
    return Promise.reject(new RuntimeError(`pipeline ${spec.name}: working directory not found: ${spec.cwd}`));
  }
  const startedAt = new Date().toISOString();
  const log = openSync(spec.logFile, 'a');
  writeSync(log, `$ ${argv.map(quoteForDisplay).join(' ')}\n# cwd: ${spec.cwd}\n`);

  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(file, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', log, log],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const onAbort = (): void => {
      if (child.pid === undefined || child.exitCode !== null) return;
      cancelled = true;
      killTree(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => child.pid !== undefined && killTree(child.pid, 'SIGKILL'), spec.killGraceMs ?? 2000);
      killTimer.unref();
    };
    let closed = false;
    const cleanup = (): void => {
      if (closed) return;
      closed = true;
      spec.signal?.removeEventListener('abort', onAbort);
      closeSync(log);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      const why = error.code === 'ENOENT' ? `executable "${file}" not found` : error.code === 'EACCES' ? `"${file}" is not executable` : error.message;
      reject(new RuntimeError(`pipeline ${spec.name}: cannot run ${argv.map(quoteForDisplay).join(' ')}: ${why}`, undefined, { cause: error }));
    });
    child.once('exit', (exitCode, signal) => {
      const durationMs = performance.now() - t0;
      if (killTimer && exitCode !== null) clearTimeout(killTimer);
      // Grandchildren may still hold the group; after a cancel make sure they go too.
      if (cancelled && child.pid !== undefined) killTree(child.pid, 'SIGKILL');
      cleanup();
      resolvePromise({ name: spec.name, argv, cwd: spec.cwd, exitCode, signal, cancelled, startedAt, durationMs, logFile: spec.logFile });
    });
    if (child.pid !== undefined) spec.onStart?.(child.pid);
    if (spec.signal?.aborted) onAbort();
    else spec.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Quotes an argument for display only (logs, run records); the process receives the raw argument. */
export function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
