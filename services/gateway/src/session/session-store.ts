import type { Queryable } from '@mockmart/service-kit/db';
import { hashSessionId, newSessionId, randomToken, type SessionSealer } from './session-crypto.ts';
import { isAuthenticated, type Session, type SessionData, type SessionSecrets } from './types.ts';

export interface SessionLifetimes {
  idleMs: number;
  absoluteMs: number;
  /** Idle lifetime of an anonymous session whose cart holds something. */
  anonymousMs: number;
  /** Idle lifetime of an anonymous session whose cart never held anything (a refused add, a login). */
  emptyAnonymousMs: number;
}

export interface SessionStoreOptions {
  db: Queryable;
  sealer: SessionSealer;
  lifetimes: SessionLifetimes;
  now?: () => number;
  /**
   * How long (ms) a replica may reuse a session it read, instead of reading it again; 0 disables.
   * This replica's own writes and deletes update the cache at once; a logout processed by ANOTHER
   * replica is seen here at most this much later.
   */
  cacheMs?: number;
}

interface Row {
  id_hash: string;
  version: number;
  data: SessionData;
  secrets: string | null;
  sid: string | null;
  sub: string | null;
  created_at: Date;
  expires_at: Date;
  absolute_expires_at: Date;
}

/** Sliding expiry is written at most this often, so a busy session is not a write per request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * PostgreSQL-backed sessions: any replica serves any session and sessions survive restarts.
 * `save` is an optimistic write (version check): a replica that lost a race learns it and reloads.
 */
