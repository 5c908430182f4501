import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdpContext } from '../context.ts';

/** Minimal cookie handling (RFC 6265): the idp sets only a handful of its own cookies. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface CookieOptions {
  httpOnly: boolean;
  maxAgeSeconds?: number;
}

/**
 * Realm cookies are scoped to `{relativePath}/realms/{realm}/`. Over https they are
 * `SameSite=None; Secure` like Keycloak's (needed by the login-status iframe across origins);
 * over plain http browsers refuse `None` without Secure, so `Lax` is used.
 */
export function setRealmCookie(
  ctx: IdpContext,
  reply: FastifyReply,
  realm: string,
  name: string,
  value: string,
  options: CookieOptions,
): void {
  const secure = ctx.publicUrl.startsWith('https:');
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${ctx.relativePath}/realms/${encodeURIComponent(realm)}/`,
    secure ? 'SameSite=None' : 'SameSite=Lax',
  ];
  if (secure) parts.push('Secure');
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  const existing = reply.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
  void reply.header('set-cookie', [...list, parts.join('; ')]);
}

export function clearRealmCookie(ctx: IdpContext, reply: FastifyReply, realm: string, name: string): void {
  setRealmCookie(ctx, reply, realm, name, '', { httpOnly: true, maxAgeSeconds: 0 });
}
