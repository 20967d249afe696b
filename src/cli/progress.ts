import { SingleBar } from 'cli-progress';
import { visibleText } from '../core/visibleText';
import type { CliContext } from './context';
import { rawStream } from './terminal';

/**
 * Phase progress on stderr: a bar on a TTY (last phase done, the tables' row counts, elapsed time ticking, so a
 * long join visibly runs), one quiet line per phase otherwise.
 */
export class Progress {
  private readonly bar: SingleBar | undefined;
  private done = 0;

  constructor(private readonly ctx: CliContext, private readonly command: string, total: number) {
    if (ctx.stderr.isTTY) {
      // The bar draws with escape sequences, so it writes past the guard and makes its data text visible itself.
      this.bar = new SingleBar({ format: `${command} [{bar}] {value}/{total} {phase}{rows} · {duration_formatted}`, stream: rawStream(ctx.stderr) as NodeJS.WriteStream, clearOnComplete: true, hideCursor: true });
      this.bar.start(total, 0, { phase: 'starting', rows: '' });
    }
  }

  phase(name: string, ms: number): void {
    this.done++;
    if (this.bar) this.bar.update(this.done, { phase: visibleText(`${name} done`) });
    else this.ctx.stderr.write(`${this.command}: ${name} (${Math.round(ms)} ms)\n`);
  }

  /** Row counts of the tables being compared, e.g. "V1 100,000,000 rows, V2 99,990,050 rows". */
  rows(text: string): void {
    if (this.bar) this.bar.update({ rows: visibleText(` · ${text}`) });
    else this.ctx.stderr.write(`${this.command}: ${text}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