export function createSessionStore(options: SessionStoreOptions) {
  const { db, sealer, lifetimes } = options;
  const now = options.now ?? Date.now;
  const cache = createSessionCache(options.cacheMs ?? 0);

  function expiryFor(session: Pick<Session, 'absoluteExpiresAt' | 'secrets' | 'data'>, at: number): number {
    const idle = isAuthenticated(session as Session)
      ? lifetimes.idleMs
      : session.data.cartFilled
        ? lifetimes.anonymousMs
        : lifetimes.emptyAnonymousMs;
    return Math.min(at + idle, session.absoluteExpiresAt);
  }

  function toSession(row: Row, id: string): Session {
    return {
      id,
      idHash: row.id_hash,
      version: row.version,
      data: row.data,
      secrets: row.secrets ? sealer.open<SessionSecrets>(row.secrets, row.id_hash) : {},
      sid: row.sid ?? undefined,
      sub: row.sub ?? undefined,
      createdAt: row.created_at.getTime(),
      expiresAt: row.expires_at.getTime(),
      absoluteExpiresAt: row.absolute_expires_at.getTime(),
    };
  }

  return {
    /** A new session with a new id; `authenticated` starts the absolute lifetime of a login. */
    async create(input: {
      data?: Partial<SessionData>;
      secrets?: SessionSecrets;
      sid?: string;
      sub?: string;
    }): Promise<Session> {
      const id = newSessionId();
      const at = now();
      const authenticated = Boolean(input.secrets?.user && input.secrets.tokens);
      const session: Session = {
        id,
        idHash: hashSessionId(id),
        version: 1,
        data: { csrfToken: randomToken(), ...input.data },
        secrets: input.secrets ?? {},
        sid: input.sid,
        sub: input.sub,
        createdAt: at,
        expiresAt: 0,
        absoluteExpiresAt:
          at + (authenticated ? lifetimes.absoluteMs : Math.max(lifetimes.absoluteMs, lifetimes.anonymousMs)),
      };
      session.expiresAt = expiryFor(session, at);
      await db.query(
        `INSERT INTO gateway_sessions (id_hash, version, data, secrets, sid, sub, created_at, updated_at, expires_at, absolute_expires_at)
         VALUES ($1, 1, $2::jsonb, $3, $4, $5, $6, $6, $7, $8)`,
        [
          session.idHash,
          JSON.stringify(session.data),
          seal(session),
          session.sid ?? null,
          session.sub ?? null,
          new Date(at),
          new Date(session.expiresAt),
          new Date(session.absoluteExpiresAt),
        ],
      );
      return session;
    },

    /** The live session for a cookie value, or undefined (unknown, expired or unreadable). */
    async load(id: string): Promise<Session | undefined> {
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
      const idHash = hashSessionId(id);
      const cached = cache.get(idHash, id);
      if (cached && cached.expiresAt > now() && cached.expiresAt - expiryFor(cached, now()) > -TOUCH_EVERY_MS)
        return cached;
      const { rows } = await db.query<Row>(
        'SELECT * FROM gateway_sessions WHERE id_hash = $1 AND expires_at > $2',
        [idHash, new Date(now())],
      );
      const row = rows[0];
      if (!row) return undefined;
      let session: Session;
      try {
        session = toSession(row, id);
      } catch {
        // Sealed with another key (rotated GATEWAY_SESSION_KEY) or tampered with: treat as absent.
        await this.destroy(idHash);
        return undefined;
      }
      const at = now();
      const next = expiryFor(session, at);
      if (next - session.expiresAt >= TOUCH_EVERY_MS) {
        session.expiresAt = next;
        await db.query('UPDATE gateway_sessions SET expires_at = $2, updated_at = $3 WHERE id_hash = $1', [
          idHash,
          new Date(next),
          new Date(at),
        ]);
      }
      cache.set(session);
      return session;
    },

    /** Re-reads a session by hash (after losing an optimistic race). */
    async reload(session: Session): Promise<Session | undefined> {
      const { rows } = await db.query<Row>(
        'SELECT * FROM gateway_sessions WHERE id_hash = $1 AND expires_at > $2',
        [session.idHash, new Date(now())],
      );
      const fresh = rows[0] ? toSession(rows[0], session.id) : undefined;
      if (fresh) cache.set(fresh);
      else cache.delete(session.idHash);
      return fresh;
    },

    /** Optimistic write: true when stored, false when another writer got there first. */
    async save(session: Session): Promise<boolean> {
      const at = now();
      const { rowCount } = await db.query(
        // The refresh lease is left alone: an unrelated write (a cart id) while one replica is at
        // the idp must not let another replica refresh the same, single-use refresh token.
        `UPDATE gateway_sessions SET version = version + 1, data = $3::jsonb, secrets = $4, sid = $5, sub = $6, updated_at = $7, expires_at = $8
         WHERE id_hash = $1 AND version = $2`,
        [
          session.idHash,
          session.version,
          JSON.stringify(session.data),
          seal(session),
          session.sid ?? null,
          session.sub ?? null,
          new Date(at),
          new Date(expiryFor(session, at)),
        ],
      );
      if (rowCount === 1) {
        session.version += 1;
        session.expiresAt = expiryFor(session, at);
        cache.set(session);
      } else cache.delete(session.idHash);
      return rowCount === 1;
    },

    /**
     * Takes the refresh lease of a session at this version: `claimed` when this replica may refresh
     * now, `taken-over` when it may but the previous holder's lease ran out unreleased (that replica
     * stopped mid-refresh, maybe after the idp had rotated the refresh token), `busy` when another
     * replica holds the lease or the session changed since it was read.
     */
    async claimRefresh(session: Session, leaseMs: number): Promise<'claimed' | 'taken-over' | 'busy'> {
      const at = now();
      const { rows } = await db.query<{ previous: Date | null }>(
        `WITH lease AS (SELECT refresh_lease_until FROM gateway_sessions WHERE id_hash = $1 FOR UPDATE)
         UPDATE gateway_sessions SET refresh_lease_until = $3 FROM lease
         WHERE id_hash = $1 AND version = $2
           AND (lease.refresh_lease_until IS NULL OR lease.refresh_lease_until <= $4)
         RETURNING lease.refresh_lease_until AS previous`,
        [session.idHash, session.version, new Date(at + leaseMs), new Date(at)],
      );
      const row = rows[0];
      if (!row) return 'busy';
      return row.previous ? 'taken-over' : 'claimed';
    },

    async releaseRefresh(session: Session): Promise<void> {
      await db.query('UPDATE gateway_sessions SET refresh_lease_until = NULL WHERE id_hash = $1', [
        session.idHash,
      ]);
    },

    async destroy(idHash: string): Promise<void> {
      cache.delete(idHash);
      await db.query('DELETE FROM gateway_sessions WHERE id_hash = $1', [idHash]);
    },

    /** Back-channel logout: every session of one idp session, or of one user when no sid is given. */
    async destroyByIdpSession(match: {
      sid?: string | undefined;
      sub?: string | undefined;
    }): Promise<number> {
      cache.evict((session) =>
        match.sid ? session.sid === match.sid : match.sub !== undefined && session.sub === match.sub,
      );
      if (match.sid) {
        const { rowCount } = await db.query('DELETE FROM gateway_sessions WHERE sid = $1', [match.sid]);
        return rowCount;
      }
      if (match.sub) {
        const { rowCount } = await db.query('DELETE FROM gateway_sessions WHERE sub = $1', [match.sub]);
        return rowCount;
      }
      return 0;
    },

    /**
     * Records a back-channel logout token's jti; false when any replica received it before (a
     * replay: BCL 1.0 §2.6). Replaying a sub-only token would otherwise end the sessions the user
     * opened after the real logout.
     */
    async firstLogoutTokenUse(jti: string, acceptedUntil: Date): Promise<boolean> {
      const { rowCount } = await db.query(
        'INSERT INTO gateway_logout_tokens (jti, forget_after) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING',
        [jti, acceptedUntil],
      );
      return rowCount === 1;
    },

    /** Live sessions without a signed-in user (the total the anonymous cap bounds). */
    async countAnonymous(): Promise<number> {
      const { rows } = await db.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM gateway_sessions WHERE sub IS NULL AND expires_at > $1',
        [new Date(now())],
      );
      return rows[0]?.count ?? 0;
    },

    /** Drops expired sessions and logout-token ids past the age at which they would be refused anyway. */
    async purgeExpired(): Promise<number> {
      const at = new Date(now());
      await db.query('DELETE FROM gateway_logout_tokens WHERE forget_after <= $1', [at]);
      const { rowCount } = await db.query('DELETE FROM gateway_sessions WHERE expires_at <= $1', [at]);
      return rowCount;
    },
  };

  function seal(session: Session): string | null {
    const empty = !session.secrets.user && !session.secrets.tokens && !session.secrets.pendingLogins?.length;
    return empty ? null : sealer.seal(session.secrets, session.idHash);
  }
}

export type SessionStore = ReturnType<typeof createSessionStore>;

const CACHE_MAX_ENTRIES = 10_000;

/** Copies in, copies out: callers mutate the sessions they get, the cache never sees that. */
function createSessionCache(ttlMs: number) {
  const entries = new Map<string, { session: Session; at: number }>();
  return {
    get(idHash: string, id: string): Session | undefined {
      if (ttlMs <= 0) return undefined;
      const entry = entries.get(idHash);
      if (!entry) return undefined;
      if (performance.now() - entry.at > ttlMs) {
        entries.delete(idHash);
        return undefined;
      }
      return { ...structuredClone(entry.session), id };
    },
    set(session: Session): void {
      if (ttlMs <= 0) return;
      entries.delete(session.idHash);
      if (entries.size >= CACHE_MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      entries.set(session.idHash, {
        session: structuredClone({ ...session, id: '' }),
        at: performance.now(),
      });
    },
    delete(idHash: string): void {
      entries.delete(idHash);
    },
    evict(match: (session: Session) => boolean): void {
      for (const [idHash, entry] of entries) if (match(entry.session)) entries.delete(idHash);
    },
  };
}
