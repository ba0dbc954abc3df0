import type { Worker } from 'node:worker_threads';

/** How a thread's end turns into its caller's answer. */
export interface WorkerAnswer<M, T> {
  /** The thread's one message: the answer, or a throw that rejects. */
  message(message: M): T;
  /** The thread failed (threw, or ran out of memory). */
  error(error: Error): Error;
  /** The thread stopped without answering. */
  exit(code: number): Error;
}

/**
 * The one answer of a worker thread that posts a single message. Whatever comes first (the message,
 * an error, the thread's exit, or `signal` aborting, which rejects with its reason) settles it, and
 * the thread is terminated then.
 */
export function workerAnswer<M, T>(
  worker: Worker,
  signal: AbortSignal,
  answer: WorkerAnswer<M, T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => settle(() => reject(signal.reason as Error));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (message: M) =>
      settle(() => {
        try {
          resolve(answer.message(message));
        } catch (error) {
          reject(error as Error);
        }
      }),
    );
    worker.once('error', (error: Error) => settle(() => reject(answer.error(error))));
    worker.once('exit', (code: number) => settle(() => reject(answer.exit(code))));
  });
}
