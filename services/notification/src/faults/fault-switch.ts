import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply } from 'fastify';
import type { Database, Queryable } from '@mockmart/service-kit/db';

/** What the fault switch holds. `remaining: null` means "until reset". */
export interface FaultState<Mode extends string> {
  mode: Mode | 'none';
  delayMs: number | null;
  remaining: number | null;
  updatedBy: string | null;
  updatedAt: string;
}

export interface FaultSetting<Mode extends string> {
  mode: Mode | 'none';
  delayMs?: number | undefined;
  remaining?: number | undefined;
}

/** One application of a fault, taken from the switch (and counted against `remaining`). */
export interface ActiveFault<Mode extends string> {
  mode: Mode;
  delayMs: number | null;
}

export interface FaultSwitch<Mode extends string> {
  readonly enabled: boolean;
  read(): Promise<FaultState<Mode>>;
  set(setting: FaultSetting<Mode>, updatedBy: string): Promise<FaultState<Mode>>;
  /**
   * Takes one application of the first active mode among `modes`, or null. In production the
   * switch is disabled and this never touches the database. Inside a transaction pass its `tx`:
   * taking a second pool connection while holding one can exhaust the pool under load.
   */
  take(modes: readonly Mode[], via?: Queryable): Promise<ActiveFault<Mode> | null>;
}

interface Row {
  mode: string;
  delay_ms: number | null;
  remaining: number | null;
  updated_by: string | null;
  updated_at: Date | string;
}

/**
 * The development fault switch lives in the service's database (one row), so every replica sees
 * the same switch and `remaining` is counted exactly once across them.
 */
export function createFaultSwitch<Mode extends string>(options: {
  db: Database;
  enabled: boolean;
}): FaultSwitch<Mode> {
  const { db, enabled } = options;
  const toState = (row: Row): FaultState<Mode> => {
    const exhausted = row.remaining === 0;
    return {
      mode: exhausted ? 'none' : (row.mode as Mode | 'none'),
      delayMs: exhausted ? null : row.delay_ms,
      remaining: exhausted ? null : row.remaining,
      updatedBy: row.updated_by,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  };

  return {
    enabled,
    async read() {
      const { rows } = await db.query<Row>(
        'SELECT mode, delay_ms, remaining, updated_by, updated_at FROM fault_switch',
      );
      return toState(rows[0] as Row);
    },
    async set(setting, updatedBy) {
      const none = setting.mode === 'none';
      const { rows } = await db.query<Row>(
        `UPDATE fault_switch SET mode = $1, delay_ms = $2, remaining = $3, updated_by = $4, updated_at = now()
         RETURNING mode, delay_ms, remaining, updated_by, updated_at`,
        [
          setting.mode,
          none ? null : (setting.delayMs ?? null),
          none ? null : (setting.remaining ?? null),
          updatedBy,
        ],
      );
      return toState(rows[0] as Row);
    },
    async take(modes, via = db) {
      if (!enabled || modes.length === 0) return null;
      // One conditional UPDATE: concurrent callers never take more applications than `remaining`.
      const { rows } = await via.query<Row>(
        `UPDATE fault_switch SET remaining = remaining - 1
         WHERE mode = ANY($1::text[]) AND (remaining IS NULL OR remaining > 0)
         RETURNING mode, delay_ms, remaining, updated_by, updated_at`,
        [modes],
      );
      const row = rows[0];
      return row ? { mode: row.mode as Mode, delayMs: row.delay_ms } : null;
    },
  };
}

/** Waits `ms`, bounded by `maxMs`, ending early when `signal` aborts (the caller went away). */
export async function injectDelay(ms: number, maxMs: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(Math.min(Math.max(ms, 0), maxMs), undefined, { signal });
  } catch {
    // Aborted: the caller disconnected, there is nobody left to be slow for.
  }
}

/**
 * Aborts when the caller hangs up before the answer is written. (`request.signal` is unsuitable:
 * it follows the request stream, which closes as soon as the body has been read.)
 */
export function callerGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
