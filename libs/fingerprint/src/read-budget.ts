/**
 * The time a file may take to read, shared by every stage of the read. Stages await streams that may
 * never settle on hostile input, so a stop is signalled (streams listen on `signal` and tear down) and
 * `race` rejects the caller at once instead of waiting for the stage to notice.
 */
export class ReadBudget {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly deadline: number;

  constructor(
    timeoutMs: number,
    private readonly timeoutError: () => Error,
  ) {
    this.deadline = Date.now() + timeoutMs;
    this.timer = setTimeout(() => this.stop(this.timeoutError()), timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the read with `reason`; later stops keep the first reason. */
  stop(reason: Error): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** For synchronous loops that cannot be interrupted by the timer. */
  throwIfStopped(): void {
    if (!this.signal.aborted && Date.now() > this.deadline) this.stop(this.timeoutError());
    if (this.signal.aborted) throw this.signal.reason;
  }

  race<T>(work: Promise<T>): Promise<T> {
    // The losing side of the race must not surface later as an unhandled rejection.
    work.catch(() => undefined);
    const signal = this.signal;
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onStop = () => reject(signal.reason);
      signal.addEventListener('abort', onStop, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onStop);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onStop);
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
