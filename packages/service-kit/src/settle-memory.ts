import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';

/** Long enough for the start-up work that follows readiness (first polls, discovery) to be over. */
const QUIET_AFTER_MS = 5000;

/**
 * The share of an interval the event loop may be busy for the process to count as quiet: an idle
 * service's polls, probes and telemetry exports stay around 1 %, any real traffic far above.
 */
const QUIET_UTILIZATION = 0.05;

/**
 * Once a process has started and is quiet, one memory-reducing garbage collection.
 *
 * Start-up grows V8's young generation to 16 MiB per semi-space (module loading keeps most of what
 * it allocates), and V8 gives it back only after a memory-reducing collection, which a process
 * that then waits for requests may not run for minutes: ≈ 30 MiB of RSS per process at rest
 * (bench/README.md). V8's low-memory collection (what the inspector's
 * `HeapProfiler.collectGarbage` runs; the session is in-process, no port is opened) shrinks it to
 * 1 MiB and compacts the old generation.
 *
 * That collection stops the process for tens of milliseconds (50–100 under load), so it waits for
 * an interval of `delayMs` in which the event loop was quiet. A process that takes traffic as soon
 * as it is ready (a restart under load) needs its young generation anyway: every request in flight
 * would have waited for the pause, and in a 20 s checkout benchmark those pauses, one per process,
 * were a share of the p99. It collects once the traffic stops, if ever.
 */
export function settleMemoryOnceQuiet(delayMs = QUIET_AFTER_MS): void {
  let since = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, since).utilization;
    since = now;
    if (busy > QUIET_UTILIZATION) return;
    clearInterval(timer);
    const session = new Session();
    session.connect();
    // Disconnecting inside the callback leaves the event loop stuck (Node 24): not until it returned.
    session.post('HeapProfiler.collectGarbage', () => setImmediate(() => session.disconnect()));
  }, delayMs);
  timer.unref();
}
