/**
 * A progress bar on stderr when it is a terminal; otherwise a line now and then, so logs of a CI job
 * or a cron run still show that a long scan is moving.
 */
export class ProgressBar {
  private lastLine = '';
  /** Without a terminal: the last line written, and when. */
  private lastPlain = '';
  private lastPlainAt = 0;
  private readonly tty: boolean;

  constructor(
    private readonly enabled: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = !!out.isTTY;
  }

  /**
   * `total` is null while the scan waits to start; `unchanged` says the listing is complete and no
   * file needs reading (a re-scan of an unchanged source), which is done, not 0% of nothing.
   */
  update(done: number, total: number | null, note: string, unchanged = false): void {
    if (!this.enabled) return;
    const width = 28;
    const ratio = unchanged ? 1 : total ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * width);
    const counts = unchanged
      ? 'no file changed since the last scan'
      : total === null
        ? 'listing files…'
        : `${done}/${total} files`;
    const line = `Scanning [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%  ${counts}  ${note}`;
    if (this.tty) {
      if (line !== this.lastLine) this.out.write(`\r\x1b[2K${line}`);
    } else if (Date.now() - this.lastPlainAt > 5_000) {
      this.out.write(`${line}\n`);
      this.lastPlain = line;
      this.lastPlainAt = Date.now();
    }
    this.lastLine = line;
  }

  finish(): void {
    if (!this.enabled) return;
    if (this.tty) this.out.write(`\r\x1b[2K${this.lastLine}\n`);
    else if (this.lastLine && this.lastLine !== this.lastPlain) this.out.write(`${this.lastLine}\n`);
  }
}
