/**
 * Follows a log file as a process writes it, so the person running a rollback sees the command's output live while
 * the runner keeps sending it to the file (the record's copy). Polling: portable, and a rollback prints little.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface Follower {
  /** Reads what is left and stops. */
  stop(): void;
}

/** Calls `onText` with everything written to `file` from byte `from` on, every `intervalMs` until stopped. */
export function followFile(file: string, from: number, onText: (text: string) => void, intervalMs = 100): Follower {
  const fd = openSync(file, 'r');
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(64 * 1024);
  let position = from;
  const drain = (): void => {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) return;
      position += n;
      const text = decoder.write(buffer.subarray(0, n));
      if (text.length > 0) onText(text);
    }
  };
  const timer = setInterval(drain, intervalMs);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      try {
        drain();
        const rest = decoder.end();
        if (rest.length > 0) onText(rest);
      } finally {
        closeSync(fd);
      }
    },
  };
}
