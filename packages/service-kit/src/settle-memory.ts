import { Session } from 'node:inspector';

/** Long enough for the start-up work that follows readiness (first polls, discovery) to be over. */
const QUIET_AFTER_MS = 5000;

/**
 * Once a process has started, one memory-reducing garbage collection, a few seconds later.
 *
 * Start-up grows V8's young generation to 16 MiB per semi-space (module loading keeps most of what
 * it allocates), and V8 gives it back only after a memory-reducing collection, which a process
 * that then waits for requests may not run for minutes: ≈ 30 MiB of RSS per process at rest
 * (bench/README.md). V8's low-memory collection (what the inspector's
 * `HeapProfiler.collectGarbage` runs; the session is in-process, no port is opened) shrinks it to
 * 1 MiB and compacts the old generation. Under traffic the young generation grows again as
 * before, so request handling pays nothing for it; the collection itself is one pause of a few
 * tens of milliseconds on a heap of ≈ 30 MiB.
 */
export function settleMemoryOnceQuiet(delayMs = QUIET_AFTER_MS): void {
  const timer = setTimeout(() => {
    const session = new Session();
    session.connect();
    // Disconnecting inside the callback leaves the event loop stuck (Node 24): not until it returned.
    session.post('HeapProfiler.collectGarbage', () => setImmediate(() => session.disconnect()));
  }, delayMs);
  timer.unref();
}
