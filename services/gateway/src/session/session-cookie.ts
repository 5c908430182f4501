import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';

export interface SessionCookieSettings {
  name: string;
  secure: boolean;
}

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs,
 * still sent on the top-level redirect back from the idp), Path=/, and when Secure the `__Host-`
 * prefix, which the browser only accepts from a secure origin without a Domain attribute, so a
 * sibling subdomain cannot plant or shadow it. It lives for the browser session; the database
 * decides when the session really ends.
 */
export function sessionCookieSettings(baseName: string, secure: boolean): SessionCookieSettings {
  return { name: secure ? `__Host-${baseName}` : baseName, secure };
}

function options(settings: SessionCookieSettings): CookieSerializeOptions {
  return { httpOnly: true, secure: settings.secure, sameSite: 'lax', path: '/' };
}

export function readSessionCookie(
  request: FastifyRequest,
  settings: SessionCookieSettings,
): string | undefined {
  const value = request.cookies[settings.name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function writeSessionCookie(reply: FastifyReply, settings: SessionCookieSettings, id: string): void {
  void reply.setCookie(settings.name, id, options(settings));
}

export function clearSessionCookie(reply: FastifyReply, settings: SessionCookieSettings): void {
  void reply.clearCookie(settings.name, options(settings));
}
