import { SingleBar } from 'cli-progress';
import type { CliContext } from './context';

/** Phase progress on stderr: a bar on a TTY, one quiet line per phase otherwise. */
export class Progress {
  private readonly bar: SingleBar | undefined;
  private done = 0;

  constructor(private readonly ctx: CliContext, private readonly command: string, total: number) {
    if (ctx.stderr.isTTY) {
      this.bar = new SingleBar({ format: `${command} [{bar}] {value}/{total} {phase}`, stream: ctx.stderr as NodeJS.WriteStream, clearOnComplete: true, hideCursor: true });
      this.bar.start(total, 0, { phase: '' });
    }
  }

  phase(name: string, ms: number): void {
    this.done++;
    if (this.bar) this.bar.update(this.done, { phase: name });
    else this.ctx.stderr.write(`${this.command}: ${name} (${Math.round(ms)} ms)\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
