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
 * Per-request access to the cookie session. The session is loaded lazily (static files never touch
 * the database) and at most once per request; anonymous sessions are only created when something
 * must be remembered (a cart id, a pending login).
 */
export function createSessionContext(store: SessionStore, cookie: SessionCookieSettings) {
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
