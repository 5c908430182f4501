import { randomToken, uuid } from '../lib/ids.ts';
import type { RealmSettings } from '../realm/model.ts';

/**
 * In-memory SSO sessions, client sessions, login (authentication) sessions, authorization codes
 * and revoked access-token ids. Times are milliseconds from the injected clock.
 *
 * Sessions are not persisted: after a restart access tokens still verify (keys are persisted) but
 * refresh tokens answer `Session not active`, as with a Keycloak whose session store was lost.
 */

export interface ClientSession {
  clientUuid: string;
  clientId: string;
  /** Scope parameter as granted (space separated, may contain openid / offline_access). */
  scope: string;
  offline: boolean;
  started: number;
  /** Latest refresh token id handed out (rotation: older ones are stale). */
  currentRefreshJti?: string;
  refreshReuseCount: number;
}

export interface UserSession {
  id: string;
  realm: string;
  userId: string;
  started: number;
  lastRefresh: number;
  authTimeSec: number;
  clients: Map<string, ClientSession>; // by client uuid
  notes: Record<string, string>;
}

export interface AuthRequest {
  clientId: string;
  redirectUri: string;
  responseType: string;
  responseMode: 'query' | 'fragment' | 'form_post';
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  prompt?: string;
}

/** A login in progress: bound to the AUTH_SESSION_ID cookie and a one-time form token. */
export interface AuthSession {
  id: string;
  realm: string;
  request: AuthRequest;
  formToken: string;
  created: number;
}

export interface AuthorizationCode {
  code: string;
  realm: string;
  sessionId: string;
  clientUuid: string;
  redirectUri: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  expiresAt: number;
  used: boolean;
}

/**
 * Logins in progress kept at most. Anyone can open one (a GET of the login page) and each holds
 * request parameters of up to a URL's length until it expires, so without a bound a flood of
 * page loads grows memory for the whole login lifespan. Past it the oldest pending login is
 * dropped: that user's form answers "login expired" and a retry works.
 */
export const MAX_PENDING_LOGINS = 10_000;

export class SessionStore {
  readonly sessions = new Map<string, UserSession>();
  readonly authSessions = new Map<string, AuthSession>();
  readonly codes = new Map<string, AuthorizationCode>();
  /** Revoked access-token jti → its exp (ms), dropped once expired. */
  readonly revokedJti = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  createSession(realm: string, userId: string, notes: Record<string, string> = {}): UserSession {
    const now = this.#now();
    const session: UserSession = {
      id: uuid(),
      realm,
      userId,
      started: now,
      lastRefresh: now,
      authTimeSec: Math.floor(now / 1000),
      clients: new Map(),
      notes,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The session if it exists and is inside its idle and maximum lifetimes; expired ones are removed. */
  activeSession(id: string | undefined, settings: RealmSettings, offline = false): UserSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (this.#now() >= sessionExpiry(session, settings, offline)) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  removeSession(id: string): UserSession | undefined {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    for (const [code, value] of this.codes) if (value.sessionId === id) this.codes.delete(code);
    return session;
  }

  sessionsOfUser(realm: string, userId: string): UserSession[] {
    return [...this.sessions.values()].filter((s) => s.realm === realm && s.userId === userId);
  }

  createAuthSession(realm: string, request: AuthRequest): AuthSession {
    const auth: AuthSession = { id: uuid(), realm, request, formToken: randomToken(), created: this.#now() };
    if (this.authSessions.size >= MAX_PENDING_LOGINS) {
      // Maps iterate in insertion order: the first key is the oldest pending login.
      const oldest = this.authSessions.keys().next().value;
      if (oldest !== undefined) this.authSessions.delete(oldest);
    }
    this.authSessions.set(auth.id, auth);
    return auth;
  }

  issueCode(entry: Omit<AuthorizationCode, 'code' | 'used'>): string {
    // Keycloak's code is `<random>.<session id>.<client uuid>`.
    const code = `${randomToken()}.${entry.sessionId}.${entry.clientUuid}`;
    this.codes.set(code, { ...entry, code, used: false });
    return code;
  }

  revokeAccessToken(jti: string, expMs: number): void {
    this.revokedJti.set(jti, expMs);
  }

  /** Drops expired sessions, login sessions, codes and revocation entries. */
  sweep(settingsOf: (realm: string) => RealmSettings | undefined): void {
    const now = this.#now();
    for (const [id, s] of this.sessions) {
      const settings = settingsOf(s.realm);
      const offline = [...s.clients.values()].some((c) => c.offline);
      if (!settings || now >= sessionExpiry(s, settings, offline)) this.sessions.delete(id);
    }
    for (const [id, a] of this.authSessions) {
      const settings = settingsOf(a.realm);
      if (!settings || now >= a.created + settings.accessCodeLifespanLogin * 1000)
        this.authSessions.delete(id);
    }
    for (const [code, c] of this.codes) if (now >= c.expiresAt + 60_000) this.codes.delete(code);
    for (const [jti, exp] of this.revokedJti) if (now >= exp) this.revokedJti.delete(jti);
  }
}

/** When a session ends: the earlier of idle expiry and maximum lifespan (ms). */
export function sessionExpiry(session: UserSession, settings: RealmSettings, offline = false): number {
  if (offline) {
    const idle = session.lastRefresh + settings.offlineSessionIdleTimeout * 1000;
    return settings.offlineSessionMaxLifespanEnabled
      ? Math.min(idle, session.started + settings.offlineSessionMaxLifespan * 1000)
      : idle;
  }
  return Math.min(
    session.lastRefresh + settings.ssoSessionIdleTimeout * 1000,
    session.started + settings.ssoSessionMaxLifespan * 1000,
  );
}
