/**
 * A background loop: runs `tick` now and then every `intervalMs` (after the previous run ended, so
 * runs never overlap), can be nudged to run early, and stops cleanly, waiting for a run in progress.
 */
export interface WorkerLoop {
  start(): void;
  /** Run as soon as possible (e.g. an event was just enqueued). */
  nudge(): void;
  stop(): Promise<void>;
}

export function workerLoop(
  intervalMs: number,
  tick: () => Promise<unknown>,
  onError: (error: unknown) => void,
): WorkerLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let again = false;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
    timer.unref();
  };

  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        await tick();
      } catch (error) {
        onError(error);
      }
    })().finally(() => {
      running = undefined;
      schedule(again ? 0 : intervalMs);
      again = false;
    });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    nudge() {
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
