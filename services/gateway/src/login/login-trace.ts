import type { FastifyReply } from 'fastify';
import { activeTraceParent } from '@mockmart/service-kit/telemetry';

/**
 * A sign-in is several browser requests (GET /bff/login, the idp's login form through /auth/*,
 * GET /bff/callback), and a browser sends no trace context. /bff/login leaves its trace context
 * in this cookie, scoped to the idp's realm path and the callback, and the gateway's propagator
 * (server.ts: acceptTraceContextFromCookie) continues that trace on those requests: the whole
 * sign-in is one trace. Ids only, no secret; the callback clears it.
 */
export const LOGIN_TRACE_COOKIE = 'mockmart_login_trace';

export interface LoginTraceCookie {
  secure: boolean;
  /** The realm's path on the gateway (`/auth/realms/techstore/`): the issuer's path. */
  idpPath: string;
  maxAgeSeconds: number;
}

const CALLBACK_PATH = '/bff/callback';

export function rememberLoginTrace(reply: FastifyReply, cookie: LoginTraceCookie): void {
  const traceParent = activeTraceParent();
  if (!traceParent) return;
  for (const path of [cookie.idpPath, CALLBACK_PATH])
    void reply.setCookie(LOGIN_TRACE_COOKIE, traceParent, {
      httpOnly: true,
      secure: cookie.secure,
      sameSite: 'lax',
      path,
      maxAge: cookie.maxAgeSeconds,
    });
}

export function forgetLoginTrace(reply: FastifyReply, cookie: LoginTraceCookie): void {
  for (const path of [cookie.idpPath, CALLBACK_PATH])
    void reply.clearCookie(LOGIN_TRACE_COOKIE, {
      httpOnly: true,
      secure: cookie.secure,
      sameSite: 'lax',
      path,
    });
}
