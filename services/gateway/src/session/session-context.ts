import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  clearSessionCookie,
  readSessionCookie,
  writeSessionCookie,
  type SessionCookieSettings,
} from './session-cookie.ts';
import type { SessionStore } from './session-store.ts';
import type { Session, SessionData, SessionSecrets } from './types.ts';

/**
 * Decides whether this request may create an anonymous session; throws (429, 503) when not.
 * Signed-in sessions are made by a login, which already went through here.
 */
export type AdmitAnonymousSession = (request: FastifyRequest) => Promise<void>;

/**
 * Per-request access to the cookie session. The session is loaded lazily (static files never touch
 * the database) and at most once per request; anonymous sessions are only created when something
 * must be remembered (a cart id, a pending login), and only when `admit` lets them.
 */
export function createSessionContext(
  store: SessionStore,
  cookie: SessionCookieSettings,
  admit: AdmitAnonymousSession = async () => {},
) {
  const loaded = new WeakMap<FastifyRequest, Promise<Session | undefined>>();

  function current(request: FastifyRequest): Promise<Session | undefined> {
    let pending = loaded.get(request);
    if (!pending) {
      const id = readSessionCookie(request, cookie);
      pending = id ? store.load(id) : Promise.resolve(undefined);
      loaded.set(request, pending);
    }
    return pending;
  }

  function remember(request: FastifyRequest, session: Session | undefined): void {
    loaded.set(request, Promise.resolve(session));
  }

  return {
    cookie,
    store,
    current,
    remember,

    /** The current session, or a new anonymous one (cookie set on this reply). */
    async ensure(request: FastifyRequest, reply: FastifyReply): Promise<Session> {
      const existing = await current(request);
      if (existing) return existing;
      await admit(request);
      const session = await store.create({});
      writeSessionCookie(reply, cookie, session.id);
      remember(request, session);
      return session;
    },

    /**
     * Replaces the session with a new one under a NEW id (login: prevents session fixation) and
     * deletes the old row.
     */
    async rotate(
      request: FastifyRequest,
      reply: FastifyReply,
      input: { data?: Partial<SessionData>; secrets: SessionSecrets; sid?: string; sub?: string },
    ): Promise<Session> {
      const previous = await current(request);
      const session = await store.create(input);
      if (previous) await store.destroy(previous.idHash);
      writeSessionCookie(reply, cookie, session.id);
      remember(request, session);
      return session;
    },

    /**
     * Records that shop-api accepted a write to this anonymous session's cart: from now on it has
     * the long anonymous lifetime. Best effort: a lost optimistic race is retried once.
     */
    async markCartFilled(session: Session): Promise<void> {
      if (session.data.cartFilled) return;
      session.data.cartFilled = true;
      if (await store.save(session)) return;
      const fresh = await store.reload(session);
      if (fresh && !fresh.data.cartFilled) {
        fresh.data.cartFilled = true;
        await store.save(fresh);
      }
    },

    async end(request: FastifyRequest, reply: FastifyReply): Promise<Session | undefined> {
      const session = await current(request);
      if (session) await store.destroy(session.idHash);
      clearSessionCookie(reply, cookie);
      remember(request, undefined);
      return session;
    },
  };
}

export type SessionContext = ReturnType<typeof createSessionContext>;
