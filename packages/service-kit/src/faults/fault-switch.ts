import { readFile } from 'node:fs/promises';
import type { Database, Queryable } from '../db/index.ts';

/** What the fault switch holds. `remaining: null` means "until reset". */
export interface FaultState<Mode extends string> {
  mode: Mode | 'none';
  delayMs: number | null;
  remaining: number | null;
  /** Only calls on behalf of these users (null: every call). */
  userIds: string[] | null;
  /** Whether reads (catalog and stock lookups) take the fault too; by default only the order calls do. */
  includeReads: boolean;
  updatedBy: string | null;
  updatedAt: string;
}

export interface FaultSetting<Mode extends string> {
  mode: Mode | 'none';
  delayMs?: number | undefined;
  remaining?: number | undefined;
  userIds?: string[] | undefined;
  includeReads?: boolean | undefined;
}

/** What a call tells the switch about itself, so a fault aimed at some calls leaves the others alone. */
export interface FaultCall {
  /** Inside a transaction, its connection (see `take`). */
  via?: Queryable;
  /** The user the call is for (a charge's customer, a mail's recipient), when it has one. */
  userId?: string | undefined;
  /** A read (a catalog or stock lookup): untouched, and `remaining` not spent, unless the setting includes reads. */
  read?: boolean;
}

/** One application of a fault, taken from the switch (and counted against `remaining`). */
export interface ActiveFault<Mode extends string> {
  mode: Mode;
  delayMs: number | null;
}

export interface FaultSwitch<Mode extends string> {
  /** False in production: `take` never touches the database and `faultRoutes` registers nothing. */
  readonly enabled: boolean;
  /** The modes this service can simulate (besides 'none'); the PUT body accepts only these. */
  readonly modes: readonly Mode[];
  /**
   * Creates the `fault_switch` table and its row when missing (fault-switch.sql; idempotent, and
   * serialized across replicas starting together). `faultRoutes` calls it; a disabled switch
   * (production) creates nothing.
   */
  install(): Promise<void>;
  read(): Promise<FaultState<Mode>>;
  set(setting: FaultSetting<Mode>, updatedBy: string): Promise<FaultState<Mode>>;
  /**
   * Takes one application of the first active mode among `modes`, or null: only when the switch
   * aims at this call (its user, and reads only if it includes them), so the calls it does not aim
   * at never spend `remaining`. In production the switch is disabled and this never touches the
   * database. Inside a transaction pass its `tx` as `via`: taking a second pool connection while
   * holding one can exhaust the pool under load.
   */
  take(modes: readonly Mode[], call?: FaultCall): Promise<ActiveFault<Mode> | null>;
  /**
   * Whether `take` of one of these modes could apply now: false when the switch, as this process
   * knows it (within `refreshMs`, as `take` trusts it), is off or in another mode — a caller may
   * then leave out the transaction it would take the fault in. Spends nothing.
   */
  mayTake(modes: readonly Mode[]): Promise<boolean>;
}

export interface FaultSwitchOptions<Mode extends string> {
  /** The service's database; `install()` gives it the `fault_switch` table. */
  db: Database;
  /** Pass `config.NODE_ENV !== 'production'`. */
  enabled: boolean;
  modes: readonly Mode[];
  /**
   * How long `take` trusts the switch as it last read it before reading it again (default 1 s):
   * a switch set through another replica, or in SQL, applies here within this time; one set
   * through this switch applies at once.
   */
  refreshMs?: number;
  /** Milliseconds on a monotonic clock (default `performance.now`), for `refreshMs`. */
  now?: () => number;
}

interface Row {
  mode: string;
  delay_ms: number | null;
  remaining: number | null;
  user_ids: string[] | null;
  include_reads: boolean;
  updated_by: string | null;
  updated_at: Date | string;
}

const COLUMNS = 'mode, delay_ms, remaining, user_ids, include_reads, updated_by, updated_at';

const MODE_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const TABLE_SQL = new URL('./fault-switch.sql', import.meta.url);
// Any constant works, as long as it differs from the migration runner's (db/migrate.ts).
const INSTALL_LOCK = 727_002;

/**
 * The development fault switch lives in the service's database (one row), so every replica sees
 * the same switch and `remaining` is counted exactly once across them.
 *
 * Almost always it is off, and a statement per call to learn so was a tenth of a checkout's CPU
 * across the services (bench/README.md, "Checkout, fifth round"). So `take` trusts the switch as
 * it last read it for `refreshMs`: while it is off, or on in another mode, a call costs nothing;
 * while a mode it asks for is on, the conditional UPDATE decides, exactly as before.
 */
