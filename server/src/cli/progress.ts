/** The part of a stream the progress bar needs. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): boolean;
}

/** When the bar appears and how often it redraws. */
const MIN_FILES = 50;
const MIN_DURATION_MS = 1000;
const REDRAW_INTERVAL_MS = 100;

/**
 * A one-line progress bar on stderr for long scans. It stays hidden for short scans (up to 50
 * files and under a second), off a terminal and in CI, redraws at most ten times a second, and
 * is cleared before the report is printed so the two never interleave.
 */
export class Progress {
  private readonly started: number;
  private lastDraw = 0;
  private shown = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** Whether a bar may be drawn at all: stderr is a terminal and this is not a CI job. */
  static allowed(stream: ProgressStream, env: NodeJS.ProcessEnv): boolean {
    return stream.isTTY === true && !env.CI && env.TERM !== 'dumb';
  }

  /** Reports that `done` files of the total are finished. */
  update(done: number): void {
    if (!this.enabled) return;
    const time = this.now();
    if (this.total <= MIN_FILES && time - this.started < MIN_DURATION_MS) return;
    if (this.shown && time - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = time;
    this.shown = true;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 30));
    const filled = this.total > 0 ? Math.round((done / this.total) * width) : width;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.stream.write(`\r\x1b[2K${bar} ${done}/${this.total} files`);
  }

  /** Removes the bar, if it was drawn. */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
