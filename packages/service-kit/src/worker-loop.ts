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

export interface WorkerLoopOptions {
  /**
   * How soon a nudge runs the tick (default 0: at once). A short delay lets the nudges of that
   * moment share one run — e.g. one outbox pass for the events of several requests — and a nudge
   * never postpones a run already due sooner.
   */
  nudgeDelayMs?: number;
}

export function workerLoop(
  intervalMs: number,
  tick: () => Promise<unknown>,
  onError: (error: unknown) => void,
  options: WorkerLoopOptions = {},
): WorkerLoop {
  const nudgeDelayMs = options.nudgeDelayMs ?? 0;
  let timer: NodeJS.Timeout | undefined;
  let dueAt = 0;
  let running: Promise<void> | undefined;
  let stopped = true;
  let again = false;

  const schedule = (delay: number, { unlessSooner = false } = {}) => {
    if (stopped) return;
    const due = Date.now() + delay;
    if (unlessSooner && timer !== undefined && dueAt <= due) return;
    clearTimeout(timer);
    dueAt = due;
    timer = setTimeout(run, delay);
    timer.unref();
  };

  const run = () => {
    timer = undefined;
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
      schedule(again ? nudgeDelayMs : intervalMs);
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
      schedule(nudgeDelayMs, { unlessSooner: true });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