export function createFaultSwitch<Mode extends string>(options: FaultSwitchOptions<Mode>): FaultSwitch<Mode> {
  const { db, enabled } = options;
  const refreshMs = options.refreshMs ?? 1000;
  const now = options.now ?? (() => performance.now());
  const modes = Object.freeze([...options.modes]);
  if (modes.length === 0 || modes.some((m) => m === 'none' || !MODE_NAME.test(m))) {
    // A programming error, refused at start-up rather than answered over HTTP.
    throw new TypeError(`fault modes must be lower-case names other than 'none', got ${modes.join(', ')}`);
  }
  const toState = (row: Row): FaultState<Mode> => {
    const exhausted = row.remaining === 0;
    return {
      mode: exhausted ? 'none' : (row.mode as Mode | 'none'),
      delayMs: exhausted ? null : row.delay_ms,
      remaining: exhausted ? null : row.remaining,
      userIds: exhausted ? null : row.user_ids,
      includeReads: exhausted ? false : row.include_reads,
      updatedBy: row.updated_by,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  };

  const selectSwitch = async (via: Queryable = db): Promise<Row | undefined> =>
    (await via.query<Row>(`SELECT ${COLUMNS} FROM fault_switch`)).rows[0];

  /** The switch's mode as last read or set here, and when (a monotonic clock). */
  let known: { mode: Mode | 'none'; at: number } | undefined;
  /** Counts this switch's own sets: a read that began before one is not kept. */
  let sets = 0;
  let refreshing: Promise<Mode | 'none'> | undefined;

  const currentMode = (via?: Queryable): Promise<Mode | 'none'> => {
    const at = now();
    if (known && at - known.at < refreshMs) return Promise.resolve(known.mode);
    // Inside a transaction the read goes over its connection, for that caller alone, and is not
    // kept: it may see what the transaction itself wrote and later rolls back.
    if (!via && refreshing) return refreshing;
    const setsBefore = sets;
    const read = selectSwitch(via).then((row) => {
      const mode = row ? toState(row).mode : 'none';
      if (!via && sets === setsBefore && (!known || at >= known.at)) known = { mode, at };
      return mode;
    });
    if (via) return read;
    const shared = read.finally(() => {
      if (refreshing === shared) refreshing = undefined;
    });
    refreshing = shared;
    return shared;
  };

  return {
    enabled,
    modes,
    async install() {
      if (!enabled) return;
      const sql = await readFile(TABLE_SQL, 'utf8');
      // IF NOT EXISTS alone still races between two replicas creating the table at once.
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [INSTALL_LOCK]);
        await tx.query(sql);
      });
    },
    async read() {
      return toState((await selectSwitch()) as Row);
    },
    async set(setting, updatedBy) {
      const none = setting.mode === 'none';
      const { rows } = await db.query<Row>(
        `UPDATE fault_switch SET mode = $1, delay_ms = $2, remaining = $3, user_ids = $4, include_reads = $5,
                updated_by = $6, updated_at = now()
         RETURNING ${COLUMNS}`,
        [
          setting.mode,
          none ? null : (setting.delayMs ?? null),
          none ? null : (setting.remaining ?? null),
          none || !setting.userIds?.length ? null : setting.userIds,
          !none && setting.includeReads === true,
          updatedBy,
        ],
      );
      const state = toState(rows[0] as Row);
      sets++;
      known = { mode: state.mode, at: now() };
      refreshing = undefined; // a take from now on does not join a read begun before the set
      return state;
    },
    async mayTake(wanted) {
      if (!enabled || wanted.length === 0) return false;
      const mode = await currentMode();
      return mode !== 'none' && wanted.includes(mode);
    },
    async take(wanted, call = {}) {
      if (!enabled || wanted.length === 0) return null;
      const mode = await currentMode(call.via);
      if (mode === 'none' || !wanted.includes(mode)) return null;
      // One conditional UPDATE: concurrent callers never take more applications than `remaining`,
      // and a call the switch does not aim at (another user, a read) matches no row, spending nothing.
      // A user-aimed fault never applies to a call without a user (NULL = ANY(…) is not true).
      const { rows } = await (call.via ?? db).query<Row>(
        `UPDATE fault_switch SET remaining = remaining - 1
         WHERE mode = ANY($1::text[]) AND (remaining IS NULL OR remaining > 0)
           AND (include_reads OR NOT $2::boolean)
           AND (user_ids IS NULL OR $3::text = ANY(user_ids))
         RETURNING ${COLUMNS}`,
        [wanted, call.read === true, call.userId ?? null],
        { prepare: 'fault-take' },
      );
      const row = rows[0];
      return row ? { mode: row.mode as Mode, delayMs: row.delay_ms } : null;
    },
  };
}
