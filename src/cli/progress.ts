/** A one-line progress bar on stderr for TTYs (redrawn at most every 100 ms). */
export class ProgressBar {
  private last = 0;
  private readonly start = Date.now();
  constructor(private readonly label: string) {}

  update(done: number, total: number): void {
    const now = Date.now();
    if (done < total && now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const frac = total ? done / total : 1;
    const filled = Math.round(frac * width);
    const secs = ((now - this.start) / 1000).toFixed(0);
    process.stderr.write(
      `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${secs}s`,
    );
  }

  done(): void {
    process.stderr.write('\r\x1b[K');
  }
}
