/**
 * A one-line progress bar on a TTY; on a pipe or CI log, a plain line every `plainEvery`
 * percent so logs stay readable.
 */
export class ProgressBar {
  private lastPlainPercent = -1;
  private drawn = false;
  /** When the last plain line was written (ms, performance.now()). */
  private lastPlainAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly plainEvery = 10,
  ) {}

  private get isTty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Shows `done` of `total` with a short status (e.g. best EDP so far). */
  update(done: number, total: number, status = ''): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const percent = Math.floor(fraction * 100);
    if (this.isTty) {
      const width = 28;
      const filled = Math.round(fraction * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      const columns = this.stream.columns ?? 100;
      const line = `${bar} ${String(percent).padStart(3)}% ${done}/${total} ${status}`.slice(0, columns - 1);
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (percent >= this.lastPlainPercent + this.plainEvery || (done === total && percent !== this.lastPlainPercent)) {
      this.lastPlainPercent = percent - (percent % this.plainEvery);
      this.lastPlainAt = performance.now();
      this.stream.write(`progress ${done}/${total} (${percent}%) ${status}\n`);
    }
  }

  /**
   * Shows work in progress between updates (e.g. the optimizer proposing a batch): redrawn on a
   * TTY; on a pipe, a plain line at most every `quietMs` without other output, so a log shows
   * that a long step is alive without filling up.
   */
  status(done: number, total: number, status: string, quietMs = 5_000): void {
    if (this.isTty) {
      this.update(done, total, status);
      return;
    }
    const now = performance.now();
    if (now - this.lastPlainAt < quietMs) return;
    this.lastPlainAt = now;
    this.stream.write(`progress ${done}/${total} — ${status}\n`);
  }

  /** Prints a message above the bar without garbling it. */
  log(message: string): void {
    if (this.isTty && this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${message}\n`);
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.isTty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
